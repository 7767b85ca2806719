package io.kyoto.runtime.internal.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link BatchSemaphore}: a lock-free permit counter ({@code available << 1 | CLOSED}) beside a
 * locked FIFO of waiters that releases serve first, possibly in part. Acquisitions are polled by
 * hand with a counting waker (as the runtime tests' {@code HandPolled}). Results use its codes:
 * ACQUIRED = 0, NO_PERMITS = 1, CLOSED = 2, PENDING = 3.
 */
public final class BatchSemaphoreStress {
  private BatchSemaphoreStress() {}

  /** A hand-polled acquisition with a waker that counts its wakes. */
  static final class Polled implements Waker {
    final AtomicInteger wakes = new AtomicInteger();
    final Acquire acquire;
    final Context cx = new Context(this);

    Polled(BatchSemaphore sem, int permits) {
      acquire = sem.acquire(permits);
    }

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }

    int poll() {
      return acquire.poll(cx);
    }
  }

  /**
   * A waiter for 2 permits got 1 of a semaphore of 1 and queued for the other; its holder releases
   * one permit while the waiter's task cancels the acquisition. Whichever goes first, the permit
   * count after both is 2: a cancel before the release hands back the partial permit (and the
   * release goes to the counter); a release first completes the waiter (waking it) and the cancel
   * of a completed-but-unobserved acquisition hands back both.
   *
   * <p>r1 = available permits, r2 = waiter wakes, r3 = queued waiters.
   */
  @JCStressTest
  @Outcome(id = "2, 0, 0", expect = Expect.ACCEPTABLE, desc = "cancelled first; release to counter")
  @Outcome(
      id = "2, 1, 0",
      expect = Expect.ACCEPTABLE,
      desc = "release completed the waiter (woken); cancel returned both permits")
  @Outcome(
      id = {"[01], .*", "[3-9], .*"},
      expect = Expect.FORBIDDEN,
      desc = "permits lost/made")
  @Outcome(expect = Expect.FORBIDDEN, desc = "waiter left queued, or woken more than once")
  @State
  public static class ReleaseVsCancel {
    final BatchSemaphore sem = new BatchSemaphore(1);
    final Polled waiter = new Polled(sem, 2);

    public ReleaseVsCancel() {
      if (waiter.poll() != BatchSemaphore.PENDING) {
        throw new AssertionError("expected the acquisition of 2 to queue");
      }
    }

    @Actor
    public void holder() {
      sem.release(1);
    }

    @Actor
    public void canceller() {
      waiter.acquire.cancel();
    }

    @Arbiter
    public void after(III_Result r) {
      r.r1 = (int) sem.available();
      r.r2 = waiter.wakes.get();
      r.r3 = sem.waiters();
    }
  }

  /**
   * A semaphore with one permit: a lock-free {@code tryAcquire(1)} races the first poll of an
   * acquisition of 1 (its CAS fast path, or the locked path that queues). Exactly one of them gets
   * the permit; then the winner's permit is released (in the arbiter), and a queued loser must be
   * served by that release, not left queued while the permit goes to the counter.
   *
   * <p>r1 = tryAcquire result, r2 = first poll result, r3 = 10 * available permits after the
   * release + the acquisition's outcome (0 acquired / 3 still pending) after a re-poll.
   */
  @JCStressTest
  @Outcome(
      id = "1, 0, 10",
      expect = Expect.ACCEPTABLE,
      desc = "the poll took the permit; tryAcquire failed; permit back to the counter")
  @Outcome(
      id = "0, 3, 0",
      expect = Expect.ACCEPTABLE,
      desc = "tryAcquire took the permit; the poll queued; the release served it")
  @Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "one permit granted twice")
  @Outcome(id = "1, 3, .*", expect = Expect.FORBIDDEN, desc = "the permit went to nobody")
  @Outcome(expect = Expect.FORBIDDEN, desc = "queued waiter not served, or permits lost/made")
  @State
  public static class TryAcquireVsPoll {
    final BatchSemaphore sem = new BatchSemaphore(1);
    final Polled acq = new Polled(sem, 1);

    @Actor
    public void trier(III_Result r) {
      r.r1 = sem.tryAcquire(1);
    }

    @Actor
    public void poller(III_Result r) {
      r.r2 = acq.poll();
    }

    @Arbiter
    public void after(III_Result r) {
      sem.release(1); // whoever won gives the permit back
      int outcome = r.r2;
      if (outcome == BatchSemaphore.PENDING) {
        outcome = acq.wakes.get() == 1 ? acq.poll() : -1;
      }
      r.r3 = 10 * (int) sem.available() + outcome;
    }
  }

  /**
   * A semaphore of 0: a release of 2 races the first poll of an acquisition of 3, which takes what
   * is there and queues for the rest. Either order leaves the waiter queued needing exactly 1
   * permit with none available and no wake (it is not complete); the arbiter's release of 1 then
   * completes it.
   *
   * <p>r1 = first poll result, r2 = 10 * permits still needed + available permits, r3 = 10 * wakes
   * before the final release + the outcome of a re-poll after it.
   */
  @JCStressTest
  @Outcome(
      id = "3, 10, 0",
      expect = Expect.ACCEPTABLE,
      desc =
          "queued for 1 (took 2 at once, or was assigned 2 by the release); the last completes it")
  @Outcome(id = "3, 10, 1.*", expect = Expect.FORBIDDEN, desc = "woken before it was complete")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a waiter granted more or less than it asked for")
  @State
  public static class ReleaseVsFirstPoll {
    final BatchSemaphore sem = new BatchSemaphore(0);
    final Polled acq = new Polled(sem, 3);

    @Actor
    public void releaser() {
      sem.release(2);
    }

    @Actor
    public void poller(III_Result r) {
      r.r1 = acq.poll();
    }

    @Arbiter
    public void after(III_Result r) {
      BatchSemaphore.Waiter w = acq.acquire.node;
      long needed = w == null ? -1 : w.needed;
      r.r2 = (int) (10 * needed + sem.available());
      int wakes = acq.wakes.get();
      sem.release(1);
      int outcome = acq.wakes.get() == wakes + 1 ? acq.poll() : -1;
      r.r3 = 10 * wakes + outcome + 100 * (int) sem.available();
    }
  }
}
