package io.kyoto.runtime.sync;

/**
 * A receive failed because the channel is closed and nothing more will arrive: the oneshot sender
 * closed without sending, every broadcast sender closed and the receiver has seen every value, or
 * the watch sender closed and the receiver has seen the last value. As tokio's {@code RecvError}
 * (and broadcast's {@code RecvError::Closed}).
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class RecvException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what closed
   */
  public RecvException(String message) {
    super(message);
  }
}
