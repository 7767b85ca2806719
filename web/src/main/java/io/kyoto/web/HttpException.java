package io.kyoto.web;

import java.io.Serial;
import java.util.Objects;

/**
 * A failure that maps to an HTTP status: a body over its limit (413), a malformed request (400), a
 * wrong content type (415). The server answers an {@code HttpException} that reaches it with its
 * status and message instead of a 500.
 */
public class HttpException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  /** The status to answer with. */
  private final transient Status status;

  /**
   * Creates the exception.
   *
   * @param status the status to answer with
   * @param message a message safe to show to the client
   */
  public HttpException(Status status, String message) {
    super(message);
    this.status = Objects.requireNonNull(status, "status");
  }

  /**
   * Creates the exception with a cause.
   *
   * @param status the status to answer with
   * @param message a message safe to show to the client
   * @param cause the cause
   */
  public HttpException(Status status, String message, Throwable cause) {
    super(message, cause);
    this.status = Objects.requireNonNull(status, "status");
  }

  /** {@return the status to answer with} */
  public Status status() {
    return status;
  }
}
