package io.kyoto.runtime.sync;

/**
 * Why {@link Semaphore#tryAcquire()} could not take permits at once (tokio's {@code
 * TryAcquireError}).
 *
 * <p>The exception carries no stack trace, so a failed attempt costs little more than a return
 * value.
 */
public final class TryAcquireException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The two reasons an attempt fails. */
  public enum Reason {
    /** The semaphore was closed. */
    CLOSED,
    /** Not enough permits are available now (or waiters are queued ahead). */
    NO_PERMITS
  }

  /** The reason. */
  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason why the attempt failed
   */
  public TryAcquireException(Reason reason) {
    super(
        reason == Reason.CLOSED ? "semaphore closed" : "no permits available", null, false, false);
    this.reason = reason;
  }

  /** {@return why the attempt failed} */
  public Reason reason() {
    return reason;
  }

  /** {@return whether the semaphore was closed} */
  public boolean isClosed() {
    return reason == Reason.CLOSED;
  }

  /** {@return whether there were not enough permits} */
  public boolean isNoPermits() {
    return reason == Reason.NO_PERMITS;
  }
}
