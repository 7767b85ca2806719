package io.kyoto.runtime.service;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The failure of a call through {@link Timeout} whose response took longer than the limit (tower's
 * {@code Elapsed}). It is a {@link TimeoutException}, so code that handles the runtime's own
 * timeouts handles it too.
 */
public final class ServiceTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  /** The limit that elapsed. */
  private final Duration duration;

  /**
   * Creates the exception.
   *
   * @param duration the limit that elapsed
   */
  public ServiceTimeoutException(Duration duration) {
    super("request timed out after " + Objects.requireNonNull(duration, "duration"));
    this.duration = duration;
  }

  /** {@return the limit that elapsed} */
  public Duration duration() {
    return duration;
  }
}
