package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.stream.Stream;

/**
 * A stream of one repeated operation on a registered resource (a listener's accepts) that withdraws
 * its waker from the resource when cancelled: the stream counterpart of {@link ReadinessFuture},
 * keeping its waker by the same rules ({@link LastPendingWaker}). A borrower's withdrawal ({@link
 * #withdrawNext}) leaves the stream usable.
 *
 * @param <T> the items' type
 */
public abstract class ReadinessStream<T> extends LastPendingWaker implements Stream<T> {
  private final Registration registration;
  private final int interest;

  /**
   * Creates the stream.
   *
   * @param registration the resource's registration
   * @param interest {@link ScheduledIo#READ_INTEREST} or {@link ScheduledIo#WRITE_INTEREST}: the
   *     direction {@link #pollOperation} waits on
   */
  protected ReadinessStream(Registration registration, int interest) {
    this.registration = registration;
    this.interest = interest;
  }

  /**
   * Runs the operation's readiness loop once.
   *
   * @param cx the polling task's context
   * @return the next item, or pending after {@link Registration#pollReady} stored the task's waker
   * @throws Exception the operation's failure, which ends the stream
   */
  protected abstract Poll<T> pollOperation(Context cx) throws Exception;

  @Override
  public final Poll<T> pollNext(Context cx) throws Exception {
    return track(cx, pollOperation(cx));
  }

  /** Withdraws the waker of the last pending poll from the resource. Idempotent. */
  @Override
  public final void cancel() {
    Waker w = takeWaiting();
    if (w != null) {
      registration.withdraw(interest, w);
    }
  }

  /** Withdraws a borrower's waker (a cancelled {@code next()}); the stream stays usable. */
  @Override
  public final void withdrawNext(Waker waker) {
    forgetWaiting(waker);
    registration.withdraw(interest, waker);
  }
}
