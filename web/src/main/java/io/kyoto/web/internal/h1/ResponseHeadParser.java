package io.kyoto.web.internal.h1;

import static io.kyoto.web.internal.h1.H1Syntax.CR;
import static io.kyoto.web.internal.h1.H1Syntax.HTAB;
import static io.kyoto.web.internal.h1.H1Syntax.LF;
import static io.kyoto.web.internal.h1.H1Syntax.SP;

import io.kyoto.web.Headers;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Status;
import io.kyoto.web.Version;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A strict HTTP/1.x response-head parser for the client (RFC 9112 sections 4 to 6).
 *
 * <p>Stateless: one instance may be shared. Field lines follow the same rules as requests (CRLF
 * only, no obs-fold, no whitespace before the colon, no CTLs in values).
 *
 * <p><b>Errors:</b> a malformed or over-limit response is an upstream failure, so every error is an
 * {@link HttpException} with status 502 Bad Gateway.
 *
 * <p><b>Framing</b> (RFC 9112 section 6.3): a response to HEAD, and any 1xx, 204 or 304 response,
 * has no body (contentLength 0, whatever its fields say). Otherwise Transfer-Encoding with final
 * {@code chunked} alone means chunked; a Transfer-Encoding whose final coding is not chunked means
 * close-delimited; else a valid Content-Length gives the length; else the body is close-delimited
 * (contentLength -1, chunked false, keepAlive false). Transfer-Encoding together with
 * Content-Length, several Content-Length fields, or Transfer-Encoding in an HTTP/1.0 response is
 * rejected (smuggling risk), as is chunked preceded by other codings (not implemented). A 2xx
 * answer to CONNECT is a tunnel: it is reported with contentLength 0 and the caller must switch the
 * connection to tunnelling.
 *
 * <p>The status line is {@code HTTP/1.x SP 3DIGIT SP reason CRLF}; the reason may be empty, and
 * (leniently) the SP before an empty reason may be missing.
 */
public final class ResponseHeadParser {
  private static final Status BAD = Status.BAD_GATEWAY;

  private final H1Limits limits;

  /**
   * Creates a parser.
   *
   * @param limits the limits (maxRequestLineBytes bounds the status line)
   */
  public ResponseHeadParser(H1Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Parses one response head starting at {@code buf.position()}.
   *
   * @param buf bytes in read mode; only its position changes
   * @param requestMethod the method of the request this answers (HEAD responses have no body)
   * @return the head, the position moved past its final CRLF; or null if incomplete (position
   *     unchanged)
   * @throws HttpException (502) for a malformed or over-limit response
   */
  public ResponseHead parse(ByteBuffer buf, Method requestMethod) throws HttpException {
    Objects.requireNonNull(requestMethod, "requestMethod");
    final int limit = buf.limit();
    final int start = buf.position();
    final int max = limits.maxRequestLineBytes();
    final int window = (int) Math.min(limit, (long) start + max + 2);
    // "HTTP/1.x SP DDD" then SP reason, then CRLF.
    int i = start;
    for (; i < window && i - start < 12; i++) {
      int k = i - start;
      byte c = buf.get(i);
      boolean ok =
          switch (k) {
            case 0 -> c == 'H';
            case 1, 2 -> c == 'T';
            case 3 -> c == 'P';
            case 4 -> c == '/';
            case 5, 7, 9, 10, 11 -> c >= '0' && c <= '9';
            case 6 -> c == '.';
            default -> c == SP;
          };
      if (!ok) throw new HttpException(BAD, "malformed status line");
    }
    if (i - start < 12) {
      if (i >= window && window - start >= max + 2) throw tooLong();
      return null;
    }
    int reasonStart = i;
    if (i < window) {
      byte c = buf.get(i);
      if (c == SP) {
        reasonStart = ++i;
        while (i < window) {
          c = buf.get(i);
          if (c == CR) break;
          if (c == LF) throw bareLf();
          if (!H1Syntax.isFieldByte(c)) throw new HttpException(BAD, "invalid reason phrase");
          i++;
        }
      } else if (c == LF) {
        throw bareLf();
      } else if (c != CR) {
        throw new HttpException(BAD, "malformed status line");
      }
    }
    if (i + 1 >= window) {
      if (window - start >= max + 2) throw tooLong();
      return null;
    }
    if (buf.get(i + 1) != LF) throw new HttpException(BAD, "bare CR in status line");
    int reasonEnd = i;
    int major = buf.get(start + 5) - '0';
    int minor = buf.get(start + 7) - '0';
    if (major != 1) {
      throw new HttpException(BAD, "unsupported response version HTTP/" + major + "." + minor);
    }
    // RFC 9112 §2.3: a higher minor version is processed as the highest one implemented.
    Version version = minor == 0 ? Version.HTTP_1_0 : Version.HTTP_1_1;
    int code =
        (buf.get(start + 9) - '0') * 100
            + (buf.get(start + 10) - '0') * 10
            + (buf.get(start + 11) - '0');
    if (code < 100) throw new HttpException(BAD, "invalid status code");

    int sectionStart = i + 2;
    int end =
        H1Syntax.findSectionEnd(
            buf, sectionStart, limit, limits.maxHeaderBytes(), limits.maxHeaders(), BAD);
    if (end < 0) return null;
    if (end - sectionStart - 2 > limits.maxHeaderBytes()) {
      throw new HttpException(BAD, "header section too large");
    }
    String reason = reasonEnd == reasonStart ? "" : H1Syntax.ascii(buf, reasonStart, reasonEnd);
    // Trailing whitespace in a reason is legal but meaningless; Status rejects nothing here.
    while (!reason.isEmpty()
        && (reason.charAt(reason.length() - 1) == SP
            || reason.charAt(reason.length() - 1) == HTAB)) {
      reason = reason.substring(0, reason.length() - 1);
    }
    Status status = new Status(code, reason);
    Headers headers = new Headers();
    H1Syntax.parseFields(buf, sectionStart, end, headers, BAD);
    ResponseHead head = frame(version, status, headers, requestMethod);
    buf.position(end);
    return head;
  }

  private static HttpException tooLong() {
    return new HttpException(BAD, "status line too long");
  }

  private static ResponseHead frame(Version version, Status status, Headers h, Method method)
      throws HttpException {
    int contentLengths = 0;
    String contentLength = null;
    boolean te = false;
    boolean close = false;
    boolean keepAliveToken = false;
    for (int k = 0; k < h.size(); k++) {
      String name = h.name(k);
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLengths++;
        contentLength = h.value(k);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        te = true;
      } else if (name.equalsIgnoreCase("Connection")) {
        close |= H1Syntax.listContains(h.value(k), "close");
        keepAliveToken |= H1Syntax.listContains(h.value(k), "keep-alive");
      }
    }
    boolean keepAlive = version == Version.HTTP_1_1 ? !close : keepAliveToken && !close;
    int code = status.code();
    if (method == Method.HEAD
        || code < 200
        || code == 204
        || code == 304
        || (method == Method.CONNECT && code < 300)) {
      return new ResponseHead(version, status, h, 0, false, keepAlive);
    }
    if (te) {
      if (version == Version.HTTP_1_0) {
        throw new HttpException(BAD, "Transfer-Encoding in an HTTP/1.0 response");
      }
      if (contentLengths > 0) {
        throw new HttpException(BAD, "both Transfer-Encoding and Content-Length");
      }
      return switch (H1Syntax.transferCodings(h, BAD)) {
        case H1Syntax.TE_CHUNKED -> new ResponseHead(version, status, h, -1, true, keepAlive);
        case H1Syntax.TE_OTHER_CODINGS ->
            throw new HttpException(BAD, "only the chunked transfer coding is supported");
        default -> new ResponseHead(version, status, h, -1, false, false);
      };
    }
    if (contentLengths > 1) throw new HttpException(BAD, "more than one Content-Length field");
    if (contentLengths == 1) {
      long length = H1Syntax.parseContentLength(contentLength, BAD);
      return new ResponseHead(version, status, h, length, false, keepAlive);
    }
    return new ResponseHead(version, status, h, -1, false, false);
  }

  /**
   * A status line ended by a lone LF, which this parser does not accept (nor does it in fields).
   */
  private static HttpException bareLf() {
    return new HttpException(
        BAD, "bare LF ending the status line: lines must end with CRLF (RFC 9112 section 2.2)");
  }
}
