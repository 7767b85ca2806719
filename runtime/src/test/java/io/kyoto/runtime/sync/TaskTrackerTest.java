package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TaskTracker} against tokio-util's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskTrackerTest {

  @Test
  void waitAllNeedsClosedAndEmpty() throws Exception {
    TaskTracker tracker = new TaskTracker();
    assertTrue(tracker.isEmpty());
    assertFalse(tracker.isClosed());
    HandPolled<Void> open = HandPolled.of(tracker.waitAll());
    open.pending(); // empty but open

    AtomicBoolean gate = new AtomicBoolean();
    HandPolled<Void> work =
        HandPolled.of(tracker.trackFuture(cx -> gate.get() ? Poll.ready(null) : Poll.pending()));
    assertEquals(1, tracker.len());
    assertTrue(tracker.close());
    assertFalse(tracker.close(), "already closed");
    assertFalse(open.isWoken(), "closed but not empty");
    HandPolled<Void> closed = HandPolled.of(tracker.waitAll());
    closed.pending();

    work.pending();
    gate.set(true);
    work.ready();
    assertTrue(tracker.isEmpty());
    assertTrue(open.isWoken());
    assertTrue(closed.isWoken());
    open.ready();
    closed.ready();
    HandPolled.of(tracker.waitAll()).ready();
  }

  @Test
  void aCancelledOrFailedTrackedFutureStopsCounting() throws Exception {
    TaskTracker tracker = new TaskTracker();
    Future<Void> cancelled = tracker.trackFuture(cx -> Poll.pending());
    HandPolled<Void> failing =
        HandPolled.of(
            tracker.trackFuture(
                cx -> {
                  throw new IllegalStateException("failed");
                }));
    assertEquals(2, tracker.len());
    cancelled.cancel();
    cancelled.cancel();
    assertEquals(1, tracker.len(), "cancel untracks once");
    assertThrows(IllegalStateException.class, failing::poll);
    assertEquals(0, tracker.len());
  }

  @Test
  void aFailedTrackedFutureIsDroppedBeforeItStopsCounting() throws Exception {
    // tokio-util drops the tracked future before its token: waitAll() completing means what the
    // tasks held is released. A failed future is dropped by cancel(): that must come first.
    TaskTracker tracker = new TaskTracker();
    long[] countedAtDrop = {-1};
    AtomicInteger drops = new AtomicInteger();
    HandPolled<Void> failing =
        HandPolled.of(
            tracker.trackFuture(
                new Future<Void>() {
                  @Override
                  public Poll<Void> poll(io.kyoto.runtime.Context cx) {
                    throw new IllegalStateException("failed");
                  }

                  @Override
                  public void cancel() {
                    if (drops.getAndIncrement() == 0) {
                      countedAtDrop[0] = tracker.len();
                    }
                  }
                }));
    tracker.close();
    HandPolled<Void> all = HandPolled.of(tracker.waitAll());
    all.pending();
    assertThrows(IllegalStateException.class, failing::poll);
    failing.cancel(); // the owner's drop of the failed future
    assertEquals(1, countedAtDrop[0], "still tracked while it is dropped");
    assertEquals(1, drops.get(), "dropped once");
    assertEquals(0, tracker.len());
    assertTrue(all.isWoken());
  }

  @Test
  void tokensCountUntilClosedOnce() throws Exception {
    TaskTracker tracker = new TaskTracker();
    TaskTrackerToken token = tracker.token();
    assertEquals(tracker, token.tracker());
    tracker.close();
    HandPolled<Void> waiting = HandPolled.of(tracker.waitAll());
    waiting.pending();
    token.close();
    token.close();
    assertEquals(0, tracker.len());
    assertTrue(waiting.isWoken());
    waiting.ready();
  }

  @Test
  void reopeningMakesNewWaitsWaitForTheNextClose() throws Exception {
    TaskTracker tracker = new TaskTracker();
    tracker.close();
    assertTrue(tracker.reopen());
    assertFalse(tracker.reopen());
    HandPolled<Void> wait = HandPolled.of(tracker.waitAll());
    wait.pending();
    tracker.close();
    assertTrue(wait.isWoken());
    wait.ready();
  }

  @Test
  void waitAllCompletesOnceEveryTrackedTaskFinished() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      TaskTracker tracker = new TaskTracker();
      AtomicInteger finished = new AtomicInteger();
      int n = 300;
      rt.blockOn(
          Futures.lazy(
              () -> {
                for (int i = 0; i < n; i++) {
                  tracker.spawn(
                      Task.yieldNow()
                          .flatMap(v -> Task.yieldNow())
                          .map(v -> finished.incrementAndGet()));
                }
                tracker.close();
                return tracker.waitAll();
              }));
      assertEquals(n, finished.get(), "waitAll completed only after every task finished");
      assertTrue(tracker.isEmpty());
    }
  }

  @Test
  void anAbortedTaskIsUntrackedAndWaitAllWaitsForTheRest() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      TaskTracker tracker = new TaskTracker();
      CancellationToken stop = new CancellationToken();
      JoinHandle<Void> forever =
          rt.blockOn(
              Futures.lazy(
                  () -> Futures.ready(tracker.spawn(Futures.<Void>pollFn(cx -> Poll.pending())))));
      JoinHandle<Void> polite = tracker.spawnOn(rt.handle(), stop.cancelled());
      tracker.close();
      assertEquals(2, tracker.len());
      forever.abort();
      stop.cancel();
      rt.blockOn(tracker.waitAll());
      assertTrue(tracker.isEmpty());
      // A task stops counting when its future completes or is cancelled, which is just before
      // the task itself is marked finished (as in tokio, where the token drops with the future).
      assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(forever)).isCancelled());
      rt.blockOn(polite);
    }
  }
}
