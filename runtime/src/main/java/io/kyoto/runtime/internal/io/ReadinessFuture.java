package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;

/**
 * A future of one operation on a registered resource (an accept, a datagram) that withdraws its
 * waker from the resource when cancelled, so that a future that lost a select or timed out leaves
 * no waiter behind.
 *
 * <p>Subclasses implement {@link #pollOperation} with the resource's readiness loop. The future
 * remembers the waker of its last pending poll (a plain field: a future is polled and cancelled by
 * its owning task only) and, on {@link #cancel()}, hands it to {@link Registration#withdraw}. A
 * ready poll forgets it, so that cancelling a completed future cannot clear the slot a later
 * operation of the same task filled.
 *
 * @param <T> the operation's value
 */
public abstract class ReadinessFuture<T> implements Future<T> {
  private final Registration registration;
  private final int interest;
  private Waker waiting;

  /**
   * Creates the future.
   *
   * @param registration the resource's registration
   * @param interest {@link ScheduledIo#READ_INTEREST} or {@link ScheduledIo#WRITE_INTEREST}: the
   *     direction {@link #pollOperation} waits on
   */
  protected ReadinessFuture(Registration registration, int interest) {
    this.registration = registration;
    this.interest = interest;
  }

  /**
   * Runs the operation's readiness loop once.
   *
   * @param cx the polling task's context
   * @return the value, or pending after {@link Registration#pollReady} stored the task's waker
   * @throws Exception the operation's failure
   */
  protected abstract Poll<T> pollOperation(Context cx) throws Exception;

  @Override
  public final Poll<T> poll(Context cx) throws Exception {
    Poll<T> p = pollOperation(cx);
    waiting = p.isPending() ? cx.waker() : null;
    return p;
  }

  /** Withdraws the waker of the last pending poll from the resource. Idempotent. */
  @Override
  public final void cancel() {
    Waker w = waiting;
    waiting = null;
    registration.withdraw(interest, w);
  }
}
