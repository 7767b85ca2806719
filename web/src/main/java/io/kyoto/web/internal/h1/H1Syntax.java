package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level helpers shared by the HTTP/1 parsers: character classes (RFC 9110 section 5.6.2),
 * header-section scanning and field-line parsing.
 *
 * <p><b>Line endings (policy):</b> strict. Every line must end in CRLF; a bare LF is rejected with
 * 400 (RFC 9112 section 2.2 only says a recipient MAY accept it; Netty 4.2 and llhttp are strict by
 * default, and leniency here is a request-smuggling vector). A bare CR is always rejected.
 */
final class H1Syntax {
  static final byte CR = '\r';
  static final byte LF = '\n';
  static final byte SP = ' ';
  static final byte HTAB = '\t';

  /** Bit 1: tchar. Bit 2: field-vchar/obs-text/SP/HTAB (a field-value byte). */
  private static final byte[] CLASS = new byte[256];

  private static final int TCHAR = 1;
  private static final int FIELD = 2;

  static {
    for (int c = 0; c < 256; c++) {
      int k = 0;
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) k |= TCHAR;
      if ("!#$%&'*+-.^_`|~".indexOf(c) >= 0) k |= TCHAR;
      if (c == HTAB || (c >= 0x20 && c != 0x7f)) k |= FIELD;
      CLASS[c] = (byte) k;
    }
  }

  private H1Syntax() {}

  static boolean isTchar(int b) {
    return (CLASS[b & 0xff] & TCHAR) != 0;
  }

  static boolean isFieldByte(int b) {
    return (CLASS[b & 0xff] & FIELD) != 0;
  }

  /** Visible US-ASCII (VCHAR), as allowed in a request-target. */
  static boolean isVchar(int b) {
    return b > 0x20 && b < 0x7f;
  }

  static String ascii(ByteBuffer b, int from, int to) {
    int len = to - from;
    if (b.hasArray()) {
      return new String(b.array(), b.arrayOffset() + from, len, StandardCharsets.ISO_8859_1);
    }
    byte[] tmp = new byte[len];
    b.get(from, tmp, 0, len);
    return new String(tmp, StandardCharsets.ISO_8859_1);
  }

  /**
   * Finds the end of a header section that starts at {@code from}: the index just past the LF of
   * the empty line, or -1 if the section is not complete in {@code [from, limit)}. Only line
   * structure is looked at here (a line ends at LF); the field parse validates CRs later.
   *
   * <p>The search may resume: {@code lineFrom} is the start of a line at or after {@code from} such
   * that {@code [from, lineFrom)} holds {@code linesBefore} complete, non-empty lines, and {@code
   * [lineFrom, scanFrom)} holds no LF. When -1 is returned, {@code resume[0..2]} receive the line
   * start, the scan position and the line count to resume with.
   *
   * @param maxBytes the section limit (field lines with CRLF, the final empty line excluded)
   * @param maxLines most field lines
   * @param tooLarge the status to throw when a limit is passed
   */
  static int findSectionEnd(
      ByteBuffer b,
      int from,
      int lineFrom,
      int scanFrom,
      int linesBefore,
      int limit,
      int maxBytes,
      int maxLines,
      Status tooLarge,
      int[] resume)
      throws HttpException {
    int windowEnd = (int) Math.min(limit, (long) from + maxBytes + 2);
    int lineStart = lineFrom;
    int lines = linesBefore;
    int i = scanFrom;
    for (; i < windowEnd; i++) {
      if (b.get(i) != LF) continue;
      int len = i - lineStart;
      if (len == 0 || (len == 1 && b.get(lineStart) == CR)) return i + 1;
      if (++lines > maxLines) {
        throw new HttpException(tooLarge, "too many header fields (limit " + maxLines + ")");
      }
      lineStart = i + 1;
    }
    // Not found within the window: if the window was full, the section is over the limit.
    if ((long) windowEnd - from >= (long) maxBytes + 2) {
      throw new HttpException(tooLarge, "header section over " + maxBytes + " bytes");
    }
    resume[0] = lineStart;
    resume[1] = i;
    resume[2] = lines;
    return -1;
  }

  /**
   * {@link #findSectionEnd(ByteBuffer, int, int, int, int, int, int, Status, int[])} from scratch.
   */
  static int findSectionEnd(
      ByteBuffer b, int from, int limit, int maxBytes, int maxLines, Status tooLarge)
      throws HttpException {
    return findSectionEnd(b, from, from, from, 0, limit, maxBytes, maxLines, tooLarge, new int[3]);
  }

  /**
   * Parses the field lines in {@code [from, end)}, which ends with the empty line's CRLF (as found
   * by {@link #findSectionEnd}), adding them to {@code out}.
   *
   * @param bad the status for malformed input
   */
  static void parseFields(ByteBuffer b, int from, int end, Headers out, Status bad)
      throws HttpException {
    int p = from;
    while (true) {
      // Every line ends before the section's final LF; guards against a mis-found end.
      if (p + 2 > end) throw new HttpException(bad, "malformed header section");
      int c = b.get(p);
      if (c == CR) {
        if (p + 2 != end || b.get(p + 1) != LF) throw new HttpException(bad, "bare CR in header");
        return;
      }
      if (c == LF) throw new HttpException(bad, "bare LF line ending in header section");
      if (c == SP || c == HTAB) {
        throw new HttpException(bad, "obsolete line folding (obs-fold) in header section");
      }
      int nameStart = p;
      while (isTchar(c)) {
        c = b.get(++p);
      }
      if (c != ':') {
        if (c == SP || c == HTAB) {
          throw new HttpException(bad, "whitespace between header name and colon");
        }
        throw new HttpException(bad, "invalid character in header name");
      }
      if (p == nameStart) throw new HttpException(bad, "empty header name");
      int nameEnd = p++;
      // OWS
      c = b.get(p);
      while (c == SP || c == HTAB) c = b.get(++p);
      int valueStart = p;
      int valueEnd = p; // exclusive end of the last non-OWS byte
      while (c != CR) {
        if (!isFieldByte(c)) {
          if (c == LF) throw new HttpException(bad, "bare LF line ending in header field");
          throw new HttpException(bad, "control character in header value");
        }
        p++;
        if (c != SP && c != HTAB) valueEnd = p;
        c = b.get(p);
      }
      if (b.get(p + 1) != LF) throw new HttpException(bad, "bare CR in header value");
      String name = name(b, nameStart, nameEnd);
      String value = valueEnd == valueStart ? "" : ascii(b, valueStart, valueEnd);
      out.add(name, value);
      p += 2;
    }
  }

  private static final String[] COMMON = {
    "Host",
    "Connection",
    "Content-Length",
    "Content-Type",
    "Transfer-Encoding",
    "User-Agent",
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Cookie",
    "Expect",
    "Upgrade",
    "Date",
    "Server",
    "Authorization",
    "Cache-Control",
  };

  /** A header name, shared with a constant when it is a common one spelled canonically. */
  private static String name(ByteBuffer b, int from, int to) {
    int len = to - from;
    for (String s : COMMON) {
      if (s.length() == len && b.get(from) == s.charAt(0) && regionEquals(b, from, s)) return s;
    }
    return ascii(b, from, to);
  }

  private static boolean regionEquals(ByteBuffer b, int from, String s) {
    for (int i = 1; i < s.length(); i++) {
      if (b.get(from + i) != s.charAt(i)) return false;
    }
    return true;
  }

  /**
   * Parses a Content-Length value: 1*DIGIT, overflow-checked. Lists ({@code 5, 5}) are rejected.
   *
   * @return the length
   */
  static long parseContentLength(String v, Status bad) throws HttpException {
    int n = v.length();
    if (n == 0) throw new HttpException(bad, "empty Content-Length");
    long r = 0;
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') throw new HttpException(bad, "invalid Content-Length");
      if (r > (Long.MAX_VALUE - (c - '0')) / 10) {
        throw new HttpException(bad, "Content-Length overflows");
      }
      r = r * 10 + (c - '0');
    }
    return r;
  }

  /** Outcome of {@link #transferCodings}. */
  static final int TE_CHUNKED = 0;

  static final int TE_NOT_FINAL_CHUNKED = 1;
  static final int TE_OTHER_CODINGS = 2;

  /**
   * Classifies all Transfer-Encoding values together (several fields form one list).
   *
   * @return {@link #TE_CHUNKED} for exactly {@code chunked}; {@link #TE_OTHER_CODINGS} when the
   *     final coding is chunked but others precede it; {@link #TE_NOT_FINAL_CHUNKED} otherwise
   * @throws HttpException with {@code bad} for an empty member or {@code chunked} twice
   */
  static int transferCodings(Headers h, Status bad) throws HttpException {
    int members = 0;
    int chunkedCount = 0;
    boolean lastChunked = false;
    for (int i = 0; i < h.size(); i++) {
      if (!h.name(i).equalsIgnoreCase("Transfer-Encoding")) continue;
      String v = h.value(i);
      int start = 0;
      int n = v.length();
      while (true) {
        int comma = v.indexOf(',', start);
        int e = comma < 0 ? n : comma;
        int s = start;
        while (s < e && (v.charAt(s) == ' ' || v.charAt(s) == '\t')) s++;
        while (e > s && (v.charAt(e - 1) == ' ' || v.charAt(e - 1) == '\t')) e--;
        if (s == e) throw new HttpException(bad, "empty Transfer-Encoding member");
        members++;
        lastChunked = e - s == 7 && v.regionMatches(true, s, "chunked", 0, 7);
        if (lastChunked && ++chunkedCount > 1) {
          throw new HttpException(bad, "chunked applied more than once");
        }
        if (comma < 0) break;
        start = comma + 1;
      }
    }
    if (!lastChunked) return TE_NOT_FINAL_CHUNKED;
    return members == 1 ? TE_CHUNKED : TE_OTHER_CODINGS;
  }

  /** Whether comma-separated list {@code list} holds {@code token} (ASCII case-insensitive). */
  static boolean listContains(String list, String token) {
    int n = list.length();
    int start = 0;
    while (true) {
      int comma = list.indexOf(',', start);
      int e = comma < 0 ? n : comma;
      int s = start;
      while (s < e && (list.charAt(s) == ' ' || list.charAt(s) == '\t')) s++;
      while (e > s && (list.charAt(e - 1) == ' ' || list.charAt(e - 1) == '\t')) e--;
      if (e - s == token.length() && list.regionMatches(true, s, token, 0, token.length())) {
        return true;
      }
      if (comma < 0) return false;
      start = comma + 1;
    }
  }
}
