package io.kyoto.web.route;

import io.kyoto.web.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@code multipart/form-data} body (RFC 7578), as browsers send forms with files and {@code curl
 * -F} sends them: warp's {@code multipart::form}, held in memory. {@link Filters#multipart()} reads
 * and parses it within the body limit.
 *
 * {@snippet :
 * Router.create()
 *     .post("/upload", Filters.multipart(10 << 20))
 *     .handle((req, form) -> {
 *       Multipart.Part file = form.part("file"); // null if absent
 *       return Response.text(form.value("title") + ": " + file.filename() + ", " + file.size() + " bytes");
 *     })
 * }
 *
 * <p>Parsing follows RFC 2046 section 5.1: the preamble before the first boundary and the epilogue
 * after the closing one are ignored, as is whitespace after a boundary; a part's content ends at
 * the CRLF before the next boundary line, so it may hold any bytes, CRLFs included, and a line that
 * only starts like the boundary stays content. Each part needs {@code Content-Disposition:
 * form-data} with a {@code name}; its {@code filename}, when present, is kept as sent (UTF-8,
 * quotes and backslash escapes undone, never a path to trust). A body without its closing boundary,
 * a header field that is not one (no colon, a name that is not a token, a control character in the
 * value), a part without a name, more than {@value #MAX_PARTS} parts or a part head over {@value
 * #MAX_PART_HEAD} bytes is rejected with 400.
 *
 * @param parts the parts, in order
 */
public record Multipart(List<Part> parts) {
  /** The most parts a body may have. */
  public static final int MAX_PARTS = 1000;

  /** The largest head (header fields) of one part, in bytes. */
  public static final int MAX_PART_HEAD = 8 * 1024;

  /**
   * Keeps the parts.
   *
   * @param parts the parts, copied
   */
  public Multipart {
    parts = List.copyOf(parts);
  }

  /**
   * One part of a form.
   *
   * @param name the form field's name (decoded as UTF-8)
   * @param filename the file name the client gave (decoded as UTF-8), or null for a plain field
   * @param contentType the part's {@code Content-Type}; {@code text/plain} when absent (RFC 7578)
   * @param headers all of the part's header fields, names in lower case, values as sent: one char
   *     per byte (ISO-8859-1), as a request's fields are kept
   * @param content the part's bytes (not copied: do not change them)
   */
  public record Part(
      String name, String filename, String contentType, Headers headers, byte[] content) {
    /** {@return the content's length in bytes} */
    public int size() {
      return content.length;
    }

    /** {@return the content decoded as UTF-8} */
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }

    /** {@return whether this part is a file (it has a file name)} */
    public boolean isFile() {
      return filename != null;
    }

    @Override
    public String toString() {
      return "Part[name="
          + name
          + (filename != null ? ", filename=" + filename : "")
          + ", "
          + contentType
          + ", "
          + content.length
          + " bytes]";
    }
  }

  /**
   * {@return the first part named {@code name}, or null}
   *
   * @param name the field name
   */
  public Part part(String name) {
    for (Part p : parts) {
      if (p.name.equals(name)) return p;
    }
    return null;
  }

  /**
   * {@return every part named {@code name}, in order (a multiple file input sends several)}
   *
   * @param name the field name
   */
  public List<Part> all(String name) {
    List<Part> out = new ArrayList<>();
    for (Part p : parts) {
      if (p.name.equals(name)) out.add(p);
    }
    return out;
  }

  /**
   * {@return the text of the first part named {@code name}, or null}
   *
   * @param name the field name
   */
  public String value(String name) {
    Part p = part(name);
    return p == null ? null : p.text();
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

  /**
   * Parses a body.
   *
   * @param boundary the boundary from the content type
   * @param body the whole body
   * @return the form
   * @throws Rejection 400 when the body is malformed
   */
  static Multipart parse(String boundary, byte[] body) throws Rejection {
    Objects.requireNonNull(boundary, "boundary");
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // The first boundary line may start the body; every later one follows a CRLF. A preamble
    // line that only starts like it is preamble.
    byte[] next = crlf(delimiter);
    int at = startsWith(body, 0, delimiter) && endsDelimiter(body, delimiter.length) ? 0 : -1;
    if (at < 0) {
      int i = findDelimiter(body, next, 0);
      if (i < 0) throw malformed("no boundary \"" + boundary + "\" found");
      at = i + 2;
    }
    List<Part> parts = new ArrayList<>();
    while (true) {
      at += delimiter.length;
      if (at + 2 <= body.length && body[at] == '-' && body[at + 1] == '-') {
        return new Multipart(parts); // the closing boundary; the epilogue is ignored
      }
      while (at < body.length && (body[at] == ' ' || body[at] == '\t')) at++; // padding
      if (at + 2 > body.length || body[at] != '\r' || body[at + 1] != '\n') {
        throw malformed("no closing boundary");
      }
      at += 2;
      int headEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, at - 2);
      if (headEnd < 0 || headEnd - at > MAX_PART_HEAD) {
        throw malformed(
            headEnd < 0 ? "a part's head is not terminated" : "a part's head is too long");
      }
      Headers headers = parseHead(body, at, headEnd);
      int contentStart = headEnd + 4; // also right for a part without header fields
      int end = findDelimiter(body, next, contentStart);
      if (end < 0) throw malformed("no closing boundary");
      if (parts.size() == MAX_PARTS) throw malformed("more than " + MAX_PARTS + " parts");
      byte[] content = java.util.Arrays.copyOfRange(body, contentStart, end);
      parts.add(toPart(headers, content));
      at = end + 2;
    }
  }

  /**
   * {@return where the next real delimiter ({@code CRLF--boundary} followed by {@code --}, or by
   * optional whitespace and CRLF) starts, or -1} A look-alike followed by anything else is content,
   * as Go's {@code mime/multipart} reads it.
   */
  private static int findDelimiter(byte[] body, byte[] delimiter, int from) {
    int i = from;
    while ((i = indexOf(body, delimiter, i)) >= 0) {
      if (endsDelimiter(body, i + delimiter.length)) return i;
      i++;
    }
    return -1;
  }

  /**
   * {@return whether the bytes from {@code after}, just past a delimiter, make it a boundary line:
   * {@code --}, or optional whitespace and CRLF}
   */
  private static boolean endsDelimiter(byte[] body, int after) {
    if (after + 2 <= body.length && body[after] == '-' && body[after + 1] == '-') return true;
    while (after < body.length && (body[after] == ' ' || body[after] == '\t')) after++;
    return after + 2 <= body.length && body[after] == '\r' && body[after + 1] == '\n';
  }

  private static Part toPart(Headers h, byte[] content) throws Rejection {
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
    return new Part(name, filename, type == null ? "text/plain" : type.trim(), h, content);
  }

  private static Headers parseHead(byte[] body, int from, int to) throws Rejection {
    Headers h = new Headers();
    int line = from;
    while (line < to) {
      int eol = indexOf(body, new byte[] {'\r', '\n'}, line);
      if (eol < 0 || eol > to) eol = to;
      // One char per byte, as a request's fields are kept: browsers send non-ASCII file names
      // raw, in UTF-8, which toPart decodes; any byte but controls is then a valid field value.
      String field = new String(body, line, eol - line, StandardCharsets.ISO_8859_1);
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

  private static byte[] crlf(byte[] delimiter) {
    byte[] b = new byte[delimiter.length + 2];
    b[0] = '\r';
    b[1] = '\n';
    System.arraycopy(delimiter, 0, b, 2, delimiter.length);
    return b;
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    if (at + prefix.length > b.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) return false;
    }
    return true;
  }

  private static int indexOf(byte[] b, byte[] pattern, int from) {
    int last = b.length - pattern.length;
    byte first = pattern[0];
    for (int i = Math.max(from, 0); i <= last; i++) {
      if (b[i] == first && startsWith(b, i, pattern)) return i;
    }
    return -1;
  }

  private static Rejection malformed(String why) {
    return Rejection.badRequest("malformed multipart body: " + why);
  }
}
