package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Notify} against tokio's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncNotifyTest {

  @Test
  void notifyOneWithNobodyWaitingStoresOneCoalescedPermit() throws Exception {
    Notify notify = new Notify();
    notify.notifyOne();
    notify.notifyOne();
    notify.notifyOne();
    HandPolled.of(notify.notified()).ready();
    HandPolled<Void> second = HandPolled.of(notify.notified());
    second.pending();
    notify.notifyOne();
    assertTrue(second.isWoken());
    second.ready();
  }

  @Test
  void notifyOneWakesWaitersInFifoOrder() throws Exception {
    Notify notify = new Notify();
    List<HandPolled<Void>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HandPolled<Void> w = HandPolled.of(notify.notified());
      w.pending();
      waiters.add(w);
    }
    for (int i = 0; i < 3; i++) {
      notify.notifyOne();
      for (int j = i; j < 3; j++) {
        assertEquals(i == j, waiters.get(j).isWoken(), "notification " + i + ", waiter " + j);
      }
      waiters.get(i).ready();
    }
    HandPolled<Void> late = HandPolled.of(notify.notified());
    late.pending(); // every notification was consumed by a waiter; none was stored
  }

  @Test
  void notifyLastWakesTheMostRecentWaiter() throws Exception {
    Notify notify = new Notify();
    HandPolled<Void> a = HandPolled.of(notify.notified());
    HandPolled<Void> b = HandPolled.of(notify.notified());
    a.pending();
    b.pending();
    notify.notifyLast();
    assertFalse(a.isWoken());
    assertTrue(b.isWoken());
    b.ready();
    a.pending();
  }

  @Test
  void notifyWaitersWakesEveryWaiterAndStoresNoPermit() throws Exception {
    Notify notify = new Notify();
    List<HandPolled<Void>> waiters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HandPolled<Void> w = HandPolled.of(notify.notified());
      w.pending();
      waiters.add(w);
    }
    notify.notifyWaiters();
    for (HandPolled<Void> w : waiters) {
      assertTrue(w.isWoken());
      w.ready();
    }
    HandPolled.of(notify.notified()).pending();
  }

  @Test
  void notifyWaitersCompletesFuturesCreatedBeforeTheCallEvenIfNeverPolled() throws Exception {
    Notify notify = new Notify();
    Notified before = notify.notified();
    notify.notifyWaiters();
    Notified after = notify.notified();
    HandPolled.of(before).ready();
    HandPolled.of(after).pending();
  }

  @Test
  void notifyWaitersLeavesAStoredPermitInPlace() throws Exception {
    Notify notify = new Notify();
    notify.notifyOne();
    notify.notifyWaiters();
    HandPolled.of(notify.notified()).ready(); // the permit
    HandPolled.of(notify.notified()).pending();
  }

  @Test
  void enableQueuesAFutureWithoutPollingIt() throws Exception {
    Notify notify = new Notify();
    Notified enabled = notify.notified();
    assertFalse(enabled.enable());
    HandPolled<Void> polledLater = HandPolled.of(notify.notified());
    polledLater.pending();
    notify.notifyOne();
    assertTrue(enabled.enable(), "the enabled future was first in line");
    assertFalse(polledLater.isWoken());
    HandPolled.of(enabled).ready();
    polledLater.pending();
  }

  @Test
  void enableTakesAStoredPermitAndCancelGivesItBack() throws Exception {
    Notify notify = new Notify();
    notify.notifyOne();
    Notified n = notify.notified();
    assertTrue(n.enable());
    n.cancel(); // took the permit but never reported it
    HandPolled.of(notify.notified()).ready();
  }

  @Test
  void cancellingANotifiedFutureThatReceivedNotifyOnePassesItToTheNextWaiter() throws Exception {
    Notify notify = new Notify();
    HandPolled<Void> a = HandPolled.of(notify.notified());
    HandPolled<Void> b = HandPolled.of(notify.notified());
    a.pending();
    b.pending();
    notify.notifyOne();
    assertTrue(a.isWoken());
    assertFalse(b.isWoken());
    a.cancel();
    assertTrue(b.isWoken(), "the notification moved on");
    b.ready();
  }

  @Test
  void cancellingTheOnlyNotifiedWaiterStoresThePermit() throws Exception {
    Notify notify = new Notify();
    HandPolled<Void> a = HandPolled.of(notify.notified());
    a.pending();
    notify.notifyOne();
    a.cancel();
    HandPolled.of(notify.notified()).ready();
    HandPolled.of(notify.notified()).pending();
  }

  @Test
  void cancellingAfterNotifyWaitersPassesNothingOn() throws Exception {
    Notify notify = new Notify();
    HandPolled<Void> a = HandPolled.of(notify.notified());
    a.pending();
    notify.notifyWaiters();
    a.cancel();
    HandPolled.of(notify.notified()).pending();
  }

  @Test
  void aCancelledWaiterIsSkippedByLaterNotifications() throws Exception {
    Notify notify = new Notify();
    HandPolled<Void> a = HandPolled.of(notify.notified());
    HandPolled<Void> b = HandPolled.of(notify.notified());
    a.pending();
    b.pending();
    a.cancel();
    notify.notifyOne();
    assertTrue(b.isWoken());
    b.ready();
    assertThrows(IllegalStateException.class, a::poll);
  }

  @Test
  void aTimedOutNotifiedLeavesNoWaiterBehind() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Notify notify = new Notify();
      Exception e =
          assertThrows(
              Exception.class,
              () ->
                  rt.blockOn(Futures.lazy(() -> notify.notified().timeout(Duration.ofMillis(10)))));
      assertInstanceOf(TimeoutException.class, e);
      notify.notifyOne(); // nobody waits: stored, not lost on the cancelled waiter
      rt.blockOn(notify.notified());
    }
  }

  @Test
  void pingPongBetweenTasksOnAMultiThreadRuntime() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      Notify ping = new Notify();
      Notify pong = new Notify();
      AtomicInteger rounds = new AtomicInteger();
      int n = 2000;
      Future<Void> ponger =
          rt.spawn(
              Futures.loop(
                  0,
                  i ->
                      i == n
                          ? Futures.ready(Futures.Step.<Integer, Void>done(null))
                          : ping.notified()
                              .map(
                                  v -> {
                                    rounds.incrementAndGet();
                                    pong.notifyOne();
                                    return Futures.Step.next(i + 1);
                                  })));
      Future<Void> pinger =
          rt.spawn(
              Futures.loop(
                  0,
                  i -> {
                    if (i == n) {
                      return Futures.ready(Futures.Step.<Integer, Void>done(null));
                    }
                    Notified answer = pong.notified();
                    ping.notifyOne();
                    return answer.map(v -> Futures.Step.next(i + 1));
                  }));
      rt.blockOn(Futures.join(List.of(pinger, ponger)));
      assertEquals(n, rounds.get());
    }
  }

  @Test
  void notifyWaitersReachesEveryTaskThatRegisteredFirst() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      Notify notify = new Notify();
      AtomicInteger woken = new AtomicInteger();
      List<Future<? extends Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Notified n = notify.notified(); // created before the call: must complete
        tasks.add(rt.spawn(n.map(v -> woken.incrementAndGet()).discard()));
      }
      // The tasks may or may not have polled their futures yet; either way they count.
      notify.notifyWaiters();
      rt.blockOn(Futures.join(tasks));
      assertEquals(100, woken.get());
    }
  }
}
