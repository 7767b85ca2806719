package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.Status;
import io.kyoto.web.Version;
import java.util.Objects;

/**
 * A parsed, validated response head with its body framing decided per RFC 9112 section 6.3.
 *
 * <p>Framing: {@code chunked} means a chunked body; {@code contentLength >= 0} means exactly that
 * many bytes (0 for HEAD responses, 1xx, 204 and 304); {@code contentLength == -1 && !chunked}
 * means the body is <b>close-delimited</b>: it runs until the server closes the connection, and
 * {@code keepAlive} is then false.
 *
 * @param version the HTTP version
 * @param status the status (the reason phrase as sent; registered constants are not substituted)
 * @param headers the header fields in order
 * @param contentLength the body length, or -1 (chunked or close-delimited)
 * @param chunked whether the body uses the chunked transfer coding
 * @param keepAlive whether the connection may be reused after the body
 */
public record ResponseHead(
    Version version,
    Status status,
    Headers headers,
    long contentLength,
    boolean chunked,
    boolean keepAlive) {

  /**
   * Checks the framing invariants.
   *
   * @throws IllegalArgumentException if contentLength is below -1 or set together with chunked
   */
  public ResponseHead {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(headers, "headers");
    if (contentLength < -1) {
      throw new IllegalArgumentException("contentLength < -1: " + contentLength);
    }
    if (chunked && contentLength != -1) {
      throw new IllegalArgumentException("chunked with a Content-Length");
    }
  }

  /** {@return whether the body is close-delimited (read until EOF)} */
  public boolean closeDelimited() {
    return contentLength == -1 && !chunked;
  }
}
