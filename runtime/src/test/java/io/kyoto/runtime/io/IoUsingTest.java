package io.kyoto.runtime.io;

import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Io#using}: the graceful close always runs, then {@code close()}, whatever the body does.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoUsingTest {
  /** A resource that logs its close calls and can fail its graceful close. */
  static final class Resource implements AsyncCloseable {
    final List<String> log = new ArrayList<>();
    final Exception closeAsyncFailure;

    Resource(Exception closeAsyncFailure) {
      this.closeAsyncFailure = closeAsyncFailure;
    }

    @Override
    public Future<Void> closeAsync() {
      log.add("closeAsync");
      return Time.sleep(Duration.ofMillis(1))
          .map(
              v -> {
                log.add("closeAsync done");
                if (closeAsyncFailure != null) {
                  throw closeAsyncFailure;
                }
                return null;
              });
    }

    @Override
    public void close() {
      log.add("close");
    }
  }

  @Test
  void usingClosesGracefullyThenSynchronouslyAfterSuccess() throws Exception {
    try (Runtime rt = runtime()) {
      Resource res = new Resource(null);
      int v =
          rt.blockOn(
              Io.using(
                  res,
                  r -> {
                    r.log.add("body");
                    return Time.sleep(Duration.ofMillis(1)).map(x -> 42);
                  }));
      assertEquals(42, v);
      assertEquals(List.of("body", "closeAsync", "closeAsync done", "close"), res.log);
    }
  }

  @Test
  void usingSurfacesTheBodysFailureFirstWithCloseFailuresSuppressed() throws Exception {
    try (Runtime rt = runtime()) {
      Resource res = new Resource(new IOException("closeAsync failed"));
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(
                      Io.using(res, r -> Futures.<Integer>failed(new IOException("body failed")))));
      assertEquals("body failed", e.getMessage());
      assertEquals(1, e.getSuppressed().length);
      assertEquals("closeAsync failed", e.getSuppressed()[0].getMessage());
      assertEquals(List.of("closeAsync", "closeAsync done", "close"), res.log);

      // A body that succeeds but a graceful close that fails: the close failure is the outcome.
      Resource res2 = new Resource(new IOException("closeAsync failed"));
      IOException e2 =
          assertThrows(IOException.class, () -> rt.blockOn(Io.using(res2, r -> Futures.ready(1))));
      assertEquals("closeAsync failed", e2.getMessage());
      assertEquals("close", res2.log.getLast());

      // A body function that throws instead of returning a future is a failure like any other.
      Resource res3 = new Resource(null);
      IllegalStateException e3 =
          assertThrows(
              IllegalStateException.class,
              () ->
                  rt.blockOn(
                      Io.<Resource, Integer>using(
                          res3,
                          r -> {
                            throw new IllegalStateException("no future");
                          })));
      assertEquals("no future", e3.getMessage());
      assertEquals(List.of("closeAsync", "closeAsync done", "close"), res3.log);
    }
  }

  @Test
  void usingClosesAtOnceWhenCancelled() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableAll().startPaused(true).build()) {
      Resource res = new Resource(null);
      AtomicBoolean bodyCancelled = new AtomicBoolean();
      Future<Integer> never =
          new Future<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
              return Poll.pending();
            }

            @Override
            public void cancel() {
              bodyCancelled.set(true);
            }
          };
      assertThrows(
          TimeoutException.class,
          () -> rt.blockOn(Time.timeout(Duration.ofSeconds(5), Io.using(res, r -> never))));
      assertTrue(bodyCancelled.get());
      assertEquals(List.of("close"), res.log, "no graceful close on cancel, close() at once");

      // Aborting the task that runs it, too.
      Resource res2 = new Resource(null);
      JoinHandle<Integer> h =
          rt.spawn(Io.using(res2, r -> Time.sleep(Duration.ofDays(1)).map(v -> 1)));
      rt.blockOn(Task.yieldNow());
      h.abort();
      JoinException je = assertThrows(JoinException.class, () -> rt.blockOn(h));
      assertTrue(je.isCancelled());
      assertEquals(List.of("close"), res2.log);
    }
  }

  /** A future that counts its cancels and throws {@code error} from its first poll. */
  static final class ThrowsError<T> implements Future<T> {
    final Error error;
    int cancels;

    ThrowsError(Error error) {
      this.error = error;
    }

    @Override
    public Poll<T> poll(Context cx) {
      throw error;
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  /**
   * An Error from the body or from the graceful close goes through unchanged, and the future that
   * threw it is still cancelled once (the Future contract: its owner drops it), as for an
   * exception; close() still runs.
   */
  @Test
  void anErrorFromTheBodyOrTheGracefulCloseStillCancelsTheFutureThatThrewIt() throws Exception {
    try (Runtime rt = runtime()) {
      AssertionError bodyError = new AssertionError("body broke");
      ThrowsError<Integer> body = new ThrowsError<>(bodyError);
      Resource res = new Resource(null);
      assertSame(
          bodyError,
          assertThrows(AssertionError.class, () -> rt.blockOn(Io.using(res, r -> body))));
      assertEquals(1, body.cancels, "the body that threw is dropped, so cancelled once");
      assertEquals(List.of("close"), res.log);

      AssertionError closeError = new AssertionError("close broke");
      ThrowsError<Void> closing = new ThrowsError<>(closeError);
      List<String> log = new ArrayList<>();
      AsyncCloseable res2 =
          new AsyncCloseable() {
            @Override
            public Future<Void> closeAsync() {
              return closing;
            }

            @Override
            public void close() {
              log.add("close");
            }
          };
      assertSame(
          closeError,
          assertThrows(
              AssertionError.class, () -> rt.blockOn(Io.using(res2, r -> Futures.ready(1)))));
      assertEquals(
          1, closing.cancels, "the graceful close that threw is dropped, so cancelled once");
      assertEquals(List.of("close"), log);
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
    Future<Integer> using = Io.using(res, r -> stuck);
    assertEquals(Poll.pending(), using.poll(new Context(io.kyoto.runtime.Waker.noop())));
    assertThrows(IllegalStateException.class, using::cancel);
    assertEquals(List.of("close"), res.log);
  }
}
