package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.stream.Streams;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.runtime.sync.OnceCell;
import io.kyoto.runtime.sync.Semaphore;
import io.kyoto.runtime.sync.SemaphorePermit;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The owner of a future whose {@code poll} threw calls its {@code cancel()} once, as tokio drops a
 * future that panicked: the task harness, the three {@code blockOn} loops, and the combinators that
 * drop a failed child. What the failure was is unchanged.
 */
@Timeout(30)
class FailedFutureIsCancelledTest {

  /**
   * A hand-written future that queues for a permit of {@code sem} on its first poll, then throws on
   * the next: the acquire it created is still queued, and only a cancel can take it out.
   */
  static final class ThrowsWhileQueued implements Future<Void> {
    final Semaphore sem;
    final IOException failure = new IOException("failed while an acquire was queued");
    Future<SemaphorePermit> acquire;
    int cancels;

    ThrowsWhileQueued(Semaphore sem) {
      this.sem = sem;
    }

    @Override
    public Poll<Void> poll(Context cx) throws Exception {
      if (acquire == null) {
        acquire = sem.acquire();
        assertTrue(acquire.poll(cx).isPending(), "no permit: the acquire queues");
        cx.waker().wake(); // poll again at once
        return Poll.pending();
      }
      throw failure;
    }

    @Override
    public void cancel() {
      cancels++;
      acquire.cancel();
    }
  }

  private static Runtime runtime(Flavor flavor) {
    return Runtime.builder().flavor(flavor).workerThreads(2).enableAll().build();
  }

  /** The permit goes to nobody: a leaked waiter would have taken it for a future that is gone. */
  private static void assertNoWaiterLeaked(Semaphore sem) {
    sem.addPermits(1);
    assertEquals(1, sem.availablePermits(), "a waiter of the failed future took the permit");
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void aTaskWhoseFutureFailsLeavesNoSemaphoreWaiterBehind(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      Semaphore sem = new Semaphore(0);
      ThrowsWhileQueued future = new ThrowsWhileQueued(sem);
      JoinException e =
          assertThrows(
              JoinException.class, () -> rt.blockOn(Futures.lazy(() -> Task.spawn(future))));
      assertSame(future.failure, e.getCause(), "the failure reaches the joiner unchanged");
      assertEquals(1, future.cancels);
      assertNoWaiterLeaked(sem);
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void blockOnOfAFutureThatFailsLeavesNoSemaphoreWaiterBehind(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      Semaphore sem = new Semaphore(0);
      ThrowsWhileQueued future = new ThrowsWhileQueued(sem);
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(future));
      assertSame(future.failure, e);
      assertEquals(0, e.getSuppressed().length);
      assertEquals(1, future.cancels);
      assertNoWaiterLeaked(sem);
    }
  }

  @Test
  void blockOnWaitingForTheCoreCancelsAFutureThatFails() throws Exception {
    // A second blockOn on a current-thread runtime polls its future while another thread holds
    // the core: that loop drops a failed future too.
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      CountDownLatch holding = new CountDownLatch(1);
      AtomicReference<Waker> holderWaker = new AtomicReference<>();
      AtomicReference<Boolean> release = new AtomicReference<>(false);
      Thread holder =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      rt.blockOn(
                          cx -> {
                            holderWaker.set(cx.waker());
                            holding.countDown();
                            return release.get() ? Poll.ready(null) : Poll.pending();
                          });
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  });
      assertTrue(holding.await(10, TimeUnit.SECONDS));
      Semaphore sem = new Semaphore(0);
      ThrowsWhileQueued future = new ThrowsWhileQueued(sem);
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(future));
      assertSame(future.failure, e);
      assertEquals(1, future.cancels);
      release.set(true);
      holderWaker.get().wake();
      holder.join(10_000);
      assertNoWaiterLeaked(sem);
    }
  }

  /** Throws at its first poll; counts its cancels. */
  static final class Failing implements Future<Integer> {
    final IOException failure = new IOException("child failed");
    int cancels;

    @Override
    public Poll<Integer> poll(Context cx) throws Exception {
      if (cancels > 0) {
        throw new AssertionError("polled after cancel()");
      }
      throw failure;
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  /** Pending for ever; counts its cancels. */
  static final class Pending implements Future<Integer> {
    int cancels;

    @Override
    public Poll<Integer> poll(Context cx) {
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  private static void assertDroppedOnce(
      String what, Function<Failing, Future<?>> combinator, boolean fails) throws Exception {
    Failing child = new Failing();
    Future<?> f = combinator.apply(child);
    Context cx = new Context(Waker.noop());
    if (fails) {
      Exception e = assertThrows(Exception.class, () -> f.poll(cx), what);
      assertSame(child.failure, e, what + ": the failure is unchanged");
    } else {
      f.poll(cx);
    }
    assertEquals(1, child.cancels, what + ": the combinator dropped its failed child");
    f.cancel(); // what the combinator's own owner does next
    assertEquals(1, child.cancels, what + ": cancelled once, not twice");
    assertEquals(0, child.failure.getSuppressed().length, what);
  }

  @Test
  void combinatorsThatDropAFailedChildCancelIt() throws Exception {
    assertDroppedOnce("join", c -> Futures.join(List.of(c, new Pending())), true);
    List<Future<Integer>> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(new Pending());
    }
    assertDroppedOnce(
        "large join",
        c -> {
          many.add(c);
          return Futures.join(many);
        },
        true);
    assertDroppedOnce("race", c -> Select.race(c, new Pending()), true);
    assertDroppedOnce("raceOk", c -> Select.raceOk(List.of(c, new Pending())), false);
    assertDroppedOnce(
        "select",
        c -> Select.<Integer>builder().branch(c, v -> v).branch(new Pending(), v -> v).build(),
        true);
    assertDroppedOnce("recover", c -> c.recover(e -> 0), false);
    assertDroppedOnce("handle", c -> c.handle((v, e) -> 0), false);
    assertDroppedOnce("recoverWith", c -> c.recoverWith(e -> Futures.ready(0)), false);
    assertDroppedOnce("runUntilCancelled", c -> new CancellationToken().runUntilCancelled(c), true);
    assertDroppedOnce("OnceCell.getOrInit", c -> new OnceCell<Integer>().getOrInit(() -> c), true);
    assertDroppedOnce("Streams.fromFuture", c -> Streams.fromFuture(c).next(), true);
    assertDroppedOnce(
        "Stream.then", c -> Streams.fromIterable(List.of(1)).then(v -> c).next(), true);
  }

  @Test
  void aTimeoutCancelsItsFutureOnceWhenItFailsOrTimesOut() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().startPaused(true).build()) {
      Failing failing = new Failing();
      assertSame(
          failing.failure,
          assertThrows(
              IOException.class, () -> rt.blockOn(failing.timeout(Duration.ofSeconds(1)))));
      assertEquals(1, failing.cancels);
    }
  }
}
