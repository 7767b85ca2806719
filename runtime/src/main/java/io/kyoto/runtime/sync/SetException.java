package io.kyoto.runtime.sync;

/**
 * Why {@link OnceCell#set} could not store its value (tokio's {@code SetError}).
 *
 * <p>The exception carries no stack trace.
 */
public final class SetException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The reasons {@code set} fails. */
  public enum Reason {
    /** The cell already holds a value. */
    ALREADY_INITIALIZED,
    /** A {@link OnceCell#getOrInit} initializer is running. */
    INITIALIZING
  }

  /** The reason. */
  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason why {@code set} failed
   */
  public SetException(Reason reason) {
    super(
        reason == Reason.ALREADY_INITIALIZED
            ? "the cell is already initialized"
            : "the cell is being initialized",
        null,
        false,
        false);
    this.reason = reason;
  }

  /** {@return why {@code set} failed} */
  public Reason reason() {
    return reason;
  }

  /** {@return whether the cell already held a value} */
  public boolean isAlreadyInitialized() {
    return reason == Reason.ALREADY_INITIALIZED;
  }

  /** {@return whether an initializer was running} */
  public boolean isInitializing() {
    return reason == Reason.INITIALIZING;
  }
}
