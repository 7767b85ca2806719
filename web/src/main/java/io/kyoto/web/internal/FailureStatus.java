package io.kyoto.web.internal;

import io.kyoto.runtime.service.OverloadedException;
import io.kyoto.runtime.service.ServiceClosedException;
import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import java.util.concurrent.TimeoutException;

/**
 * The status a failed service answers with, one mapping for the server, the router and the access
 * log: an {@link HttpException}'s own status; a {@link TimeoutException} (tower's {@code Timeout},
 * {@code Time.timeout}) 504; shed load or a closed buffer ({@link OverloadedException}, {@link
 * ServiceClosedException}) 503, sent with {@code retry-after}; anything else 500.
 */
public final class FailureStatus {
  private FailureStatus() {}

  /**
   * {@return the status {@code failure} answers with}
   *
   * @param failure what the service failed with
   */
  public static Status of(Throwable failure) {
    if (failure instanceof HttpException h) {
      return h.status();
    }
    if (failure instanceof TimeoutException) {
      return Status.GATEWAY_TIMEOUT;
    }
    if (failure instanceof OverloadedException || failure instanceof ServiceClosedException) {
      return Status.SERVICE_UNAVAILABLE;
    }
    return Status.INTERNAL_SERVER_ERROR;
  }
}
