package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.internal.chan.AtomicWakerStress.CountingWaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link Capacity}: a lock-free fast path (CAS on the state word) beside a locked FIFO of waiters,
 * linked by the WAITERS bit. Results use its codes: ACQUIRED = 0, FULL = 1, CLOSED_R = 2, QUEUED_R
 * = 3; waiter status IDLE = 0, QUEUED = 1, GRANTED = 2, CLOSED = 4.
 */
public final class CapacityStress {
  private CapacityStress() {}

  /** A send-style waiter that keeps the unit it is granted, with a counting waker. */
  static final class Waiter extends CapacityWaiter {
    final CountingWaker counter = new CountingWaker();

    Waiter() {
      super(false);
      waker = counter;
    }

    @Override
    protected int granted() {
      return GRANTED;
    }
  }

  /**
   * A channel of 1 whose unit is taken: the holder releases it while another sender acquires or
   * queues. The unit must reach the sender either way.
   *
   * <p>r1 = acquireOrEnqueue result, r2 = waiter status, r3 = 10 * free units + waiter wakes.
   */
  @JCStressTest
  @Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "released first: acquired at once")
  @Outcome(id = "3, 2, 1", expect = Expect.ACCEPTABLE, desc = "queued first: granted and woken")
  @Outcome(id = "3, 1, 10", expect = Expect.FORBIDDEN, desc = "unit freed past a queued waiter")
  @Outcome(expect = Expect.FORBIDDEN, desc = "unit lost, duplicated, or waiter not woken")
  @State
  public static class ReleaseVsEnqueue {
    final Capacity cap = new Capacity(1);
    final Waiter w = new Waiter();

    public ReleaseVsEnqueue() {
      cap.tryAcquire(false);
    }

    @Actor
    public void holder() {
      cap.release();
    }

    @Actor
    public void sender(III_Result r) {
      r.r1 = cap.acquireOrEnqueue(w);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r2 = w.status;
      r.r3 = (int) (10 * cap.available()) + w.counter.wakes.get();
    }
  }

  /** Two senders race for the last unit on the lock-free path: exactly one gets it. */
  @JCStressTest
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "first sender got the unit")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "second sender got the unit")
  @Outcome(expect = Expect.FORBIDDEN, desc = "unit handed out twice, or to nobody")
  @State
  public static class TwoTryAcquire {
    final Capacity cap = new Capacity(1);

    @Actor
    public void a(II_Result r) {
      r.r1 = cap.tryAcquire(false);
    }

    @Actor
    public void b(II_Result r) {
      r.r2 = cap.tryAcquire(false);
    }
  }

  /**
   * The receiver closes a full channel while a sender queues: the sender sees the close, or is
   * queued and then closed and woken.
   *
   * <p>r1 = acquireOrEnqueue result, r2 = waiter status, r3 = waiter wakes.
   */
  @JCStressTest
  @Outcome(id = "2, 0, 0", expect = Expect.ACCEPTABLE, desc = "closed first: refused")
  @Outcome(id = "3, 4, 1", expect = Expect.ACCEPTABLE, desc = "queued, then closed and woken")
  @Outcome(id = "3, 1, 0", expect = Expect.FORBIDDEN, desc = "left queued on a closed channel")
  @Outcome(expect = Expect.FORBIDDEN, desc = "any other state")
  @State
  public static class CloseVsEnqueue {
    final Capacity cap = new Capacity(1);
    final Waiter w = new Waiter();

    public CloseVsEnqueue() {
      cap.tryAcquire(false);
    }

    @Actor
    public void receiver() {
      cap.close();
    }

    @Actor
    public void sender(III_Result r) {
      r.r1 = cap.acquireOrEnqueue(w);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r2 = w.status;
      r.r3 = w.counter.wakes.get();
    }
  }
}
