package io.kyoto.web.route;

import io.kyoto.web.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * #MAX_PART_HEAD} bytes is rejected with 400, as is more than 1024 bytes of spaces and tabs after a
 * boundary.
 *
 * <p>The parse is {@link MultipartStream}'s, run over the body held whole: for uploads larger than
 * memory, stream the form with {@link Filters#multipartStream()} instead.
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
   * {@return the first part named {@code name}} For a part the handler cannot do without: the
   * request is answered 400 when the form has none, as a missing query parameter or cookie is
   * ({@link Filters}), instead of a {@code NullPointerException} and a 500.
   *
   * @param name the field name
   * @throws Rejection 400 {@code missing form part <name>} if there is none
   */
  public Part requiredPart(String name) throws Rejection {
    Part p = part(name);
    if (p == null) throw Rejection.badRequest("missing form part " + name);
    return p;
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
    return MultipartParser.boundary(contentType);
  }

  /**
   * Parses a body held whole: the streaming parser ({@link MultipartStream}'s) run over it, each
   * part's data collected.
   *
   * @param boundary the boundary from the content type
   * @param body the whole body
   * @return the form
   * @throws Rejection 400 when the body is malformed
   */
  static Multipart parse(String boundary, byte[] body) throws Rejection {
    Objects.requireNonNull(boundary, "boundary");
    MultipartParser parser = new MultipartParser(boundary, MultipartLimits.defaults());
    ByteBuffer in = ByteBuffer.wrap(body);
    List<Part> parts = new ArrayList<>();
    MultipartParser.Head head = null;
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    while (true) {
      switch (parser.advance()) {
        case MultipartParser.NEED_INPUT -> {
          if (in.hasRemaining()) parser.offer(in);
          else parser.endOfInput();
        }
        case MultipartParser.HEAD -> {
          head = parser.head();
          content.reset();
        }
        case MultipartParser.DATA -> {
          ByteBuffer d = parser.data();
          content.write(d.array(), d.arrayOffset() + d.position(), d.remaining());
        }
        case MultipartParser.PART_END ->
            parts.add(
                new Part(
                    head.name(),
                    head.filename(),
                    head.contentType(),
                    head.headers(),
                    content.toByteArray()));
        default -> {
          return new Multipart(parts);
        }
      }
    }
  }
}
