package io.kyoto.runtime.service;

/**
 * The failure of a call through {@link LoadShed} made while the inner service was not ready
 * (tower's {@code Overloaded}): the request was rejected at once instead of waiting.
 */
public final class OverloadedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public OverloadedException() {
    super("service overloaded");
  }
}
