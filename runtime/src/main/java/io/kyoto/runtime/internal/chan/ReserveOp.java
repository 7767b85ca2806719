package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.sync.SendException;
import java.util.function.Supplier;

/**
 * The future of a bounded {@code reserve}: one unit of capacity, waited for in the FIFO, handed out
 * as a permit. Cancelled while granted but not yet observed, it gives the unit back, so a cancelled
 * reserve never leaks capacity.
 *
 * @param <P> the permit type
 */
public final class ReserveOp<P> extends CapacityWaiter implements Future<P> {
  private final MpscChan<?> chan;
  private final Supplier<P> permit;
  private boolean started; // polling task only
  private boolean finished; // polling task only

  /**
   * Creates the (lazy) reservation.
   *
   * @param chan the channel
   * @param permit makes the permit once a unit is held
   */
  public ReserveOp(MpscChan<?> chan, Supplier<P> permit) {
    super(true);
    this.chan = chan;
    this.permit = permit;
  }

  @Override
  public Poll<P> poll(Context cx) throws SendException {
    if (finished) {
      throw new IllegalStateException("reserve future polled after completion or cancellation");
    }
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    int st;
    if (!started) {
      started = true;
      int r = chan.cap.tryAcquire(true);
      if (r == Capacity.FULL) {
        setWaker(cx.waker());
        r = chan.cap.acquireOrEnqueue(this);
      }
      switch (r) {
        case Capacity.ACQUIRED -> st = GRANTED;
        case Capacity.CLOSED_R -> st = CLOSED;
        default -> {
          return Poll.pending();
        }
      }
    } else {
      st = status;
      if (st == QUEUED) {
        setWaker(cx.waker());
        st = status;
        if (st == QUEUED) {
          return Poll.pending();
        }
      }
    }
    finished = true;
    if (st == GRANTED) {
      return Poll.ready(permit.get());
    }
    throw new SendException("channel closed", null);
  }

  @Override
  protected int granted() {
    return GRANTED;
  }

  @Override
  public void cancel() {
    if (finished) {
      return;
    }
    finished = true;
    if (started && chan.cap.cancel(this) == GRANTED) {
      chan.releasePermit();
    }
  }
}
