package io.kyoto.web;

import java.io.IOException;

/**
 * The failure of a request whose redirects went past {@link HttpClient.Builder#followRedirects}: a
 * redirect loop, or a chain longer than allowed (curl's "Maximum (n) redirects followed", reqwest's
 * and Go's "too many redirects"). The last redirect's body is not read: its connection is closed,
 * unless the body was empty and the connection already back in the pool.
 */
public final class TooManyRedirectsException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The status of the redirect that was not followed. */
  private final int status;

  /** Its {@code Location}, as the server sent it. */
  private final String location;

  /**
   * Creates the failure.
   *
   * @param message what was asked and where it stopped
   * @param status the status of the redirect that was not followed
   * @param location its {@code Location}
   */
  public TooManyRedirectsException(String message, int status, String location) {
    super(message);
    this.status = status;
    this.location = location;
  }

  /** {@return the status of the redirect that was not followed (301, 302, 303, 307 or 308)} */
  public int status() {
    return status;
  }

  /** {@return the {@code Location} of the redirect that was not followed, as sent} */
  public String location() {
    return location;
  }
}
