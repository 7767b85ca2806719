package io.kyoto.runtime.sync;

/**
 * A {@code trySend} failed: the channel is {@linkplain #isFull() full} or {@linkplain #isClosed()
 * closed}. As tokio's {@code TrySendError<T>}, it carries the value back.
 *
 * <p>It has no stack trace, so a producer that polls {@code trySend} in a loop pays only for the
 * object.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class TrySendException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean full;
  private final transient Object value;

  /**
   * Creates the exception.
   *
   * @param full true if the channel was full, false if it was closed
   * @param value the value that was not sent
   */
  public TrySendException(boolean full, Object value) {
    super(full ? "no available capacity" : "channel closed", null, false, false);
    this.full = full;
    this.value = value;
  }

  /** {@return whether the channel had no free capacity (tokio's {@code Full})} */
  public boolean isFull() {
    return full;
  }

  /** {@return whether the receiver closed the channel (tokio's {@code Closed})} */
  public boolean isClosed() {
    return !full;
  }

  /** {@return the value that was not sent (null after deserialization)} */
  public Object value() {
    return value;
  }
}
