package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.sync.SendTimeoutException;
import java.time.Duration;

/**
 * A bounded send with a deadline: the send is polled first, then the timer; on expiry the send is
 * withdrawn and its message comes back in a {@link SendTimeoutException}.
 *
 * @param <T> the message type
 */
public final class SendTimeoutOp<T> implements Future<Void> {
  private final SendOp<T> send;
  private final Duration timeout;
  private Sleep sleep;

  /**
   * Creates the (lazy) send.
   *
   * @param send the send
   * @param timeout how long to wait for capacity
   */
  public SendTimeoutOp(SendOp<T> send, Duration timeout) {
    this.send = send;
    this.timeout = timeout;
  }

  @Override
  public Poll<Void> poll(Context cx) throws Exception {
    Poll<Void> sent;
    try {
      sent = send.poll(cx);
    } catch (Throwable t) {
      cancelSleep(); // the receiver closed: the timer must not stay registered until the deadline
      throw t;
    }
    if (sent.isReady()) {
      cancelSleep();
      return Poll.ready(null);
    }
    if (sleep == null) {
      sleep = Time.sleep(timeout);
    }
    if (sleep.poll(cx).isPending()) {
      return Poll.pending();
    }
    T v = send.cancelAndReclaim();
    if (v == null) {
      return Poll.ready(null); // capacity arrived just before the deadline: it was sent
    }
    throw new SendTimeoutException(v);
  }

  private void cancelSleep() {
    if (sleep != null) {
      sleep.cancel();
    }
  }

  @Override
  public void cancel() {
    send.cancel();
    cancelSleep();
  }
}
