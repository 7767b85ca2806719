package io.kyoto.web.fs;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the files under a directory: warp's {@code fs::dir}.
 *
 * {@snippet :
 * StaticFiles assets = StaticFiles.dir(Path.of("public"));
 * Future<Response> r = assets.serve(Request.get("/css/site.css"));
 * }
 *
 * <p>The request path (percent-decoded, segment by segment) is resolved under the root:
 *
 * <ul>
 *   <li>Only GET and HEAD: anything else gets 405 with {@code Allow: GET, HEAD}.
 *   <li>A segment that is or starts with {@code ..} (also when written {@code %2e%2e}: names such
 *       as {@code ...} resolve to the parent on some file systems), or holds {@code \}, {@code :},
 *       NUL or an encoded {@code /}, an undecodable escape, or a target that is not a path: 404. So
 *       is a file whose real path (symbolic links resolved) is not under the root's real path, and
 *       anything that is not a regular file.
 *   <li>A directory serves its {@code index.html}, with or without a trailing slash (no redirect,
 *       as warp); a file named with a trailing slash is 404. Hidden files (names starting with
 *       {@code .}) are served like any other: keep secrets out of the root.
 *   <li>The content type follows the extension ({@link #contentType}).
 *   <li>Validators: a weak {@code ETag} from the size and the modification time, {@code
 *       Last-Modified}. {@code If-None-Match} (weak comparison, or {@code *}) gives 304; without
 *       it, {@code If-Modified-Since} at or after the modification time (to the second) gives 304.
 *       {@code If-Match} gives 412 unless it is {@code *}: it asks for a strong comparison, which a
 *       weak tag never passes (RFC 9110 section 13.1.1); without it, {@code If-Unmodified-Since}
 *       before the modification time gives 412.
 *   <li>One range ({@code Range: bytes=a-b}, {@code a-}, {@code -n}) gives 206 with {@code
 *       Content-Range}; a range that starts past the end (or {@code -0}, or any range of an empty
 *       file) gives 416 with {@code Content-Range: bytes *}{@code /size}. Several ranges, a
 *       malformed header or another unit are ignored: the whole file is sent with 200 (multipart
 *       answers are not supported). {@code If-Range} with a date applies the range only if the file
 *       was not modified since; with an entity tag it never matches (our tags are weak), so the
 *       whole file is sent.
 *   <li>The body is read in chunks ({@value #DEFAULT_CHUNK_SIZE} bytes by default) on the blocking
 *       pool, one chunk at a time as the connection takes them: large files are never held whole.
 * </ul>
 *
 * <p><b>Thread safety:</b> immutable and thread safe.
 */
public final class StaticFiles implements Service<Request, Response> {
  /** The default read size: 64 KiB. */
  public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("wasm", "application/wasm"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("xml", "application/xml"));

  private final Path root;
  private final int chunkSize;
  private final boolean precompressed;

  private StaticFiles(Path root, int chunkSize, boolean precompressed) {
    this.root = root;
    this.chunkSize = chunkSize;
    this.precompressed = precompressed;
  }

  /**
   * {@return a handler serving the files under {@code root}} The root need not exist yet; while it
   * does not, every request gets 404.
   *
   * @param root the directory
   */
  public static StaticFiles dir(Path root) {
    return new StaticFiles(root.toAbsolutePath().normalize(), DEFAULT_CHUNK_SIZE, false);
  }

  /**
   * {@return a copy reading {@code bytes} per chunk}
   *
   * @param bytes the chunk size, positive
   */
  public StaticFiles withChunkSize(int bytes) {
    if (bytes <= 0) throw new IllegalArgumentException("chunk size must be positive: " + bytes);
    return new StaticFiles(root, bytes, precompressed);
  }

  /**
   * {@return a copy that serves a file's gzip-compressed sibling when the client accepts gzip}
   * tower-http's {@code precompressed_gzip}, nginx's {@code gzip_static}: for {@code app.js}, an
   * {@code app.js.gz} next to it (under the root, readable) is sent with {@code Content-Encoding:
   * gzip}, the original's content type and validators of its own; without it, or for a client that
   * does not accept gzip or asks for a range, the original is sent. Every file response then says
   * {@code Vary: Accept-Encoding}. Compressing once at build time saves the CPU a {@code
   * Compression} layer would spend on every request (it leaves encoded responses alone).
   *
   * @param enabled whether to look for {@code .gz} siblings
   */
  public StaticFiles withPrecompressed(boolean enabled) {
    return new StaticFiles(root, chunkSize, enabled);
  }

  /** {@return the root directory} */
  public Path root() {
    return root;
  }

  /**
   * {@return the media type for {@code fileName}'s extension (case-insensitive), or {@code
   * application/octet-stream}}
   *
   * @param fileName the file name
   */
  public static String contentType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0) return "application/octet-stream";
    String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /**
   * {@return the same as {@link #serve}}
   *
   * @param request the request
   */
  @Override
  public Future<Response> call(Request request) {
    return serve(request);
  }

  /**
   * {@return a future of the response for {@code request}} It never fails: I/O errors while looking
   * the file up give 404 (missing, not readable) or 500.
   *
   * @param request the request; only its method, path and conditional headers are used
   */
  public Future<Response> serve(Request request) {
    return serve(request, segments(request.path()), request.path().endsWith("/"));
  }

  /**
   * {@return a future of the response for {@code request}, serving the file at {@code path} under
   * the root} For a mount under a prefix: {@code path} is the rest of the request's path, already
   * percent-decoded, as a router's tail parameter gives it ({@code get("/static/{*file}",
   * path("file"))}), and is not decoded again, so {@code /static/100%25.txt} serves {@code
   * 100%.txt} and {@code /static/%2541.txt} serves {@code %41.txt}, not {@code A.txt}. The checks
   * of {@link #serve(Request)} apply to its segments; the request gives the method and the
   * conditional headers.
   *
   * @param request the request
   * @param path the file's path under the root, decoded; {@code ""} or a trailing {@code /} names a
   *     directory
   */
  public Future<Response> serve(Request request, String path) {
    java.util.Objects.requireNonNull(path, "path");
    String rel = path.startsWith("/") ? path.substring(1) : path;
    return serve(request, checked(rel.split("/", -1), false), rel.isEmpty() || rel.endsWith("/"));
  }

  private Future<Response> serve(Request request, List<String> segments, boolean dirOnly) {
    Method m = request.method();
    if (!m.equals(Method.GET) && !m.equals(Method.HEAD)) {
      return Futures.ready(
          Response.text("method not allowed\n")
              .status(Status.METHOD_NOT_ALLOWED)
              .header("allow", "GET, HEAD"));
    }
    if (segments == null) return Futures.ready(notFound());
    Headers h = request.headers().copy();
    boolean head = m.equals(Method.HEAD);
    return Futures.<Response>lazy(
            () -> Task.spawnBlocking(() -> lookUp(segments, dirOnly, h, head)))
        .recover(e -> Response.text("internal error\n").status(Status.INTERNAL_SERVER_ERROR));
  }

  /** {@return the decoded segments of {@code path}, or null if the path must be refused} */
  static List<String> segments(String path) {
    if (path == null || !path.startsWith("/")) return null;
    return checked(path.substring(1).split("/", -1), true);
  }

  /**
   * {@return the segments, percent-decoded first if {@code decode}, or null if one must be refused}
   */
  private static List<String> checked(String[] segments, boolean decode) {
    List<String> out = new ArrayList<>();
    for (String raw : segments) {
      String s = decode ? percentDecode(raw) : raw;
      if (s == null) return null;
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.startsWith("..")) return null;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '/' || c == '\\' || c == ':' || c == 0) return null;
      }
      out.add(s);
    }
    return out;
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) return s;
    byte[] buf = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) return null;
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return null;
        buf[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else if (c < 0x80) {
        buf[n++] = (byte) c;
      } else {
        return null; // the server hands us ASCII targets
      }
    }
    java.nio.charset.CharsetDecoder d =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      return d.decode(java.nio.ByteBuffer.wrap(buf, 0, n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  private static Response notFound() {
    return Response.text("not found\n").status(Status.NOT_FOUND);
  }

  private Response lookUp(List<String> segments, boolean dirOnly, Headers h, boolean head)
      throws IOException {
    Path realRoot;
    Path real;
    try {
      realRoot = root.toRealPath();
      Path target = root;
      for (String s : segments) target = target.resolve(s);
      real = target.toRealPath();
      if (!real.startsWith(realRoot)) return notFound();
      if (Files.isDirectory(real)) {
        real = real.resolve("index.html").toRealPath();
        if (!real.startsWith(realRoot)) return notFound();
      } else if (dirOnly) {
        return notFound(); // "/file.txt/"
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return notFound();
    }
    String typeName = real.getFileName().toString();
    String coding = null;
    if (precompressed
        && !h.contains("range")
        && io.kyoto.web.route.Compression.accepts(h.get("accept-encoding"), "gzip")) {
      Path gz = gzipSibling(real, realRoot);
      if (gz != null) {
        real = gz;
        coding = "gzip";
      }
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return notFound();
    }
    if (!attrs.isRegularFile() || !Files.isReadable(real)) return notFound();
    long size = attrs.size();
    Instant modified = attrs.lastModifiedTime().toInstant();
    String etag =
        "W/\""
            + Long.toHexString(size)
            + "-"
            + Long.toHexString(modified.getEpochSecond())
            + "."
            + Integer.toHexString(modified.getNano())
            + (coding != null ? "-" + coding : "")
            + "\"";
    String lastModified = HTTP_DATE.format(modified);
    long modifiedSecond = modified.getEpochSecond();

    Headers out = new Headers();
    out.add("etag", etag).add("last-modified", lastModified);
    if (precompressed) out.add("vary", "Accept-Encoding");

    // Conditionals (RFC 9110 section 13.2.2 order).
    List<String> ifMatch = h.getAll("if-match");
    if (!ifMatch.isEmpty() && !strongMatch(ifMatch, etag)) {
      return new Response(Status.PRECONDITION_FAILED, out, Body.empty());
    }
    String ius = h.get("if-unmodified-since");
    if (ius != null && ifMatch.isEmpty()) {
      Instant t = parseDate(ius);
      if (t != null && modifiedSecond > t.getEpochSecond()) {
        return new Response(Status.PRECONDITION_FAILED, out, Body.empty());
      }
    }
    String inm = h.get("if-none-match");
    if (inm != null) {
      if (etagMatches(inm, etag)) return new Response(Status.NOT_MODIFIED, out, Body.empty());
    } else {
      String ims = h.get("if-modified-since");
      if (ims != null) {
        Instant t = parseDate(ims);
        if (t != null && modifiedSecond <= t.getEpochSecond()) {
          return new Response(Status.NOT_MODIFIED, out, Body.empty());
        }
      }
    }

    out.add("content-type", contentType(typeName));
    if (coding != null) {
      out.add("content-encoding", coding);
    } else {
      out.add("accept-ranges", "bytes");
    }
    long start = 0;
    long length = size;
    Status status = Status.OK;
    String range = h.get("range");
    if (range != null && ifRangeHolds(h.get("if-range"), modifiedSecond)) {
      long[] r = parseRange(range, size);
      if (r == UNSATISFIABLE) {
        out.add("content-range", "bytes */" + size);
        return new Response(Status.RANGE_NOT_SATISFIABLE, out, Body.empty());
      }
      if (r != null) {
        start = r[0];
        length = r[1] - r[0] + 1;
        status = Status.PARTIAL_CONTENT;
        out.add("content-range", "bytes " + r[0] + "-" + r[1] + "/" + size);
      }
    }
    out.add("content-length", Long.toString(length));
    Body body =
        head || length == 0
            ? Body.empty()
            : Body.from(new FileChunks(real, start, length, chunkSize), length);
    return new Response(status, out, body);
  }

  /**
   * {@return the real path of {@code file}'s readable {@code .gz} sibling under the root, or null}
   */
  private static Path gzipSibling(Path file, Path realRoot) {
    try {
      Path gz = file.resolveSibling(file.getFileName() + ".gz").toRealPath();
      if (!gz.startsWith(realRoot) || !Files.isRegularFile(gz) || !Files.isReadable(gz)) {
        return null;
      }
      return gz;
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  private static boolean ifRangeHolds(String ifRange, long modifiedSecond) {
    if (ifRange == null) return true;
    String v = ifRange.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) return false; // our tags are weak
    Instant t = parseDate(v);
    return t != null && t.getEpochSecond() == modifiedSecond;
  }

  /** {@code If-Match}: {@code *}, or a strong tag equal to ours (ours are weak: never). */
  private static boolean strongMatch(List<String> fields, String etag) {
    for (String field : fields) {
      for (String part : field.split(",")) {
        String p = part.trim();
        if (p.equals("*") || (!p.startsWith("W/") && !etag.startsWith("W/") && p.equals(etag))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean etagMatches(String header, String etag) {
    String ours = stripWeak(etag);
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.equals("*") || stripWeak(p).equals(ours)) return true;
    }
    return false;
  }

  private static String stripWeak(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  private static Instant parseDate(String s) {
    try {
      return ZonedDateTime.parse(s.trim(), HTTP_DATE).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** {@return the HTTP date (IMF-fixdate) for {@code instant}} */
  static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant);
  }

  static final long[] UNSATISFIABLE = new long[0];

  /**
   * Parses a single byte range. Returns {first, last} (inclusive), {@link #UNSATISFIABLE}, or null
   * when the header must be ignored (another unit, several ranges, bad syntax).
   */
  static long[] parseRange(String header, long size) {
    String v = header.trim();
    if (!v.regionMatches(true, 0, "bytes=", 0, 6)) return null;
    String spec = v.substring(6).trim();
    if (spec.indexOf(',') >= 0) return null;
    int dash = spec.indexOf('-');
    if (dash < 0) return null;
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        if (b.isEmpty() || !digits(b)) return null;
        long n = Long.parseLong(b);
        if (n == 0 || size == 0) return UNSATISFIABLE;
        return new long[] {Math.max(0, size - n), size - 1};
      }
      if (!digits(a) || (!b.isEmpty() && !digits(b))) return null;
      long first = Long.parseLong(a);
      if (!b.isEmpty() && Long.parseLong(b) < first) return null; // invalid: ignore
      if (first >= size) return UNSATISFIABLE;
      long last = b.isEmpty() ? size - 1 : Long.parseLong(b);
      return new long[] {first, Math.min(last, size - 1)};
    } catch (NumberFormatException e) {
      return null; // too long to be a byte position: ignore the header
    }
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return !s.isEmpty();
  }

  @Override
  public String toString() {
    return "StaticFiles[" + root + "]";
  }
}
