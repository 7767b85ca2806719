package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Waker;

/**
 * A future of one operation on a registered resource (an accept, a datagram) that withdraws its
 * waker from the resource's registration when cancelled ({@link Registration#withdraw}).
 *
 * <p>Subclasses implement {@link #pollOperation} with the resource's readiness loop; the waker is
 * remembered and withdrawn as for every {@link WithdrawingOp}.
 *
 * @param <T> the operation's value
 */
public abstract class ReadinessFuture<T> extends WithdrawingOp<T> {
  private final Registration registration;
  private final int interest;

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

  @Override
  protected final void withdraw(Waker waker) {
    registration.withdraw(interest, waker);
  }
}
