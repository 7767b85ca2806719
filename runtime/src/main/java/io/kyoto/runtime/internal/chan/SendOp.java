package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.runtime.sync.SendException;

/**
 * The future of a bounded {@code send}: admit the message, waiting in the FIFO if the channel is
 * full. The future is its own waiter node, so a send allocates nothing else.
 *
 * <p>When capacity frees up for a queued send, the releasing thread pushes the message itself
 * ({@link #granted()}, status {@code DONE}) and wakes the sender only to report completion: the
 * receiver never waits for a sending task to be scheduled. {@link #value} is owned by the polling
 * task until the send is queued, then guarded by the capacity's lock.
 *
 * @param <T> the message type
 */
public final class SendOp<T> extends CapacityWaiter implements Mpsc.SendFuture<T> {
  private final MpscChan<T> chan;
  private T value;
  private boolean started; // polling task only
  private boolean finished; // polling task only: ready, failed or cancelled

  /**
   * Creates the (lazy) send of {@code value}.
   *
   * @param chan the channel
   * @param value the message
   */
  public SendOp(MpscChan<T> chan, T value) {
    super(false);
    this.chan = chan;
    this.value = value;
  }

  @Override
  public Poll<Void> poll(Context cx) throws SendException {
    if (finished) {
      throw new IllegalStateException("send future polled after completion or cancellation");
    }
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    int st;
    if (!started) {
      started = true;
      int r = chan.cap.tryAcquire(false);
      if (r == Capacity.FULL) {
        setWaker(cx.waker());
        r = chan.cap.acquireOrEnqueue(this);
      }
      switch (r) {
        case Capacity.ACQUIRED -> {
          T v = value;
          value = null;
          finished = true;
          chan.push(v);
          return Poll.ready(null);
        }
        case Capacity.CLOSED_R -> throw closed();
        default -> {
          return Poll.pending();
        }
      }
    }
    st = status;
    if (st == QUEUED) {
      setWaker(cx.waker());
      st = status; // re-check after publishing the waker: the Dekker pair with release()
      if (st == QUEUED) {
        return Poll.pending();
      }
    }
    if (st == DONE) {
      finished = true;
      return Poll.ready(null);
    }
    throw closed(); // CLOSED: the receiver closed while we waited
  }

  private SendException closed() {
    finished = true;
    T v;
    synchronized (chan.cap) { // the value may have been guarded by the capacity's lock
      v = value;
      value = null;
    }
    return new SendException("channel closed", v);
  }

  @Override
  protected int granted() {
    T v = value;
    value = null;
    chan.queue.push(v); // the unit moves from this send to the message
    return DONE;
  }

  @Override
  public void cancel() {
    if (finished) {
      return;
    }
    finished = true;
    if (started) {
      chan.cap.cancel(this); // QUEUED: withdrawn, value kept; DONE: sent; CLOSED: nothing held
    }
  }

  @Override
  public T cancelAndReclaim() {
    cancel();
    synchronized (chan.cap) {
      T v = value;
      value = null;
      return v;
    }
  }

  @Override
  public String toString() {
    return "Mpsc.send{status=" + status + "}";
  }
}
