package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.Method;
import io.kyoto.web.Version;
import java.util.Objects;

/**
 * A parsed, validated request head (RFC 9112 sections 3 and 5) with its body framing already
 * decided.
 *
 * @param method the method
 * @param target the request-target exactly as sent (origin-, absolute-, authority- or
 *     asterisk-form)
 * @param version the HTTP version
 * @param headers the header fields in order, values trimmed of OWS (ISO-8859-1 decoded)
 * @param contentLength the Content-Length, or -1 when there is none (including when chunked); a
 *     request with neither has no body
 * @param chunked whether the body uses the chunked transfer coding
 * @param keepAlive whether the connection may persist after this exchange (RFC 9112 section 9.3)
 * @param expectContinue whether an HTTP/1.1 client sent {@code Expect: 100-continue}
 * @param upgrade whether the client asks for a protocol upgrade ({@code Connection: upgrade} and an
 *     {@code Upgrade} field)
 */
public record RequestHead(
    Method method,
    String target,
    Version version,
    Headers headers,
    long contentLength,
    boolean chunked,
    boolean keepAlive,
    boolean expectContinue,
    boolean upgrade) {

  /**
   * Checks the framing invariants.
   *
   * @throws IllegalArgumentException if contentLength is below -1 or set together with chunked
   */
  public RequestHead {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(headers, "headers");
    if (contentLength < -1) {
      throw new IllegalArgumentException("contentLength < -1: " + contentLength);
    }
    if (chunked && contentLength != -1) {
      throw new IllegalArgumentException("chunked with a Content-Length");
    }
  }

  /** {@return whether the request has a body to read (chunked, or a positive Content-Length)} */
  public boolean hasBody() {
    return chunked || contentLength > 0;
  }
}
