package io.kyoto.runtime.sync;

import java.util.concurrent.TimeoutException;

/**
 * A {@code sendTimeout} found no capacity before its deadline (tokio's {@code
 * SendTimeoutError::Timeout}); the value was not sent and comes back here. A closed channel fails
 * the send with {@link SendException} instead.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class SendTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  private final transient Object value;

  /**
   * Creates the exception.
   *
   * @param value the value that was not sent
   */
  public SendTimeoutException(Object value) {
    super("timed out waiting for channel capacity");
    this.value = value;
  }

  /** {@return the value that was not sent (null after deserialization)} */
  public Object value() {
    return value;
  }
}
