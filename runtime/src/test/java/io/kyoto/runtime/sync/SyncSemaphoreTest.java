package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Waker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Semaphore} against tokio's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncSemaphoreTest {

  @Test
  void tryAcquireTakesPermitsAndClosingReturnsThemExactlyOnce() throws Exception {
    Semaphore sem = new Semaphore(3);
    SemaphorePermit two = sem.tryAcquire(2);
    assertEquals(2, two.permits());
    assertEquals(1, sem.availablePermits());
    SemaphorePermit one = sem.tryAcquire();
    assertEquals(0, sem.availablePermits());
    TryAcquireException e = assertThrows(TryAcquireException.class, sem::tryAcquire);
    assertTrue(e.isNoPermits());
    assertEquals(TryAcquireException.Reason.NO_PERMITS, e.reason());
    two.close();
    two.close();
    assertEquals(2, sem.availablePermits(), "closing twice returns the permits once");
    assertEquals(0, two.permits());
    one.forget();
    one.close();
    assertEquals(2, sem.availablePermits(), "a forgotten permit is never returned");
  }

  @Test
  void splitAndMergeMovePermitsBetweenPermitObjects() throws Exception {
    Semaphore sem = new Semaphore(5);
    SemaphorePermit p = sem.tryAcquire(5);
    SemaphorePermit part = p.split(2).orElseThrow();
    assertEquals(3, p.permits());
    assertEquals(2, part.permits());
    assertTrue(p.split(4).isEmpty());
    part.close();
    assertEquals(2, sem.availablePermits());
    SemaphorePermit other = sem.tryAcquire(2);
    p.merge(other);
    assertEquals(5, p.permits());
    assertEquals(0, other.permits());
    other.close();
    assertEquals(0, sem.availablePermits());
    p.close();
    assertEquals(5, sem.availablePermits());
    SemaphorePermit foreign = new Semaphore(1).tryAcquire();
    SemaphorePermit mine = sem.tryAcquire();
    assertThrows(IllegalArgumentException.class, () -> mine.merge(foreign));
  }

  @Test
  void forgetAndAddPermitsChangeTheTotal() throws Exception {
    Semaphore sem = new Semaphore(4);
    assertEquals(3, sem.forgetPermits(3));
    assertEquals(1, sem.forgetPermits(5), "only the available permits are forgotten");
    assertEquals(0, sem.availablePermits());
    sem.addPermits(7);
    assertEquals(7, sem.availablePermits());
    assertThrows(IllegalArgumentException.class, () -> sem.addPermits(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> sem.addPermits(Semaphore.MAX_PERMITS),
        "tokio panics when added permits would overflow MAX_PERMITS");
    assertEquals(7, sem.availablePermits());
    assertEquals(Long.MAX_VALUE >>> 3, Semaphore.MAX_PERMITS);
    assertThrows(IllegalArgumentException.class, () -> new Semaphore(Semaphore.MAX_PERMITS + 1));
    new Semaphore(Semaphore.MAX_PERMITS).addPermits(0);
  }

  @Test
  void acquireIsReadyAtOnceWhenPermitsAreThere() throws Exception {
    Semaphore sem = new Semaphore(2);
    HandPolled<SemaphorePermit> a = HandPolled.of(sem.acquire(2));
    SemaphorePermit p = a.ready();
    assertEquals(2, p.permits());
    assertEquals(0, sem.availablePermits());
    assertEquals(0, HandPolled.of(sem.acquire(0)).ready().permits());
    assertThrows(IllegalArgumentException.class, () -> sem.acquire(-1));
  }

  @Test
  void waitersAreServedInTheOrderTheyFirstPolled() throws Exception {
    Semaphore sem = new Semaphore(0);
    List<HandPolled<SemaphorePermit>> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HandPolled<SemaphorePermit> w = HandPolled.of(sem.acquire());
      w.pending();
      waiters.add(w);
    }
    for (int i = 0; i < 4; i++) {
      sem.addPermits(1);
      for (int j = 0; j < 4; j++) {
        assertEquals(j == i, waiters.get(j).isWoken(), "after permit " + i + ", waiter " + j);
      }
      waiters.get(i).ready();
      assertEquals(0, sem.availablePermits());
    }
  }

  @Test
  void aLargeRequestAtTheHeadBlocksLaterSmallOnes() throws Exception {
    Semaphore sem = new Semaphore(2);
    HandPolled<SemaphorePermit> big = HandPolled.of(sem.acquire(5));
    big.pending();
    assertEquals(0, sem.availablePermits(), "the head holds the permits it got so far");
    HandPolled<SemaphorePermit> small = HandPolled.of(sem.acquire(1));
    small.pending();
    assertTrue(assertThrows(TryAcquireException.class, sem::tryAcquire).isNoPermits());
    sem.addPermits(1);
    assertFalse(big.isWoken());
    assertFalse(small.isWoken(), "a small request never overtakes the head");
    big.pending();
    sem.addPermits(3); // 2 for the head, 1 for the small one
    assertTrue(big.isWoken());
    assertTrue(small.isWoken());
    SemaphorePermit bigPermit = big.ready();
    assertEquals(5, bigPermit.permits());
    SemaphorePermit smallPermit = small.ready();
    assertEquals(0, sem.availablePermits());
    bigPermit.close();
    smallPermit.close();
    assertEquals(6, sem.availablePermits());
  }

  @Test
  void cancellingAPartlyServedWaiterPassesItsPermitsOnAndLeaksNone() throws Exception {
    Semaphore sem = new Semaphore(2);
    HandPolled<SemaphorePermit> big = HandPolled.of(sem.acquire(5));
    big.pending(); // holds 2 of 5
    HandPolled<SemaphorePermit> small = HandPolled.of(sem.acquire(1));
    small.pending();
    HandPolled<SemaphorePermit> pair = HandPolled.of(sem.acquire(2));
    pair.pending();
    big.cancel();
    assertTrue(small.isWoken(), "the cancelled head's permits go to the next waiters");
    assertFalse(pair.isWoken(), "one permit is not enough for the next");
    SemaphorePermit s = small.ready();
    pair.pending();
    assertEquals(0, sem.availablePermits(), "the second permit waits with the pair");
    pair.cancel();
    assertEquals(1, sem.availablePermits());
    s.close();
    assertEquals(2, sem.availablePermits(), "no permit leaked");
    big.cancel(); // idempotent
    assertEquals(2, sem.availablePermits());
  }

  @Test
  void cancellingAServedButUnobservedWaiterReturnsAllItsPermits() throws Exception {
    Semaphore sem = new Semaphore(0);
    HandPolled<SemaphorePermit> a = HandPolled.of(sem.acquire(3));
    a.pending();
    HandPolled<SemaphorePermit> b = HandPolled.of(sem.acquire(1));
    b.pending();
    sem.addPermits(3);
    assertTrue(a.isWoken());
    a.cancel(); // served in full, never polled again
    assertTrue(b.isWoken());
    b.ready().close();
    assertEquals(3, sem.availablePermits());
  }

  @Test
  void cancellingAWaiterInTheMiddleKeepsTheOthersInOrder() throws Exception {
    Semaphore sem = new Semaphore(0);
    HandPolled<SemaphorePermit> a = HandPolled.of(sem.acquire());
    HandPolled<SemaphorePermit> b = HandPolled.of(sem.acquire());
    HandPolled<SemaphorePermit> c = HandPolled.of(sem.acquire());
    a.pending();
    b.pending();
    c.pending();
    b.cancel();
    sem.addPermits(1);
    assertTrue(a.isWoken());
    assertFalse(c.isWoken());
    sem.addPermits(1);
    assertTrue(c.isWoken());
    a.ready();
    c.ready();
  }

  @Test
  void closeFailsQueuedAndLaterAcquiresAndReturnsPartialPermits() throws Exception {
    Semaphore sem = new Semaphore(1);
    SemaphorePermit held = sem.tryAcquire();
    sem.addPermits(1);
    HandPolled<SemaphorePermit> big = HandPolled.of(sem.acquire(3));
    big.pending(); // holds 1 of 3
    HandPolled<SemaphorePermit> small = HandPolled.of(sem.acquire());
    small.pending();
    sem.close();
    assertTrue(sem.isClosed());
    assertTrue(big.isWoken());
    assertTrue(small.isWoken());
    assertThrows(AcquireException.class, big::poll);
    assertThrows(AcquireException.class, small::poll);
    assertEquals(1, sem.availablePermits(), "permits held by failed waiters go back");
    assertThrows(AcquireException.class, () -> HandPolled.of(sem.acquire()).poll());
    assertTrue(assertThrows(TryAcquireException.class, sem::tryAcquire).isClosed());
    held.close();
    assertEquals(2, sem.availablePermits(), "permits returned after close still count");
    big.cancel();
    assertEquals(2, sem.availablePermits());
    sem.close(); // idempotent
  }

  @Test
  void aRepollWithAnotherWakerIsTheOneWoken() throws Exception {
    Semaphore sem = new Semaphore(0);
    Future<SemaphorePermit> f = sem.acquire();
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    assertTrue(f.poll(new Context(first::incrementAndGet)).isPending());
    assertTrue(f.poll(new Context(second::incrementAndGet)).isPending());
    sem.addPermits(1);
    assertEquals(0, first.get());
    assertEquals(1, second.get());
    assertTrue(f.poll(new Context(Waker.noop())).isReady());
  }

  @Test
  void anExhaustedCoopBudgetYieldsWithoutTakingPermits() throws Exception {
    Semaphore sem = new Semaphore(1);
    HandPolled<SemaphorePermit> a = HandPolled.of(sem.acquire());
    a.context().setBudget(0);
    assertTrue(a.poll().isPending());
    assertTrue(a.isWoken(), "yielding wakes the task so it is polled again");
    assertEquals(1, sem.availablePermits());
    a.context().setBudget(Context.INITIAL_BUDGET);
    a.ready();
    assertEquals(0, sem.availablePermits());
  }

  @Test
  void wakersRunAfterTheLockIsReleased() throws Exception {
    Semaphore sem = new Semaphore(0);
    Future<SemaphorePermit> f = sem.acquire();
    AtomicInteger otherThreadGotIn = new AtomicInteger();
    Waker waker =
        () -> {
          // Another thread needs the semaphore's lock; if we were woken under it, this times out.
          try {
            CompletableFuture.runAsync(
                    () -> {
                      sem.addPermits(1);
                      otherThreadGotIn.incrementAndGet();
                    })
                .get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new AssertionError("woken while holding the semaphore's lock", e);
          }
        };
    assertTrue(f.poll(new Context(waker)).isPending());
    sem.addPermits(1);
    assertEquals(1, otherThreadGotIn.get());
    assertEquals(1, sem.availablePermits());
  }

  @Test
  void aTimedOutAcquireLeaksNoPermitOnThePausedClock() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Semaphore sem = new Semaphore(2);
      SemaphorePermit one = sem.tryAcquire();
      Exception e =
          assertThrows(
              Exception.class,
              () -> rt.blockOn(Futures.lazy(() -> sem.acquire(2).timeout(Duration.ofMillis(50)))));
      assertInstanceOf(TimeoutException.class, e);
      assertEquals(1, sem.availablePermits(), "the partial permit came back on cancel");
      one.close();
      assertEquals(2, sem.availablePermits());
    }
  }

  @Test
  void abortingATaskWaitingForPermitsLeaksNone() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      Semaphore sem = new Semaphore(3);
      SemaphorePermit held = sem.tryAcquire(2);
      JoinHandle<SemaphorePermit> waiter = rt.spawn(sem.acquire(3));
      // Wait until the waiter has queued (it takes the one free permit).
      while (sem.availablePermits() != 0) {
        Thread.onSpinWait();
      }
      waiter.abort();
      assertThrows(Exception.class, () -> rt.blockOn(waiter));
      assertEquals(1, sem.availablePermits());
      held.close();
      assertEquals(3, sem.availablePermits());
    }
  }

  @Test
  void permitsBoundConcurrencyOnAMultiThreadRuntime() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      Semaphore sem = new Semaphore(3);
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger maxInside = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      List<Future<? extends Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        int n = 1 + i % 3;
        tasks.add(
            rt.spawn(
                sem.acquire(n)
                    .flatMap(
                        permit -> {
                          int now = inside.addAndGet(n);
                          maxInside.accumulateAndGet(now, Math::max);
                          return Task.yieldNow()
                              .map(
                                  v -> {
                                    inside.addAndGet(-n);
                                    permit.close();
                                    done.incrementAndGet();
                                    return null;
                                  });
                        })));
      }
      rt.blockOn(Futures.join(tasks));
      assertEquals(300, done.get());
      assertTrue(maxInside.get() <= 3, "never more than 3 permits out: " + maxInside.get());
      assertEquals(3, sem.availablePermits());
    }
  }

  @Test
  void aPolledCompletedAcquireCannotBePolledAgain() throws Exception {
    Semaphore sem = new Semaphore(1);
    Future<SemaphorePermit> f = sem.acquire();
    Context cx = new Context(Waker.noop());
    Poll<SemaphorePermit> p = f.poll(cx);
    assertTrue(p.isReady());
    assertThrows(IllegalStateException.class, () -> f.poll(cx));
    f.cancel(); // a no-op: the permit belongs to the caller now
    assertEquals(0, sem.availablePermits());
    p.value().close();
    assertEquals(1, sem.availablePermits());
  }
}
