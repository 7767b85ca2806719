package io.kyoto.web.route;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.service.Layer;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.stream.Streams;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses response bodies with {@code gzip} or {@code deflate}, as negotiated by the request's
 * {@code Accept-Encoding}: tower-http's {@code CompressionLayer}, warp's {@code compression}.
 *
 * {@snippet :
 * Router.create()
 *     .route(...)
 *     .with(Compression.create()) // gzip, then deflate; level 6; bodies of 32 bytes and more
 * }
 *
 * <p>A response is compressed when all of these hold:
 *
 * <ul>
 *   <li>the client accepts the coding: {@code Accept-Encoding} is read with its quality values (RFC
 *       9110 section 12.5.3), {@code *} and {@code x-gzip} included; among the acceptable codings
 *       the highest quality wins, and the configured order breaks ties;
 *   <li>the response has a body that may be recoded: not 1xx, 204, 206 or 304, no {@code
 *       Content-Range}, no {@code Content-Encoding} of its own, no connection upgrade, no {@code
 *       Cache-Control: no-transform};
 *   <li>its media type is worth compressing: not {@code image/*} (but {@code image/svg+xml}),
 *       {@code audio/*}, {@code video/*}, already compressed archives and fonts, {@code
 *       application/grpc}, nor {@code text/event-stream} (each event must reach the client at
 *       once); {@link Builder#exclude} adds types; a response without {@code Content-Type} is
 *       compressed;
 *   <li>its length, when known, is at least {@link Builder#minSize} (32 bytes by default).
 * </ul>
 *
 * <p>What changes in a compressed response: {@code Content-Encoding} is set, {@code Content-Length}
 * is that of the compressed body when the body was held whole (else the body is streamed with
 * chunked coding), {@code Accept-Ranges} is removed (ranges would address the uncompressed bytes),
 * and a strong {@code ETag} becomes weak, because the compressed bytes differ from the ones it
 * validated (as nginx does). Every response that could have been compressed says {@code Vary:
 * Accept-Encoding}, compressed or not, so a shared cache keeps the variants apart.
 *
 * <p>Bodies held whole ({@link Body#of}) of up to 64 KiB are compressed at once, and sent
 * uncompressed if that does not make them smaller. Longer and streamed bodies are compressed as
 * they are read, at most 64 KiB of input per step; when the source has nothing more for the moment,
 * what was compressed so far is flushed ({@code SYNC_FLUSH}), so a slow stream is not held back by
 * the compressor. The answer to a {@code HEAD} request gets the headers the {@code GET} would get
 * but no {@code Content-Length} (RFC 9110 section 9.3.2 allows leaving out what is only known by
 * producing the content).
 *
 * <p><b>Thread safety:</b> the layer is immutable; each compressed body belongs to one response.
 */
public final class Compression
    implements Layer<Service<Request, Response>, Service<Request, Response>> {
  /** Bodies of known length below this many bytes are not compressed by default. */
  public static final int DEFAULT_MIN_SIZE = 32;

  /** A body held whole up to this size is compressed in one step. */
  static final int WHOLE_LIMIT = 64 * 1024;

  /** The most input fed to the compressor at once. */
  static final int SLICE = 64 * 1024;

  private static final List<String> DEFAULT_EXCLUDED =
      List.of(
          "image/",
          "audio/",
          "video/",
          "font/woff",
          "application/zip",
          "application/gzip",
          "application/x-gzip",
          "application/zstd",
          "application/x-bzip2",
          "application/x-xz",
          "application/x-7z-compressed",
          "application/x-rar-compressed",
          "application/grpc",
          "text/event-stream");

  private static final Compression DEFAULT = new Compression(new Builder());

  private final String[] encodings;
  private final int level;
  private final long minSize;
  private final String[] excluded;

  private Compression(Builder b) {
    this.encodings = b.encodings.toArray(String[]::new);
    this.level = b.level;
    this.minSize = b.minSize;
    List<String> ex = new ArrayList<>(DEFAULT_EXCLUDED);
    ex.addAll(b.excluded);
    this.excluded = ex.toArray(String[]::new);
  }

  /** {@return the layer with the defaults: gzip then deflate, level 6, from 32 bytes} */
  public static Compression create() {
    return DEFAULT;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Service<Request, Response> layer(Service<Request, Response> inner) {
    return Service.wrap(
        inner,
        (request, next) -> {
          String coding = negotiate(request.header("accept-encoding"));
          boolean head = request.method().equals(Method.HEAD);
          return next.call(request).map(r -> apply(r, coding, head));
        });
  }

  private static final Compression GZIP_ONLY = builder().encodings("gzip").build();
  private static final Compression DEFLATE_ONLY = builder().encodings("deflate").build();

  /**
   * {@return whether an {@code Accept-Encoding} value accepts {@code coding} (a quality above 0,
   * explicitly or through {@code *})}
   *
   * @param acceptEncoding the header's value, or null if absent
   * @param coding {@code "gzip"} or {@code "deflate"}
   * @throws IllegalArgumentException for another coding
   */
  public static boolean accepts(String acceptEncoding, String coding) {
    Compression only =
        switch (coding.toLowerCase(Locale.ROOT)) {
          case "gzip" -> GZIP_ONLY;
          case "deflate" -> DEFLATE_ONLY;
          default -> throw new IllegalArgumentException("not gzip or deflate: " + coding);
        };
    return only.negotiate(acceptEncoding) != null;
  }

  /**
   * {@return the coding to use for a request with this {@code Accept-Encoding}, or null for none}
   *
   * @param acceptEncoding the header's value, or null if absent
   */
  String negotiate(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isBlank()) return null;
    double[] q = new double[encodings.length];
    Arrays.fill(q, -1); // not mentioned
    double star = -1;
    for (String element : acceptEncoding.split(",")) {
      String[] parts = element.split(";");
      String name = parts[0].trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) continue;
      double quality = 1;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
          quality = parseQuality(p.substring(2).trim());
        }
      }
      if (quality < 0) continue; // malformed: ignore the element
      if (name.equals("x-gzip")) name = "gzip";
      if (name.equals("*")) {
        star = Math.max(star, quality);
        continue;
      }
      for (int i = 0; i < encodings.length; i++) {
        if (encodings[i].equals(name)) q[i] = Math.max(q[i], quality);
      }
    }
    String best = null;
    double bestQ = 0;
    for (int i = 0; i < encodings.length; i++) {
      double v = q[i] >= 0 ? q[i] : star;
      if (v > bestQ) {
        best = encodings[i];
        bestQ = v;
      }
    }
    return best;
  }

  /** {@return a quality value (RFC 9110 section 12.4.2), or -1 if malformed} */
  private static double parseQuality(String s) {
    if (s.isEmpty() || s.length() > 5) return -1;
    char c = s.charAt(0);
    if (c != '0' && c != '1') return -1;
    if (s.length() > 1) {
      if (s.charAt(1) != '.') return -1;
      for (int i = 2; i < s.length(); i++) {
        char d = s.charAt(i);
        if (d < '0' || d > '9' || (c == '1' && d != '0')) return -1;
      }
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Response apply(Response r, String coding, boolean head) {
    int code = r.status().code();
    Headers h = r.headers();
    if (code == 304) {
      // A 304 carries the validators and Vary the 200 would (RFC 9110 section 15.4.5). When its
      // fields show that the 200 goes out as it is (its type, no-transform, its own coding), that
      // 200 has neither our Vary nor a weakened tag, so neither has the 304.
      if (hasEncoding(h)
          || h.containsToken("cache-control", "no-transform")
          || !compressibleType(h.get("content-type"))) {
        return r;
      }
      Response out = r.copy();
      addVary(out.headers());
      if (coding != null) weakenEtag(out.headers());
      return out;
    }
    if (code < 200
        || code == 204
        || code == 206
        || r.upgradeHandler() != null
        || h.contains("content-range")
        || hasEncoding(h)
        || h.containsToken("cache-control", "no-transform")
        || !compressibleType(h.get("content-type"))) {
      return r;
    }
    Body body = r.body();
    long length = body.contentLength();
    if (length == 0 && head) length = declaredLength(h);
    if (length >= 0 && length < minSize) return r;
    Response out = r.copy(); // the inner service may answer every request with one response
    Headers oh = out.headers();
    addVary(oh);
    if (coding == null) return out;
    if (body instanceof Body.Full full && length > 0 && full.contentLength() == length) {
      if (length <= WHOLE_LIMIT) {
        // Also for HEAD: the server sends the length the GET would have, and no body.
        byte[] packed = compressWhole(full.content(), coding);
        if (packed.length >= length) return out; // incompressible: keep the original bytes
        setCompressed(oh, coding);
        return out.body(Body.of(packed));
      }
      // A fresh view: a shared constant body must stay unread for the next response.
      body = Body.of(full.content());
    }
    setCompressed(oh, coding);
    if (head && body.contentLength() == 0) {
      // The application answered HEAD itself with an empty body and the GET's length, which the
      // compressed GET would not have: say nothing about the length.
      body.cancel();
      return out.body(Body.from(Streams.empty()));
    }
    return out.body(new CompressingBody(body, coding.equals("gzip"), level));
  }

  private static long declaredLength(Headers h) {
    String v = h.get("content-length");
    if (v == null) return 0;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean hasEncoding(Headers h) {
    String v = h.get("content-encoding");
    return v != null && !v.isBlank() && !v.trim().equalsIgnoreCase("identity");
  }

  private boolean compressibleType(String contentType) {
    if (contentType == null) return true;
    String t = contentType.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("image/svg+xml")) return true;
    for (String prefix : excluded) {
      if (t.startsWith(prefix)) return false;
    }
    return true;
  }

  private static void addVary(Headers h) {
    if (!h.containsToken("vary", "accept-encoding") && !h.containsToken("vary", "*")) {
      h.add("vary", "Accept-Encoding");
    }
  }

  private static void setCompressed(Headers h, String coding) {
    h.remove("content-encoding"); // an "identity" the application set
    h.set("content-encoding", coding);
    h.remove("content-length");
    h.remove("accept-ranges");
    weakenEtag(h);
  }

  private static void weakenEtag(Headers h) {
    String etag = h.get("etag");
    if (etag != null && etag.trim().startsWith("\"")) h.set("etag", "W/" + etag.trim());
  }

  private byte[] compressWhole(ByteBuffer content, String coding) {
    boolean gzip = coding.equals("gzip");
    Deflater d = new Deflater(level, gzip);
    try {
      int n = content.remaining();
      byte[] out = new byte[n / 2 + 64];
      int pos = 0;
      if (gzip) pos = GzipFraming.header(out, 0);
      CRC32 crc = null;
      if (gzip) {
        crc = new CRC32();
        crc.update(content.duplicate());
      }
      d.setInput(content.duplicate());
      d.finish();
      while (!d.finished()) {
        if (pos == out.length) out = Arrays.copyOf(out, out.length * 2);
        pos += d.deflate(out, pos, out.length - pos);
      }
      if (gzip) {
        if (out.length - pos < GzipFraming.TRAILER) out = Arrays.copyOf(out, pos + 8);
        pos = GzipFraming.trailer(out, pos, crc.getValue(), n);
      }
      return pos == out.length ? out : Arrays.copyOf(out, pos);
    } finally {
      d.end();
    }
  }

  /** The gzip member header and trailer around raw deflate data (RFC 1952). */
  static final class GzipFraming {
    static final int HEADER = 10;
    static final int TRAILER = 8;

    private GzipFraming() {}

    /** Writes the 10-byte header (no name, no time, OS unknown); returns the new position. */
    static int header(byte[] b, int at) {
      b[at] = 0x1f;
      b[at + 1] = (byte) 0x8b;
      b[at + 2] = 8; // deflate
      // flags, mtime (4), xfl: all zero
      for (int i = 3; i < 9; i++) b[at + i] = 0;
      b[at + 9] = (byte) 255; // OS: unknown
      return at + HEADER;
    }

    /** Writes CRC-32 and ISIZE, little-endian; returns the new position. */
    static int trailer(byte[] b, int at, long crc, long size) {
      for (int i = 0; i < 4; i++) b[at + i] = (byte) (crc >>> (8 * i));
      for (int i = 0; i < 4; i++) b[at + 4 + i] = (byte) (size >>> (8 * i));
      return at + TRAILER;
    }
  }

  /**
   * A body compressed as it is read. Each chunk it hands out lives in one reused buffer, valid
   * until the next poll (the {@link Body} contract). The deflater's native memory is released at
   * the end of the stream, on {@link #cancel()}, or by its cleaner if neither happens.
   */
  static final class CompressingBody implements Body {
    private static final int OUT = 16 * 1024;

    private final Body source;
    private final boolean gzip;
    private final int level;
    private Deflater deflater;
    private CRC32 crc;
    private long size;
    private byte[] buf;
    private int pos;
    private ByteBuffer input; // the source's current chunk, valid until the source is polled again
    private boolean unflushed; // input went in since the last flush
    private boolean flushing; // a SYNC_FLUSH that filled the buffer and must go on
    private boolean finishing;
    private boolean trailerDone;
    private boolean emitted; // buf holds a chunk handed out: start over at the next poll
    private boolean done;

    CompressingBody(Body source, boolean gzip, int level) {
      this.source = source;
      this.gzip = gzip;
      this.level = level;
      this.declared = source.contentLength();
    }

    /**
     * The source's declared length, or -1. The compressed body goes out chunked, without it, so the
     * server cannot check it: checked here, and a mismatch fails the body, which aborts the
     * response (as the server does for an uncompressed body) instead of ending it as if whole.
     */
    private final long declared;

    private IOException lengthMismatch(long got) {
      return new IOException(
          "response body of "
              + (got > declared ? "more than " + declared : got + "")
              + " bytes, but its declared length is "
              + declared);
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
      if (done) return Stream.end();
      if (deflater == null) {
        deflater = new Deflater(level, gzip);
        buf = new byte[OUT];
        pos = 0;
        if (gzip) {
          crc = new CRC32();
          pos = GzipFraming.header(buf, 0);
        }
      } else if (emitted) {
        pos = 0; // the previous chunk has been consumed
        emitted = false;
      }
      long fed = 0;
      while (true) {
        if (flushing) {
          if (pos == buf.length) return emit();
          int space = buf.length - pos;
          int n = deflater.deflate(buf, pos, space, Deflater.SYNC_FLUSH);
          pos += n;
          if (n < space) {
            flushing = false;
            return emit(); // the source said it has nothing more for now
          }
          continue;
        }
        if (finishing) return finish();
        if (input != null) {
          while (!deflater.needsInput()) {
            if (pos == buf.length) return emit();
            pos += deflater.deflate(buf, pos, buf.length - pos, Deflater.NO_FLUSH);
          }
          if (input.hasRemaining()) {
            if (fed >= 4L * SLICE) {
              // A long run of input without a full chunk of output: let other tasks run (what is
              // in the buffer stays for the next poll).
              cx.waker().wake();
              return Poll.pending();
            }
            int n = Math.min(input.remaining(), SLICE);
            ByteBuffer slice = input.slice(input.position(), n);
            input.position(input.position() + n);
            if (gzip) crc.update(slice.duplicate());
            size += n;
            fed += n;
            deflater.setInput(slice);
            unflushed = true;
            continue;
          }
          input = null;
        }
        if (pos == buf.length) return emit();
        Poll<ByteBuffer> p = source.pollNext(cx);
        if (p.isPending()) {
          if (unflushed) {
            unflushed = false;
            flushing = true; // hand over what the source gave so far
            continue;
          }
          // Bytes beyond a lone gzip header go out now; the header alone can wait for data.
          return pos > (gzip && size == 0 ? GzipFraming.HEADER : 0) ? emit() : Poll.pending();
        }
        if (Stream.isEnd(p)) {
          if (declared >= 0 && size != declared) throw lengthMismatch(size);
          deflater.finish();
          finishing = true;
          continue;
        }
        input = p.value();
        if (declared >= 0 && size + input.remaining() > declared) {
          throw lengthMismatch(size + input.remaining());
        }
      }
    }

    private Poll<ByteBuffer> finish() {
      while (!deflater.finished()) {
        if (pos == buf.length) return emit();
        pos += deflater.deflate(buf, pos, buf.length - pos);
      }
      if (gzip && !trailerDone) {
        if (buf.length - pos < GzipFraming.TRAILER) return emit();
        pos = GzipFraming.trailer(buf, pos, crc.getValue(), size);
        trailerDone = true;
      }
      release();
      done = true;
      return pos > 0 ? emit() : Stream.end();
    }

    private Poll<ByteBuffer> emit() {
      emitted = true;
      return Poll.ready(ByteBuffer.wrap(buf, 0, pos));
    }

    private void release() {
      if (deflater != null) deflater.end();
    }

    @Override
    public void cancel() {
      if (!done) {
        done = true;
        release();
        input = null;
      }
      source.cancel();
    }
  }

  /** Collects a compression policy; starts from {@link #create()}'s defaults. */
  public static final class Builder {
    private List<String> encodings = List.of("gzip", "deflate");
    private int level = 6;
    private long minSize = DEFAULT_MIN_SIZE;
    private final List<String> excluded = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the codings offered, in order of preference (ties in {@code Accept-Encoding} go to the
     * first).
     *
     * @param names {@code "gzip"} and/or {@code "deflate"}
     * @return this builder
     * @throws IllegalArgumentException for an unknown or repeated coding, or none
     */
    public Builder encodings(String... names) {
      List<String> list = new ArrayList<>();
      for (String n : names) {
        String name = n.trim().toLowerCase(Locale.ROOT);
        if (!name.equals("gzip") && !name.equals("deflate")) {
          throw new IllegalArgumentException(
              "unsupported coding '" + n + "': Compression offers gzip and deflate");
        }
        if (list.contains(name)) throw new IllegalArgumentException("coding repeated: " + n);
        list.add(name);
      }
      if (list.isEmpty()) throw new IllegalArgumentException("at least one coding is needed");
      encodings = List.copyOf(list);
      return this;
    }

    /**
     * Sets the compression level.
     *
     * @param level 1 (fastest) to 9 (smallest); 6 by default
     * @return this builder
     * @throws IllegalArgumentException outside 1..9
     */
    public Builder level(int level) {
      if (level < 1 || level > 9) {
        throw new IllegalArgumentException("level must be between 1 and 9: " + level);
      }
      this.level = level;
      return this;
    }

    /**
     * Sets the smallest body (of known length) worth compressing.
     *
     * @param bytes at least 0; {@value Compression#DEFAULT_MIN_SIZE} by default
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder minSize(long bytes) {
      if (bytes < 0) throw new IllegalArgumentException("minSize < 0: " + bytes);
      this.minSize = bytes;
      return this;
    }

    /**
     * Adds media types never to compress, matched as case-insensitive prefixes of {@code
     * Content-Type} (e.g. {@code "application/pdf"}, {@code "application/x-"}).
     *
     * @param mediaTypePrefixes the prefixes
     * @return this builder
     */
    public Builder exclude(String... mediaTypePrefixes) {
      for (String p : mediaTypePrefixes) {
        String t = p.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) throw new IllegalArgumentException("empty media type prefix");
        excluded.add(t);
      }
      return this;
    }

    /** {@return the layer} */
    public Compression build() {
      return new Compression(this);
    }
  }
}
