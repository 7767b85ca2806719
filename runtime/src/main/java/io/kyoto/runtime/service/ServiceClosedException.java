package io.kyoto.runtime.service;

/**
 * The failure of a service that has stopped for good, such as a {@link Buffer} whose worker failed,
 * was cancelled or was closed (tower's {@code buffer::error::Closed} and {@code ServiceError}). The
 * {@linkplain #getCause() cause} is the failure that stopped it, when there is one. Every handle of
 * the service sees the same instance.
 */
public final class ServiceClosedException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what stopped the service
   * @param cause the failure that stopped it, or null
   */
  public ServiceClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
