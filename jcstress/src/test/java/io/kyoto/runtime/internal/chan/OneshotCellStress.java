package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.internal.chan.AtomicWakerStress.CountingWaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link OneshotCell}: one state word (SENT = 1, TX_CLOSED = 2, RX_CLOSED = 4, RX_WAKER = 8,
 * TX_WAKER = 16) guarding a plain value and plain waker fields.
 */
public final class OneshotCellStress {
  private OneshotCellStress() {}

  /** A value with a plain field: reading 42 means the value was published. */
  static final class Value {
    int v;

    Value(int v) {
      this.v = v;
    }
  }

  /** What the receiver's poll does with the state its registration returned. */
  static int receive(OneshotCell<Value> cell, int state) {
    return (state & OneshotCell.SENT) != 0 ? cell.take().v : -1;
  }

  /**
   * The receiver registers its waker while the sender sends.
   *
   * <p>r1 = value received (-1 = pending), r2 = wakes of the receiver's waker.
   */
  @JCStressTest
  @Outcome(id = "42, 0", expect = Expect.ACCEPTABLE, desc = "send first: received at once")
  @Outcome(id = "-1, 1", expect = Expect.ACCEPTABLE, desc = "registered first: pending, woken")
  @Outcome(
      id = "42, 1",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc = "received and woken: harmless, but the protocol says it cannot happen")
  @Outcome(id = "-1, 0", expect = Expect.FORBIDDEN, desc = "lost wake")
  @Outcome(expect = Expect.FORBIDDEN, desc = "value unpublished, or woken twice")
  @State
  public static class SendRegister {
    final OneshotCell<Value> cell = new OneshotCell<>();
    final CountingWaker waker = new CountingWaker();

    @Actor
    public void sender() {
      cell.send(new Value(42));
    }

    @Actor
    public void receiver(II_Result r) {
      r.r1 = receive(cell, cell.registerRx(waker));
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = waker.wakes.get();
    }
  }

  /**
   * The receiver replaces its registered waker (polled from a new context) while the sender sends.
   *
   * <p>r1 = value received (-1 = pending), r2 = 10 * (old waker's wakes) + (new waker's wakes).
   */
  @JCStressTest
  @Outcome(id = "42, 0", expect = Expect.ACCEPTABLE, desc = "saw the value while swapping wakers")
  @Outcome(id = "42, 10", expect = Expect.ACCEPTABLE, desc = "old waker woken, then saw the value")
  @Outcome(id = "-1, 1", expect = Expect.ACCEPTABLE, desc = "new waker registered, then woken")
  @Outcome(id = "-1, 0", expect = Expect.FORBIDDEN, desc = "lost wake")
  @Outcome(id = "-1, 10", expect = Expect.FORBIDDEN, desc = "only the stale waker was woken")
  @Outcome(expect = Expect.FORBIDDEN, desc = "value unpublished, or extra wakes")
  @State
  public static class ReplaceWakerSend {
    final OneshotCell<Value> cell = new OneshotCell<>();
    final CountingWaker oldWaker = new CountingWaker();
    final CountingWaker newWaker = new CountingWaker();

    public ReplaceWakerSend() {
      cell.registerRx(oldWaker);
    }

    @Actor
    public void sender() {
      cell.send(new Value(42));
    }

    @Actor
    public void receiver(II_Result r) {
      r.r1 = receive(cell, cell.registerRx(newWaker));
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = 10 * oldWaker.wakes.get() + newWaker.wakes.get();
    }
  }

  /**
   * The receiver closes while the sender sends: the send fails exactly when the close came first,
   * and a value sent first stays receivable.
   *
   * <p>r1 = send result (1 = stored), r2 = final state; r3 folded into r2: state * 100 + value.
   */
  @JCStressTest
  @Outcome(id = "1, 542", expect = Expect.ACCEPTABLE, desc = "sent, then closed: value kept")
  @Outcome(id = "0, 400", expect = Expect.ACCEPTABLE, desc = "closed first: send refused")
  @Outcome(expect = Expect.FORBIDDEN, desc = "send result disagrees with the state or the value")
  @State
  public static class SendCloseRx {
    final OneshotCell<Value> cell = new OneshotCell<>();

    @Actor
    public void sender(II_Result r) {
      r.r1 = cell.send(new Value(42)) ? 1 : 0;
    }

    @Actor
    public void receiver() {
      cell.closeRx();
    }

    @Arbiter
    public void after(II_Result r) {
      int s = cell.state();
      r.r2 = s * 100 + ((s & OneshotCell.SENT) != 0 ? cell.take().v : 0);
    }
  }

  /**
   * The sender closes without a value while the receiver registers: the receiver sees the close or
   * is woken.
   *
   * <p>r1 = state bits the registration returned, masked to TX_CLOSED (2) or 0, r2 = wakes.
   */
  @JCStressTest
  @Outcome(id = "2, 0", expect = Expect.ACCEPTABLE, desc = "saw the close at once")
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "registered; the close woke it")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost close: the receiver hangs")
  @Outcome(expect = Expect.FORBIDDEN, desc = "extra wakes")
  @State
  public static class CloseTxRegister {
    final OneshotCell<Value> cell = new OneshotCell<>();
    final CountingWaker waker = new CountingWaker();

    @Actor
    public void sender() {
      cell.closeTx();
    }

    @Actor
    public void receiver(II_Result r) {
      r.r1 = cell.registerRx(waker) & OneshotCell.TX_CLOSED;
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = waker.wakes.get();
    }
  }
}
