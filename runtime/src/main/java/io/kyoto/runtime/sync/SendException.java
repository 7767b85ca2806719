package io.kyoto.runtime.sync;

/**
 * A send failed because nobody can receive the value: the mpsc receiver or oneshot receiver closed,
 * or a broadcast or watch channel has no receivers. As tokio's {@code SendError<T>}, it carries the
 * value back to the sender.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class SendException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Object value;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param value the value that was not sent
   */
  public SendException(String message, Object value) {
    super(message);
    this.value = value;
  }

  /** {@return the value that was not sent (null after deserialization)} */
  public Object value() {
    return value;
  }
}
