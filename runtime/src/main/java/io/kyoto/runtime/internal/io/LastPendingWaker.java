package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;

/**
 * The waker of an operation's last pending poll, kept so that a cancel can withdraw it from the
 * resource the operation waits on: the state {@link WithdrawingOp} (futures) and {@link
 * ReadinessStream} (streams) share.
 *
 * <p>A plain field: an operation is polled and cancelled by its owning task only. A ready poll
 * forgets the waker, so that cancelling a completed operation cannot withdraw a wake-up that a
 * later operation of the same task arranged. The methods are final, so the poll path gains no call.
 */
abstract class LastPendingWaker {
  private Waker waiting;

  LastPendingWaker() {}

  /**
   * Remembers {@code cx}'s waker if {@code p} is pending, forgets it otherwise.
   *
   * @return {@code p}
   */
  final <T> Poll<T> track(Context cx, Poll<T> p) {
    waiting = p.isPending() ? cx.waker() : null;
    return p;
  }

  /** {@return the waker of the last pending poll, or null}, forgetting it. */
  final Waker takeWaiting() {
    Waker w = waiting;
    waiting = null;
    return w;
  }

  /** Forgets {@code waker} if it is the one remembered (a borrower withdrew it). */
  final void forgetWaiting(Waker waker) {
    if (waiting == waker) {
      waiting = null;
    }
  }
}
