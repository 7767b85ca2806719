package io.kyoto.web.route;

import io.kyoto.web.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one {@code multipart/form-data} parser (RFC 7578, RFC 2046 section 5.1), without I/O: the
 * caller offers bytes as they come and takes events; {@link MultipartStream} drives it from a body
 * stream, {@link Multipart#parse} from an array.
 *
 * <h2>Window</h2>
 *
 * <p>Bytes are copied into a fixed window ({@link #window()} bytes, allocated once) and leave it as
 * soon as they are known to be part data, preamble or epilogue. What stays is what may still turn
 * out to be a delimiter (at most the delimiter plus its padding) or an unfinished header section
 * (at most {@link MultipartLimits#maxHeaderBytes}): the window is sized for both, so it is never
 * full while the parser waits for input, and memory does not grow with the body.
 *
 * <h2>Events</h2>
 *
 * <p>{@link #advance()} returns {@link #NEED_INPUT} (call {@link #offer} or {@link #endOfInput}),
 * {@link #HEAD} (a part starts: {@link #head()}), {@link #DATA} (some of its data: {@link #data()},
 * a view of the window valid until the next {@code advance} or {@code offer}), {@link #PART_END},
 * or {@link #DONE} (the closing delimiter was seen and the input ended), or throws a {@link
 * Rejection}. Only bytes already in the window are looked at and the state changes only when bytes
 * are consumed, so an interrupted caller can resume at any point.
 *
 * <h2>Grammar</h2>
 *
 * <p>The first delimiter line may start the body, every later one follows a CRLF; a delimiter line
 * is {@code --boundary} followed by {@code --} (the closing one), or by optional spaces and tabs
 * (at most {@value #MAX_PADDING}) and CRLF. A look-alike followed by anything else is content or
 * preamble, as Go's {@code mime/multipart} reads it. A part's header section ends at the first CRLF
 * CRLF after its delimiter line's CRLF; its data ends at the CRLF before the next delimiter.
 *
 * <p><b>Thread safety:</b> not thread safe; one caller at a time.
 */
final class MultipartParser {
  /** No event: the parser needs more input (or the end of it). */
  static final int NEED_INPUT = 0;

  /** A part starts; {@link #head()} describes it. */
  static final int HEAD = 1;

  /** Some of the current part's data; {@link #data()} holds it. */
  static final int DATA = 2;

  /** The current part's data ended. */
  static final int PART_END = 3;

  /** The closing delimiter was seen and the input ended. */
  static final int DONE = 4;

  /** The most spaces and tabs after a boundary (transport padding) that are looked through. */
  static final int MAX_PADDING = 1024;

  /** The window's size unless a larger header limit needs more. */
  static final int DEFAULT_WINDOW = 64 * 1024;

  private static final int NO = 0;
  private static final int YES = 1;
  private static final int MORE = 2;

  private enum State {
    PREAMBLE,
    BOUNDARY_LINE,
    HEAD,
    BODY,
    EPILOGUE,
    DONE
  }

  /**
   * A part's header section, decoded.
   *
   * @param name the field name
   * @param filename the file name, or null
   * @param contentType the content type, {@code text/plain} when absent
   * @param headers every header field, names in lower case
   */
  record Head(String name, String filename, String contentType, Headers headers) {}

  private final String boundary;
  private final byte[] first; // "--boundary", which may start the body
  private final byte[] delimiter; // "\r\n--boundary"
  private final MultipartLimits limits;
  private final byte[] buf;
  // The window holds buf[start, end); scan is where the next search resumes (start <= scan <= end).
  private int start;
  private int end;
  private int scan;
  private boolean eof;
  private boolean atBodyStart = true;
  private State state = State.PREAMBLE;
  private int parts;
  private long partBytes;
  private Head head;
  private ByteBuffer data;

  MultipartParser(String boundary, MultipartLimits limits) {
    this(boundary, limits, DEFAULT_WINDOW);
  }

  /**
   * Creates a parser whose window is at least {@code window} bytes (tests use small ones).
   *
   * @param boundary the boundary, 1 to 70 characters
   * @param limits the limits
   * @param window the window's size; raised to {@link #minWindow} if smaller
   */
  MultipartParser(String boundary, MultipartLimits limits, int window) {
    if (boundary.isEmpty() || boundary.length() > 70) {
      throw new IllegalArgumentException("a boundary has 1 to 70 characters");
    }
    this.boundary = boundary;
    this.first = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.limits = limits;
    this.buf = new byte[Math.max(window, minWindow(limits))];
  }

  /**
   * {@return the smallest window for {@code limits}} A header section with its CRLFs, or a
   * delimiter with the most padding and its CRLF, fits with room to spare.
   */
  static int minWindow(MultipartLimits limits) {
    return Math.max(limits.maxHeaderBytes() + 8, 2 + 72 + MAX_PADDING + 4);
  }

  /** {@return the window's size in bytes: the most this parser ever holds} */
  int window() {
    return buf.length;
  }

  /** {@return how many bytes the window holds now} */
  int buffered() {
    return end - start;
  }

  /** {@return the part that the last {@link #HEAD} started} */
  Head head() {
    return head;
  }

  /**
   * {@return the data of the last {@link #DATA}: a view of the window, valid until the next call}
   */
  ByteBuffer data() {
    return data;
  }

  /**
   * Copies as much of {@code src} as fits into the window.
   *
   * @param src the input; its position advances past what was taken
   * @return how many bytes were taken
   */
  int offer(ByteBuffer src) {
    if (eof) throw new IllegalStateException("offer after endOfInput");
    if (start > 0 && buf.length - end < src.remaining()) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      scan -= start;
      start = 0;
    }
    int n = Math.min(src.remaining(), buf.length - end);
    src.get(buf, end, n);
    end += n;
    return n;
  }

  /** Says that there is no more input. */
  void endOfInput() {
    eof = true;
  }

  /**
   * {@return the next event}
   *
   * @throws Rejection 400 when the body is malformed or breaks a count or header limit, 413 when a
   *     part is larger than its limit
   */
  int advance() throws Rejection {
    data = null;
    while (true) {
      int event =
          switch (state) {
            case PREAMBLE -> preamble();
            case BOUNDARY_LINE -> boundaryLine();
            case HEAD -> head0();
            case BODY -> body();
            case EPILOGUE -> epilogue();
            case DONE -> DONE;
          };
      if (event >= 0) {
        assert event != NEED_INPUT || (!eof && end - start < buf.length) : "stuck: " + state;
        return event;
      }
    }
  }

  /** Finds the first delimiter line; discards what cannot start one. */
  private int preamble() throws Rejection {
    if (atBodyStart) {
      int m = matches(start, first);
      if (m == YES) m = endsDelimiter(start + first.length);
      if (m == MORE) return NEED_INPUT;
      atBodyStart = false;
      if (m == YES) {
        start += first.length;
        state = State.BOUNDARY_LINE;
        return -1;
      }
      scan = start;
    }
    int[] kind = new int[1];
    int i = find(scan, kind);
    if (kind[0] == YES) {
      start = i + delimiter.length;
      state = State.BOUNDARY_LINE;
      return -1;
    }
    start = scan = kind[0] == MORE ? i : end; // the preamble so far is dropped
    if (eof) throw malformed("no boundary \"" + boundary + "\" found");
    return NEED_INPUT;
  }

  /** Just after {@code --boundary}: the closing {@code --}, or padding and CRLF. */
  private int boundaryLine() throws Rejection {
    int m = endsDelimiter(start);
    if (m == MORE) return NEED_INPUT;
    if (m == NO) throw malformed("no closing boundary");
    if (buf[start] == '-') {
      start += 2;
      state = State.EPILOGUE;
      return -1;
    }
    while (buf[start] != '\r')
      start++; // the padding; the CRLF stays, as the head's search starts there
    if (parts == limits.maxParts()) throw malformed("more than " + limits.maxParts() + " parts");
    scan = start;
    state = State.HEAD;
    return -1;
  }

  /** The header section: from the delimiter line's CRLF to the first CRLF CRLF. */
  private int head0() throws Rejection {
    int at = start + 2;
    int h = indexOfHeadEnd(scan);
    if (h < 0) {
      if (end - 3 - at > limits.maxHeaderBytes()) throw malformed("a part's head is too long");
      if (eof) throw malformed("a part's head is not terminated");
      scan = Math.max(start, end - 3);
      return NEED_INPUT;
    }
    if (h - at > limits.maxHeaderBytes()) throw malformed("a part's head is too long");
    head = toHead(parseHead(at, h));
    parts++;
    partBytes = 0;
    start = scan = h + 4; // also right for a part without header fields
    state = State.BODY;
    return HEAD;
  }

  /** The data: everything up to a real delimiter; what may start one waits for more input. */
  private int body() throws Rejection {
    int[] kind = new int[1];
    int i = find(scan, kind);
    if (kind[0] == YES && i == start) {
      start = scan = i + delimiter.length;
      state = State.BOUNDARY_LINE;
      return PART_END;
    }
    if (eof && kind[0] != YES) throw malformed("no closing boundary"); // nothing can end it
    int safe = kind[0] == NO ? end : i;
    scan = safe;
    return safe > start ? emit(safe) : NEED_INPUT;
  }

  private int emit(int to) throws Rejection {
    int n = to - start;
    partBytes += n;
    if (partBytes > limits.maxPartBytes()) {
      throw Rejection.payloadTooLarge(
          "multipart part \""
              + head.name()
              + "\" larger than the limit of "
              + limits.maxPartBytes()
              + " bytes");
    }
    data = ByteBuffer.wrap(buf, start, n).slice();
    start = to;
    return DATA;
  }

  /** After the closing delimiter: everything is ignored up to the end of the input. */
  private int epilogue() {
    start = scan = end;
    if (!eof) return NEED_INPUT;
    state = State.DONE;
    return DONE;
  }

  /**
   * {@return where the first delimiter candidate at or after {@code from} starts, or -1} {@code
   * kind[0]} says whether it is one ({@code YES}), may be one once more bytes come ({@code MORE}),
   * or there is none ({@code NO}).
   */
  private int find(int from, int[] kind) throws Rejection {
    for (int i = from; i < end; i++) {
      if (buf[i] != '\r') continue;
      int m = matches(i, delimiter);
      if (m == YES) m = endsDelimiter(i + delimiter.length);
      if (m != NO) {
        kind[0] = m;
        return i;
      }
    }
    kind[0] = NO;
    return -1;
  }

  /**
   * {@return whether {@code pattern} is at {@code at}: YES, NO, or MORE if the window ends first}
   */
  private int matches(int at, byte[] pattern) {
    int n = Math.min(pattern.length, end - at);
    for (int k = 0; k < n; k++) {
      if (buf[at + k] != pattern[k]) return NO;
    }
    return n == pattern.length ? YES : more();
  }

  /**
   * {@return whether the bytes from {@code after}, just past a delimiter, make it a delimiter line:
   * {@code --}, or optional padding and CRLF}
   *
   * @throws Rejection when the padding is longer than {@value #MAX_PADDING} bytes
   */
  private int endsDelimiter(int after) throws Rejection {
    if (after >= end) return more();
    if (buf[after] == '-') {
      if (after + 1 >= end) return more();
      if (buf[after + 1] == '-') return YES;
    }
    int p = after;
    while (p < end && (buf[p] == ' ' || buf[p] == '\t')) {
      if (++p - after > MAX_PADDING) throw malformed("a boundary line's padding is too long");
    }
    if (p >= end) return more();
    if (buf[p] != '\r') return NO;
    if (p + 1 >= end) return more();
    return buf[p + 1] == '\n' ? YES : NO;
  }

  /** {@return MORE, or NO once the input has ended: no more bytes can complete a match} */
  private int more() {
    return eof ? NO : MORE;
  }

  private int indexOfHeadEnd(int from) {
    for (int i = from; i + 3 < end; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private Headers parseHead(int from, int to) throws Rejection {
    Headers h = new Headers();
    int line = from;
    while (line < to) {
      int eol = line;
      while (eol < to && !(buf[eol] == '\r' && eol + 1 < end && buf[eol + 1] == '\n')) eol++;
      // One char per byte, as a request's fields are kept: browsers send non-ASCII file names
      // raw, in UTF-8, which toHead decodes; any byte but controls is then a valid field value.
      String field = new String(buf, line, eol - line, StandardCharsets.ISO_8859_1);
      int colon = field.indexOf(':');
      if (colon <= 0) throw malformed("a part has a malformed header field");
      try {
        h.add(
            field.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            field.substring(colon + 1).trim());
      } catch (IllegalArgumentException e) { // a name that is not a token, a control character
        throw malformed("a part has a malformed header field");
      }
      line = eol + 2;
    }
    return h;
  }

  private static Head toHead(Headers h) throws Rejection {
    String disposition = h.get("content-disposition");
    if (disposition == null) throw malformed("a part has no Content-Disposition");
    List<String> params = splitParams(disposition);
    if (!params.get(0).trim().equalsIgnoreCase("form-data")) {
      throw malformed("a part's Content-Disposition is not form-data");
    }
    String name = null;
    String filename = null;
    for (int i = 1; i < params.size(); i++) {
      String p = params.get(i);
      int eq = p.indexOf('=');
      if (eq < 0) continue;
      String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = unquote(p.substring(eq + 1).trim());
      if (key.equals("name")) name = utf8(value);
      else if (key.equals("filename")) filename = utf8(value);
    }
    if (name == null) throw malformed("a part has no name");
    String type = h.get("content-type");
    return new Head(name, filename, type == null ? "text/plain" : type.trim(), h);
  }

  /**
   * {@return the boundary of a {@code multipart/form-data} content type, or null if it has none}
   *
   * @param contentType the {@code Content-Type} value
   */
  static String boundary(String contentType) {
    for (String param : splitParams(contentType)) {
      int eq = param.indexOf('=');
      if (eq < 0) continue;
      if (param.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
        String v = unquote(param.substring(eq + 1).trim());
        return v.isEmpty() || v.length() > 70 ? null : v; // RFC 2046: 1 to 70 characters
      }
    }
    return null;
  }

  /** Splits a header value at semicolons outside quoted strings. */
  private static List<String> splitParams(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\' && i + 1 < value.length()) {
        cur.append(c).append(value.charAt(++i));
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c == ';' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static String unquote(String v) {
    if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') return v;
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 1; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length() - 1) c = v.charAt(++i);
      out.append(c);
    }
    return out.toString();
  }

  /** {@return a field's text, held one char per byte, decoded as the UTF-8 it was sent in} */
  private static String utf8(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  static Rejection malformed(String why) {
    return Rejection.badRequest("malformed multipart body: " + why);
  }
}
