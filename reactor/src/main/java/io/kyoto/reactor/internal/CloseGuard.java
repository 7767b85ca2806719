package io.kyoto.reactor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Defers the release of a file descriptor (or selector) until no operation is using it.
 *
 * <p>Closing a descriptor while another thread is about to use it would let the kernel reuse the
 * number for a new socket, and the late operation would then read or write someone else's
 * connection. Every operation therefore brackets its system call with {@link #acquire()} and {@link
 * #release()}; {@link #markClosed()} forbids new acquisitions, and whoever brings the count to zero
 * after that performs the real close, exactly once.
 *
 * <p>State: bit 0 is "closed"; bits 1.. count the operations in progress. Transitions are CAS on a
 * volatile int, so an acquire that succeeds happens-before the close that follows its release.
 */
public final class CloseGuard {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CloseGuard.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;

  /**
   * Starts an operation.
   *
   * @return false if the resource is closed: the operation must not touch it
   */
  public boolean acquire() {
    int s;
    do {
      s = state;
      if ((s & 1) != 0) {
        return false;
      }
    } while (!STATE.weakCompareAndSet(this, s, s + 2));
    return true;
  }

  /**
   * Ends an operation.
   *
   * @return true if the caller must now release the resource (closed, and it was the last user)
   */
  public boolean release() {
    int after = (int) STATE.getAndAdd(this, -2) - 2;
    return after == 1;
  }

  /**
   * Forbids further operations.
   *
   * @return true if the caller must release the resource now (it was not closed and unused)
   */
  public boolean markClosed() {
    int s;
    do {
      s = state;
      if ((s & 1) != 0) {
        return false;
      }
    } while (!STATE.weakCompareAndSet(this, s, s | 1));
    return s == 0;
  }

  /** Whether {@link #markClosed()} has been called. */
  public boolean isClosed() {
    return (state & 1) != 0;
  }
}
