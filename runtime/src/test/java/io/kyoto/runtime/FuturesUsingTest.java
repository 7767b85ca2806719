package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kyoto.runtime.sync.Semaphore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Futures#using}: the resource is closed once, whatever becomes of the body. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuturesUsingTest {
  /** A resource that logs what happens to it, and can fail its close. */
  static final class Resource implements AutoCloseable {
    final List<String> log = new ArrayList<>();
    final Exception closeFailure;

    Resource(Exception closeFailure) {
      this.closeFailure = closeFailure;
    }

    @Override
    public void close() throws Exception {
      log.add("close");
      if (closeFailure != null) {
        throw closeFailure;
      }
    }
  }

  static Runtime runtime() {
    return Runtime.builder().currentThread().enableAll().build();
  }

  /** A body that logs its poll and cancel, waits {@code wait}, then yields {@code value}. */
  static Future<Integer> body(Resource r, Duration wait, int value) {
    Future<Integer> sleeping = Time.sleep(wait).map(v -> value);
    return new Future<>() {
      @Override
      public Poll<Integer> poll(Context cx) throws Exception {
        Poll<Integer> p = sleeping.poll(cx);
        if (p.isReady()) {
          r.log.add("body done");
        }
        return p;
      }

      @Override
      public void cancel() {
        r.log.add("body cancelled");
        sleeping.cancel();
      }
    };
  }

  @Test
  void theResourceIsClosedAfterTheBodyAndBeforeTheValueIsDelivered() throws Exception {
    try (Runtime rt = runtime()) {
      Resource res = new Resource(null);
      int v =
          rt.blockOn(
              Futures.using(res, r -> body(r, Duration.ofMillis(1), 42))
                  .inspect(x -> res.log.add("delivered")));
      assertEquals(42, v);
      assertEquals(List.of("body done", "close", "delivered"), res.log);
    }
  }

  @Test
  void aFailingBodyClosesTheResourceAndKeepsItsFailureWithTheCloseFailureSuppressed()
      throws Exception {
    try (Runtime rt = runtime()) {
      IOException bodyFailure = new IOException("body failed");
      IllegalStateException closeFailure = new IllegalStateException("close failed");
      Resource res = new Resource(closeFailure);
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(
                      Futures.using(
                          res, r -> Time.sleep(Duration.ofMillis(1)).map(v -> fail(bodyFailure)))));
      assertSame(bodyFailure, e);
      assertEquals(List.of(closeFailure), List.of(e.getSuppressed()));
      assertEquals(List.of("close"), res.log);
      // A body function that throws at once closes the resource too.
      Resource res2 = new Resource(null);
      assertThrows(
          IOException.class,
          () ->
              rt.blockOn(
                  Futures.using(
                      res2,
                      r -> {
                        throw bodyFailure;
                      })));
      assertEquals(List.of("close"), res2.log);
    }
  }

  static Integer fail(Exception e) throws Exception {
    throw e;
  }

  @Test
  void aCloseThatFailsAfterASuccessfulBodyFailsTheFuture() throws Exception {
    try (Runtime rt = runtime()) {
      IllegalStateException closeFailure = new IllegalStateException("close failed");
      Resource res = new Resource(closeFailure);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> rt.blockOn(Futures.using(res, r -> body(r, Duration.ofMillis(1), 7))));
      assertSame(closeFailure, e);
      assertEquals(List.of("body done", "close"), res.log);
    }
  }

  @Test
  void aCancelledFutureCancelsTheBodyThenClosesTheResourceOnce() throws Exception {
    try (Runtime rt = runtime()) {
      Resource res = new Resource(null);
      // The body waits an hour; the timeout cancels it after 5 ms.
      assertThrows(
          TimeoutException.class,
          () ->
              rt.blockOn(
                  Futures.using(res, r -> body(r, Duration.ofHours(1), 1))
                      .timeout(Duration.ofMillis(5))));
      assertEquals(List.of("body cancelled", "close"), res.log);
    }
  }

  @Test
  void aBodyWhoseCancelThrowsStillHasItsResourceClosed() throws Exception {
    Resource res = new Resource(null);
    Future<Integer> stuck =
        new Future<>() {
          @Override
          public Poll<Integer> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            throw new IllegalStateException("cancel failed");
          }
        };
    Future<Integer> using = Futures.using(res, r -> stuck);
    assertEquals(Poll.pending(), using.poll(new Context(Waker.noop())));
    assertThrows(IllegalStateException.class, using::cancel);
    assertEquals(List.of("close"), res.log);
    using.cancel(); // idempotent: no second close
    assertEquals(List.of("close"), res.log);
  }

  @Test
  void aPermitHeldAcrossAnAwaitIsReturnedWhenTheWorkIsCancelled() throws Exception {
    try (Runtime rt = runtime()) {
      Semaphore limit = new Semaphore(2);
      for (int i = 0; i < 5; i++) {
        assertThrows(
            TimeoutException.class,
            () ->
                rt.blockOn(
                    limit
                        .acquire()
                        .flatMap(
                            permit ->
                                Futures.using(
                                    permit, p -> Time.sleep(Duration.ofHours(1)).map(v -> 1)))
                        .timeout(Duration.ofMillis(2))));
      }
      assertEquals(2, limit.availablePermits(), "the cancelled calls kept their permits");
    }
  }

  @Test
  void withPermitWithLockAndWithWriteReleaseOnSuccessFailureAndCancellation() throws Exception {
    try (Runtime rt = runtime()) {
      Semaphore limit = new Semaphore(1);
      assertEquals(5, rt.blockOn(limit.withPermit(() -> Futures.ready(5))));
      assertThrows(
          IOException.class,
          () -> rt.blockOn(limit.withPermit(() -> Futures.failed(new IOException("failed")))));
      assertThrows(
          TimeoutException.class,
          () ->
              rt.blockOn(
                  limit
                      .withPermit(() -> Time.sleep(Duration.ofHours(1)))
                      .timeout(Duration.ofMillis(2))));
      assertEquals(1, limit.availablePermits());

      io.kyoto.runtime.sync.Mutex<Integer> counter = new io.kyoto.runtime.sync.Mutex<>(0);
      assertThrows(
          TimeoutException.class,
          () ->
              rt.blockOn(
                  counter
                      .withLock(g -> Time.sleep(Duration.ofHours(1)).map(v -> 1))
                      .timeout(Duration.ofMillis(2))));
      Integer after =
          rt.blockOn(
              counter.withLock(
                  g -> {
                    g.set(g.get() + 1);
                    return Futures.ready(g.get());
                  }));
      assertEquals(1, after, "the cancelled holder unlocked");

      io.kyoto.runtime.sync.RwLock<String> doc = new io.kyoto.runtime.sync.RwLock<>("a");
      assertThrows(
          TimeoutException.class,
          () ->
              rt.blockOn(
                  doc.withWrite(g -> Time.sleep(Duration.ofHours(1)).map(v -> 1))
                      .timeout(Duration.ofMillis(2))));
      rt.blockOn(
          doc.withWrite(
              g -> {
                g.set("b");
                return Futures.ready(null);
              }));
      assertEquals("b", rt.blockOn(doc.withRead(g -> Futures.ready(g.get()))));
    }
  }
}
