package io.kyoto.web.internal.h1;

import static io.kyoto.web.internal.h1.H1Syntax.CR;
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
 * A strict HTTP/1.x request-head parser (RFC 9112 sections 2 to 6, 9.3).
 *
 * <p><b>Sharing and incremental input.</b> One instance may be shared by any number of connections
 * and threads: results never depend on earlier calls. To keep a head that trickles in byte by byte
 * from costing quadratic time, the parser remembers (in one immutable hint object) how far it
 * searched the header section of the last incomplete head, keyed by the buffer object and the
 * section's start index, and resumes the search from there when the same buffer is parsed again
 * from the same position. The hint only speeds up the search for the empty line that ends the
 * section: every field line of a found head is still validated from the start, and an error met
 * while using a hint is recomputed without it. A hint is only used when its buffer, position and
 * request line (compared by hash) match and it starts just after an LF, so a pooled buffer refilled
 * with other bytes is very unlikely to be taken for the old one; the one residual risk of a stale
 * hint is a spurious null (waiting for more data), never a wrong head. For best effect use one
 * parser per connection; the request line itself (at most {@link H1Limits#maxRequestLineBytes()})
 * is re-scanned on each call.
 *
 * <p><b>Policies</b> (each chosen strict; see also {@link H1Syntax}):
 *
 * <ul>
 *   <li>Line endings: CRLF only. A bare LF is <em>not</em> accepted as a terminator (400); a bare
 *       CR is always 400.
 *   <li>Up to {@value #MAX_LEADING_EMPTY_LINES} empty lines (CRLF) before the request line are
 *       skipped (RFC 9112 section 2.2); more is 400.
 *   <li>Content-Length: exactly one field holding 1*DIGIT. Duplicate fields and comma lists are
 *       rejected with 400 <em>even when the values are identical</em> (as Netty, nginx and Jetty do
 *       by default); a sign, spaces inside, hex or overflow past {@code Long.MAX_VALUE} is 400.
 *   <li>Transfer-Encoding: only {@code chunked} alone is supported. Final coding not chunked, or
 *       chunked twice, is 400; chunked preceded by other codings ({@code gzip, chunked}) is 501; TE
 *       with Content-Length is 400; TE on HTTP/1.0 is 400.
 *   <li>Host: an HTTP/1.1 request needs exactly one; more than one is 400 on any version; the value
 *       must be {@code uri-host [":" port]} (RFC 9110 section 7.2; a bracketed IPv6 or IPvFuture
 *       literal, an IPv4 address or a reg-name) or empty, else 400 (RFC 9112 section 3.2).
 *   <li>Expect values other than {@code 100-continue} are left to the caller (417) and kept in the
 *       headers.
 * </ul>
 */
public final class RequestHeadParser {
  /** Most empty lines skipped before a request line. */
  static final int MAX_LEADING_EMPTY_LINES = 4;

  private static final byte[] HTTP_SLASH = {'H', 'T', 'T', 'P', '/'};

  private final H1Limits limits;

  /** Where the header-section search of the last incomplete head stopped (a hint, see above). */
  private record Hint(
      ByteBuffer buf, int sectionStart, int lineStart, int scanned, int lines, int lineHash) {}

  private Hint hint;

  /**
   * Creates a parser.
   *
   * @param limits the limits to enforce
   */
  public RequestHeadParser(H1Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Parses one request head starting at {@code buf.position()}.
   *
   * @param buf bytes in read mode (heap or direct); not modified except for its position
   * @return the head, with the position moved just past the final CRLF; or null if the head is not
   *     complete yet (the position is then unchanged)
   * @throws HttpException 400 for malformed input, 414 for a request line over the limit, 431 for
   *     too many or too large header fields, 501 for unsupported transfer codings, 505 for an HTTP
   *     major version other than 1 (HTTP/1.2 to 1.9 are read as HTTP/1.1, RFC 9112 §2.3); thrown as
   *     soon as the bytes present prove the error
   */
  public RequestHead parse(ByteBuffer buf) throws HttpException {
    Hint h = hint;
    if (h == null || h.buf != buf) return parse(buf, null);
    try {
      return parse(buf, h);
    } catch (HttpException e) {
      // The error may come from a stale hint: recompute without it (errors are rare).
      hint = null;
      return parse(buf, null);
    }
  }

  private RequestHead parse(ByteBuffer buf, Hint h) throws HttpException {
    final int limit = buf.limit();
    int p = buf.position();

    // RFC 9112 section 2.2: skip a few empty lines before the request line.
    for (int empties = 0; ; empties++) {
      if (p >= limit) return null;
      byte c = buf.get(p);
      if (c != CR) {
        if (c == LF) throw bad("bare LF before the request line");
        break;
      }
      if (p + 1 >= limit) return null;
      if (buf.get(p + 1) != LF) throw bad("bare CR before the request line");
      if (empties == MAX_LEADING_EMPTY_LINES) throw bad("too many empty lines before request");
      p += 2;
    }

    // Request line: method SP request-target SP HTTP-version CRLF.
    final int lineStart = p;
    final int max = limits.maxRequestLineBytes();
    final int window = (int) Math.min(limit, (long) lineStart + max + 2);
    int i = lineStart;
    while (i < window && H1Syntax.isTchar(buf.get(i))) i++;
    final int methodEnd = i;
    if (i < window) {
      if (buf.get(i) != SP) throw bad("invalid character in method");
      if (i == lineStart) throw bad("empty method");
      i++;
    }
    final int targetStart = i;
    while (i < window && H1Syntax.isVchar(buf.get(i))) i++;
    final int targetEnd = i;
    if (i < window) {
      if (buf.get(i) != SP) throw bad("invalid character in request-target");
      if (i == targetStart) throw bad("empty request-target");
      i++;
    }
    final int versionStart = i;
    // HTTP-version = "HTTP/" DIGIT "." DIGIT, then CRLF. Check what is present.
    for (; i < window; i++) {
      int k = i - versionStart;
      byte c = buf.get(i);
      boolean ok =
          switch (k) {
            case 0, 1, 2, 3, 4 -> c == HTTP_SLASH[k];
            case 5, 7 -> c >= '0' && c <= '9';
            case 6 -> c == '.';
            case 8 -> c == CR;
            case 9 -> c == LF;
            default -> false;
          };
      if (!ok) {
        if (k == 8 && c == LF) throw bad("bare LF ends the request line");
        if (k == 9) throw bad("bare CR in the request line");
        throw bad("malformed HTTP version");
      }
      if (k == 9) break;
    }
    if (i >= window) {
      if (window - lineStart >= max + 2)
        throw new HttpException(Status.URI_TOO_LONG, "request line too long");
      return null;
    }
    final int lineEnd = i - 1; // index of CR
    if (lineEnd - lineStart > max) {
      throw new HttpException(Status.URI_TOO_LONG, "request line too long");
    }
    int major = buf.get(versionStart + 5) - '0';
    int minor = buf.get(versionStart + 7) - '0';
    if (major != 1) {
      throw new HttpException(
          Status.HTTP_VERSION_NOT_SUPPORTED, "HTTP/" + major + "." + minor + " is not supported");
    }
    // RFC 9112 §2.3: a higher minor version of a major version we implement is processed as the
    // highest minor version we implement (HTTP/1.2 as HTTP/1.1), and answered in it.
    Version version = minor == 0 ? Version.HTTP_1_0 : Version.HTTP_1_1;

    // Header section.
    final int sectionStart = i + 1;
    int lineFrom = sectionStart;
    int scanFrom = sectionStart;
    int linesBefore = 0;
    if (h != null
        && h.buf == buf
        && h.sectionStart == sectionStart
        && h.lineStart >= sectionStart
        && h.lineStart <= h.scanned
        && h.scanned <= limit
        && (h.lineStart == sectionStart || buf.get(h.lineStart - 1) == LF)
        && h.lineHash == hash(buf, lineStart, sectionStart)) {
      lineFrom = h.lineStart;
      scanFrom = h.scanned;
      linesBefore = h.lines;
    }
    int[] resume = new int[3];
    int end =
        H1Syntax.findSectionEnd(
            buf,
            sectionStart,
            lineFrom,
            scanFrom,
            linesBefore,
            limit,
            limits.maxHeaderBytes(),
            limits.maxHeaders(),
            Status.REQUEST_HEADER_FIELDS_TOO_LARGE,
            resume);
    if (end < 0) {
      if (resume[1] > sectionStart) {
        int lineHash = hash(buf, lineStart, sectionStart);
        hint = new Hint(buf, sectionStart, resume[0], resume[1], resume[2], lineHash);
      }
      return null;
    }
    if (hint != null) hint = null;
    if (end - sectionStart - 2 > limits.maxHeaderBytes()) {
      throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "header section too large");
    }

    Method method = Method.of(H1Syntax.ascii(buf, lineStart, methodEnd));
    String target = H1Syntax.ascii(buf, targetStart, targetEnd);
    checkTarget(method, target);
    Headers headers = new Headers();
    H1Syntax.parseFields(buf, sectionStart, end, headers, Status.BAD_REQUEST);
    if (headers.size() > limits.maxHeaders()) {
      throw new HttpException(
          Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header fields (a stale scan hint)");
    }
    RequestHead head = frame(method, target, version, headers);
    buf.position(end);
    return head;
  }

  /** A hash of the request line, to tell a hint's buffer refilled with other bytes. */
  private static int hash(ByteBuffer buf, int from, int to) {
    int h = 1;
    for (int k = from; k < to; k++) h = 31 * h + buf.get(k);
    return h;
  }

  private static void checkTarget(Method method, String target) throws HttpException {
    char first = target.charAt(0);
    if (method == Method.CONNECT) {
      // authority-form: uri-host ":" port. No path, no userinfo.
      int colon = target.lastIndexOf(':');
      if (first == '/' || colon <= 0 || colon == target.length() - 1) {
        throw bad("CONNECT needs an authority-form target (host:port)");
      }
      if (!isHostAndPort(target)) throw bad("invalid CONNECT authority");
      for (int k = colon + 1; k < target.length(); k++) {
        char c = target.charAt(k);
        if (c < '0' || c > '9') throw bad("invalid port in CONNECT target");
      }
      return;
    }
    if (target.indexOf('#') >= 0) throw bad("a request-target has no fragment"); // RFC 9112 §3.2
    if (first == '/') return; // origin-form
    if (first == '*') {
      if (target.length() == 1 && method == Method.OPTIONS) return; // asterisk-form
      throw bad("asterisk-form is only allowed with OPTIONS");
    }
    if (startsWithIgnoreCase(target, "http://") || startsWithIgnoreCase(target, "https://")) {
      int hostStart = target.indexOf("//") + 2;
      if (hostStart >= target.length() || target.charAt(hostStart) == '/') {
        throw bad("absolute-form target without a host");
      }
      if (!isHostAndPort(absoluteAuthority(target))) {
        throw bad("invalid host in absolute-form target");
      }
      return;
    }
    throw bad("unsupported request-target form");
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** {@return the authority of an absolute-form target ({@code http://a:1/x} gives {@code a:1})} */
  static String absoluteAuthority(String target) {
    int start = target.indexOf("//") + 2;
    int end = start;
    while (end < target.length() && "/?".indexOf(target.charAt(end)) < 0) end++;
    return target.substring(start, end);
  }

  /**
   * Whether {@code v} is {@code uri-host [":" port]} (RFC 9110 section 7.2, RFC 3986 section
   * 3.2.2): an IP-literal in brackets (IPv6, with an RFC 6874 zone, or IPvFuture), or a non-empty
   * reg-name or IPv4 address, then an optional port of digits (possibly none, {@code port =
   * *DIGIT}). An empty host with a port is refused: an http URI with an empty host is invalid (RFC
   * 9110 section 4.2.1). The empty value itself is checked by the caller.
   */
  static boolean isHostAndPort(String v) {
    int n = v.length();
    int end; // end of uri-host
    if (n > 0 && v.charAt(0) == '[') {
      int close = v.indexOf(']');
      if (close < 0 || !isIpLiteral(v.substring(1, close))) return false;
      end = close + 1;
    } else {
      end = v.indexOf(':');
      if (end < 0) end = n;
      if (end == 0) return false;
      for (int k = 0; k < end; k++) {
        char c = v.charAt(k);
        if (c == '%') {
          if (k + 2 >= end || !isHex(v.charAt(k + 1)) || !isHex(v.charAt(k + 2))) return false;
          k += 2;
        } else if (!isUnreservedOrSubDelim(c)) {
          return false;
        }
      }
    }
    if (end == n) return true;
    if (v.charAt(end) != ':') return false;
    for (int k = end + 1; k < n; k++) {
      char c = v.charAt(k);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /** RFC 3986 IP-literal without its brackets: IPv6address [ "%25" ZoneID ] or IPvFuture. */
  private static boolean isIpLiteral(String s) {
    if (s.length() > 1 && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) {
      // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
      int dot = s.indexOf('.');
      if (dot < 2 || dot == s.length() - 1) return false;
      for (int k = 1; k < dot; k++) if (!isHex(s.charAt(k))) return false;
      for (int k = dot + 1; k < s.length(); k++) {
        char c = s.charAt(k);
        if (c != ':' && !isUnreservedOrSubDelim(c)) return false;
      }
      return true;
    }
    int zone = s.indexOf("%25");
    if (zone >= 0) {
      // RFC 6874: ZoneID = 1*( unreserved / pct-encoded )
      String id = s.substring(zone + 3);
      if (id.isEmpty()) return false;
      for (int k = 0; k < id.length(); k++) {
        char c = id.charAt(k);
        if (c == '%') {
          if (k + 2 >= id.length() || !isHex(id.charAt(k + 1)) || !isHex(id.charAt(k + 2))) {
            return false;
          }
          k += 2;
        } else if (!isUnreserved(c)) {
          return false;
        }
      }
      s = s.substring(0, zone);
    }
    return isIpv6(s);
  }

  /** RFC 3986 IPv6address: eight 16-bit groups, one "::" for one or more, an IPv4 tail. */
  private static boolean isIpv6(String s) {
    int n = s.length();
    if (n < 2) return false;
    int groups = 0;
    boolean compressed = false;
    int i = 0;
    if (s.startsWith("::")) {
      compressed = true;
      i = 2;
      if (i == n) return true;
    } else if (s.charAt(0) == ':') {
      return false;
    }
    while (true) {
      int j = i;
      while (j < n && j - i < 4 && isHex(s.charAt(j))) j++;
      if (j < n && s.charAt(j) == '.') {
        // the last 32 bits as an IPv4 address
        if (!isIpv4(s.substring(i))) return false;
        groups += 2;
        break;
      }
      if (j == i) return false;
      groups++;
      if (j == n) break;
      if (s.charAt(j) != ':') return false; // a fifth hex digit or another character
      j++;
      if (j < n && s.charAt(j) == ':') {
        if (compressed) return false;
        compressed = true;
        j++;
        if (j == n) break;
      } else if (j == n) {
        return false; // a trailing single colon
      }
      i = j;
    }
    return compressed ? groups <= 7 : groups == 8;
  }

  private static boolean isIpv4(String s) {
    int parts = 0;
    int k = 0;
    int n = s.length();
    while (true) {
      int start = k;
      int value = 0;
      while (k < n && k - start < 3 && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
        value = value * 10 + (s.charAt(k) - '0');
        k++;
      }
      int len = k - start;
      if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) return false;
      parts++;
      if (k == n) return parts == 4;
      if (s.charAt(k) != '.' || parts == 4) return false;
      k++;
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static boolean isUnreservedOrSubDelim(char c) {
    return isUnreserved(c) || "!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static RequestHead frame(Method method, String target, Version version, Headers h)
      throws HttpException {
    int hosts = 0;
    String host = null;
    int contentLengths = 0;
    String contentLength = null;
    boolean te = false;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean upgradeToken = false;
    boolean upgradeField = false;
    boolean expectContinue = false;
    for (int k = 0; k < h.size(); k++) {
      String name = h.name(k);
      switch (name.length()) {
        case 4 -> {
          if (name.equalsIgnoreCase("Host")) {
            hosts++;
            host = h.value(k);
          }
        }
        case 6 -> {
          if (name.equalsIgnoreCase("Expect")) {
            expectContinue |= h.value(k).equalsIgnoreCase("100-continue");
          }
        }
        case 7 -> {
          if (name.equalsIgnoreCase("Upgrade")) upgradeField = true;
        }
        case 10 -> {
          if (name.equalsIgnoreCase("Connection")) {
            String v = h.value(k);
            close |= H1Syntax.listContains(v, "close");
            keepAliveToken |= H1Syntax.listContains(v, "keep-alive");
            upgradeToken |= H1Syntax.listContains(v, "upgrade");
          }
        }
        case 14 -> {
          if (name.equalsIgnoreCase("Content-Length")) {
            contentLengths++;
            contentLength = h.value(k);
          }
        }
        case 17 -> {
          if (name.equalsIgnoreCase("Transfer-Encoding")) te = true;
        }
        default -> {}
      }
    }
    if (hosts > 1) throw bad("more than one Host field");
    if (hosts == 0 && version == Version.HTTP_1_1) throw bad("missing Host field");
    if (host != null && !host.isEmpty() && !isHostAndPort(host)) {
      throw bad("invalid Host field value");
    }
    if (target.charAt(0) != '/' && method != Method.CONNECT && target.contains("://")) {
      // RFC 9112 §3.2.2: with an absolute-form target the origin server ignores the Host field
      // and uses the target's authority, so what the application sees is what a proxy routed on.
      h.set("host", absoluteAuthority(target));
    }

    long length = -1;
    boolean chunked = false;
    if (te) {
      if (version == Version.HTTP_1_0) throw bad("Transfer-Encoding in an HTTP/1.0 request");
      if (contentLengths > 0) throw bad("both Transfer-Encoding and Content-Length");
      switch (H1Syntax.transferCodings(h, Status.BAD_REQUEST)) {
        case H1Syntax.TE_CHUNKED -> chunked = true;
        case H1Syntax.TE_OTHER_CODINGS ->
            throw new HttpException(
                Status.NOT_IMPLEMENTED, "only the chunked transfer coding is supported");
        default -> throw bad("the final transfer coding is not chunked");
      }
    } else if (contentLengths > 1) {
      throw bad("more than one Content-Length field");
    } else if (contentLengths == 1) {
      length = H1Syntax.parseContentLength(contentLength, Status.BAD_REQUEST);
    }

    boolean keepAlive = version == Version.HTTP_1_1 ? !close : keepAliveToken && !close;
    return new RequestHead(
        method,
        target,
        version,
        h,
        length,
        chunked,
        keepAlive,
        expectContinue && version == Version.HTTP_1_1,
        // RFC 9110 §7.8: an HTTP/1.0 request's Upgrade is ignored. A request with a body is not
        // upgraded either (Kestrel's rule): its body would otherwise be read as the new protocol.
        upgradeToken && upgradeField && version == Version.HTTP_1_1 && !chunked && length <= 0);
  }

  private static HttpException bad(String message) {
    return new HttpException(Status.BAD_REQUEST, message);
  }
}
