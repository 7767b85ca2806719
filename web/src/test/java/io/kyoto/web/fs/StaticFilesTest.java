package io.kyoto.web.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Runtime;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Static file serving from a temporary directory. */
@Timeout(60)
class StaticFilesTest {
  @TempDir Path tmp;
  Path root;
  Runtime rt;
  StaticFiles files;
  static final Instant MTIME = Instant.parse("2024-05-06T07:08:09Z");

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectory(tmp.resolve("root"));
    Files.writeString(root.resolve("hello.txt"), "hello world");
    Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(MTIME));
    Files.createDirectory(root.resolve("site"));
    Files.writeString(root.resolve("site/index.html"), "<h1>hi</h1>");
    Files.createDirectory(root.resolve("empty-dir"));
    Files.writeString(tmp.resolve("secret.txt"), "top secret");
    rt = Runtime.builder().currentThread().enableTime().build();
    files = StaticFiles.dir(root);
  }

  @AfterEach
  void tearDown() {
    rt.close();
  }

  private Response serve(Request req) throws Exception {
    return rt.blockOn(files.serve(req));
  }

  private Response get(String target) throws Exception {
    return serve(Request.get(target));
  }

  private String body(Response r) throws Exception {
    return rt.blockOn(r.body().string());
  }

  @Test
  void servesAFile() throws Exception {
    Response r = get("/hello.txt");
    assertEquals(200, r.status().code());
    assertEquals("text/plain; charset=utf-8", r.header("content-type"));
    assertEquals("11", r.header("content-length"));
    assertEquals(11, r.body().contentLength());
    assertEquals("bytes", r.header("accept-ranges"));
    assertEquals("Mon, 06 May 2024 07:08:09 GMT", r.header("last-modified"));
    assertTrue(r.header("etag").startsWith("W/\""), r.header("etag"));
    assertEquals("hello world", body(r));
  }

  /**
   * Mounted under a router prefix, the decoded tail is served as it is: before, the only way was a
   * new request with the decoded tail as its path, decoded again, so {@code 100%.txt} could not be
   * reached and {@code %41.txt} served {@code A.txt}.
   */
  @Test
  void aDecodedPathUnderAPrefixIsNotDecodedAgain() throws Exception {
    Files.writeString(root.resolve("100%.txt"), "percent");
    Files.writeString(root.resolve("%41.txt"), "literal pct41");
    Files.writeString(root.resolve("A.txt"), "AAA");
    Request req = Request.get("/static/whatever");
    assertEquals("percent", body(rt.blockOn(files.serve(req, "100%.txt"))));
    assertEquals("literal pct41", body(rt.blockOn(files.serve(req, "%41.txt"))));
    assertEquals("AAA", body(rt.blockOn(files.serve(req, "/A.txt"))));
    assertEquals("<h1>hi</h1>", body(rt.blockOn(files.serve(req, "site/"))));
    assertEquals("<h1>hi</h1>", body(rt.blockOn(files.serve(req, "site"))));
    for (String refused : new String[] {"../secret.txt", "site/../../secret.txt", "a\\b", "c:x"}) {
      assertEquals(404, rt.blockOn(files.serve(req, refused)).status().code(), refused);
    }
    assertEquals(
        405, rt.blockOn(files.serve(Request.of(Method.POST, "/x"), "A.txt")).status().code());
  }

  @Test
  void headHasHeadersButNoBody() throws Exception {
    Response r = serve(Request.of(Method.HEAD, "/hello.txt"));
    assertEquals(200, r.status().code());
    assertEquals("11", r.header("content-length"));
    assertEquals("", body(r));
  }

  @Test
  void otherMethodsAre405() throws Exception {
    Response r = serve(Request.of(Method.POST, "/hello.txt"));
    assertEquals(405, r.status().code());
    assertEquals("GET, HEAD", r.header("allow"));
  }

  @Test
  void missingIs404() throws Exception {
    assertEquals(404, get("/nope.txt").status().code());
    assertEquals(404, get("/site/nope/deeper").status().code());
    assertEquals(404, get("/empty-dir/").status().code(), "a directory without index.html");
    assertEquals(404, get("/hello.txt/").status().code(), "a file is not a directory");
    Response absentRoot =
        rt.blockOn(StaticFiles.dir(tmp.resolve("absent")).serve(Request.get("/x")));
    assertEquals(404, absentRoot.status().code());
  }

  @Test
  void directoryServesIndexHtml() throws Exception {
    for (String t : List.of("/site", "/site/", "/site/index.html")) {
      Response r = get(t);
      assertEquals(200, r.status().code(), t);
      assertEquals("text/html; charset=utf-8", r.header("content-type"));
      assertEquals("<h1>hi</h1>", body(r));
    }
  }

  @Test
  void traversalIsRefused() throws Exception {
    for (String t :
        List.of(
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/site/../../secret.txt",
            "/site/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/..%5csecret.txt",
            "/hello.txt%00",
            "/C:%5Cwindows",
            "/%zz",
            "/%c3%28",
            "*")) {
      Response r = serve(Request.of(Method.GET, t));
      assertEquals(404, r.status().code(), t);
    }
    assertNull(StaticFiles.segments("/../x"));
    assertNull(StaticFiles.segments("/.../x")); // a parent on some file systems: refused too
    assertEquals(List.of("a", "b c"), StaticFiles.segments("/a/./b%20c/"));
  }

  @Test
  void symlinkOutOfRootIsRefused() throws Exception {
    Path link = root.resolve("escape.txt");
    Path dirLink = root.resolve("outside");
    try {
      Files.createSymbolicLink(link, tmp.resolve("secret.txt"));
      Files.createSymbolicLink(dirLink, tmp);
    } catch (UnsupportedOperationException | java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no symlinks on this file system: " + e);
    }
    assertEquals(404, get("/escape.txt").status().code());
    assertEquals(404, get("/outside/secret.txt").status().code());
    // a link that stays inside the root is fine
    Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("hello.txt"));
    assertEquals("hello world", body(get("/alias.txt")));
  }

  @Test
  void contentTypes() {
    String[][] cases = {
      {"a.html", "text/html; charset=utf-8"},
      {"a.CSS", "text/css; charset=utf-8"},
      {"a.js", "text/javascript; charset=utf-8"},
      {"a.json", "application/json"},
      {"a.svg", "image/svg+xml"},
      {"a.png", "image/png"},
      {"a.jpg", "image/jpeg"},
      {"a.jpeg", "image/jpeg"},
      {"a.gif", "image/gif"},
      {"favicon.ico", "image/x-icon"},
      {"a.txt", "text/plain; charset=utf-8"},
      {"a.wasm", "application/wasm"},
      {"a.woff2", "font/woff2"},
      {"a.bin", "application/octet-stream"},
      {"Makefile", "application/octet-stream"},
    };
    for (String[] c : cases) assertEquals(c[1], StaticFiles.contentType(c[0]), c[0]);
  }

  @Test
  void ifNoneMatchGives304() throws Exception {
    String etag = get("/hello.txt").header("etag");
    Response r = serve(Request.get("/hello.txt").header("If-None-Match", etag));
    assertEquals(304, r.status().code());
    assertEquals(etag, r.header("etag"));
    assertEquals("", body(r));
    String strong = etag.substring(2);
    assertEquals(
        304,
        serve(Request.get("/hello.txt").header("If-None-Match", "\"x\", " + strong))
            .status()
            .code());
    assertEquals(
        304, serve(Request.get("/hello.txt").header("If-None-Match", "*")).status().code());
    assertEquals(
        200, serve(Request.get("/hello.txt").header("If-None-Match", "\"other\"")).status().code());
  }

  @Test
  void ifModifiedSinceGives304() throws Exception {
    Response r =
        serve(
            Request.get("/hello.txt").header("If-Modified-Since", "Mon, 06 May 2024 07:08:09 GMT"));
    assertEquals(304, r.status().code());
    assertEquals(
        304,
        serve(
                Request.get("/hello.txt")
                    .header("If-Modified-Since", "Tue, 07 May 2024 00:00:00 GMT"))
            .status()
            .code());
    assertEquals(
        200,
        serve(
                Request.get("/hello.txt")
                    .header("If-Modified-Since", "Sun, 05 May 2024 00:00:00 GMT"))
            .status()
            .code());
    assertEquals(
        200,
        serve(Request.get("/hello.txt").header("If-Modified-Since", "garbage")).status().code());
    // If-None-Match takes precedence
    assertEquals(
        200,
        serve(
                Request.get("/hello.txt")
                    .header("If-None-Match", "\"other\"")
                    .header("If-Modified-Since", "Tue, 07 May 2024 00:00:00 GMT"))
            .status()
            .code());
  }

  @Test
  void ifUnmodifiedSinceGives412() throws Exception {
    assertEquals(
        412,
        serve(
                Request.get("/hello.txt")
                    .header("If-Unmodified-Since", "Sun, 05 May 2024 00:00:00 GMT"))
            .status()
            .code());
    assertEquals(
        200,
        serve(
                Request.get("/hello.txt")
                    .header("If-Unmodified-Since", "Mon, 06 May 2024 07:08:09 GMT"))
            .status()
            .code());
  }

  @Test
  void ifMatchGives412UnlessItIsAStar() throws Exception {
    // If-Match compares strongly (RFC 9110 section 13.1.1): our weak tag never passes, not even
    // itself; and it takes the place of If-Unmodified-Since, so adding it cannot lift a 412.
    String ours = serve(Request.get("/hello.txt")).header("etag");
    String unmodifiedBefore = "Sun, 05 May 2024 00:00:00 GMT"; // alone: 412
    for (String ifMatch : List.of("\"no-such-tag\"", ours, "\"a\", " + ours)) {
      assertEquals(
          412,
          serve(Request.get("/hello.txt").header("If-Match", ifMatch)).status().code(),
          ifMatch);
      assertEquals(
          412,
          serve(
                  Request.get("/hello.txt")
                      .header("If-Match", ifMatch)
                      .header("If-Unmodified-Since", unmodifiedBefore))
              .status()
              .code(),
          ifMatch);
    }
    assertEquals(200, serve(Request.get("/hello.txt").header("If-Match", "*")).status().code());
  }

  private Response range(String value) throws Exception {
    return serve(Request.get("/hello.txt").header("Range", value));
  }

  @Test
  void singleRanges() throws Exception {
    Response r = range("bytes=0-4");
    assertEquals(206, r.status().code());
    assertEquals("bytes 0-4/11", r.header("content-range"));
    assertEquals("5", r.header("content-length"));
    assertEquals("hello", body(r));

    r = range("bytes=6-");
    assertEquals("bytes 6-10/11", r.header("content-range"));
    assertEquals("world", body(r));

    r = range("bytes=-3");
    assertEquals("bytes 8-10/11", r.header("content-range"));
    assertEquals("rld", body(r));

    r = range("bytes=6-100");
    assertEquals("bytes 6-10/11", r.header("content-range"), "end clamped to the size");
    assertEquals("world", body(r));

    r = range("bytes=-100");
    assertEquals("bytes 0-10/11", r.header("content-range"));
    assertEquals("hello world", body(r));
  }

  @Test
  void unsatisfiableRangeIs416() throws Exception {
    for (String v : List.of("bytes=11-", "bytes=100-200", "bytes=-0")) {
      Response r = range(v);
      assertEquals(416, r.status().code(), v);
      assertEquals("bytes */11", r.header("content-range"), v);
    }
  }

  @Test
  void multipleOrMalformedRangesAreIgnored() throws Exception {
    for (String v : List.of("bytes=0-1,3-4", "items=0-1", "bytes=5-2", "bytes=x-", "bytes")) {
      Response r = range(v);
      assertEquals(200, r.status().code(), v);
      assertNull(r.header("content-range"), v);
      assertEquals("hello world", body(r), v);
    }
  }

  @Test
  void ifRangeWithMatchingDateAppliesTheRange() throws Exception {
    Request ok =
        Request.get("/hello.txt")
            .header("Range", "bytes=0-4")
            .header("If-Range", "Mon, 06 May 2024 07:08:09 GMT");
    assertEquals(206, serve(ok).status().code());
    Request stale =
        Request.get("/hello.txt")
            .header("Range", "bytes=0-4")
            .header("If-Range", "Sun, 05 May 2024 00:00:00 GMT");
    assertEquals(200, serve(stale).status().code());
  }

  @Test
  void largeFileIsStreamedInChunks() throws Exception {
    byte[] data = new byte[200 * 1024 + 17];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + (i >> 9));
    Files.write(root.resolve("big.bin"), data);
    Response r = get("/big.bin");
    assertEquals("application/octet-stream", r.header("content-type"));
    assertEquals(data.length, r.body().contentLength());
    List<ByteBuffer> chunks = rt.blockOn(r.body().toList());
    assertEquals(4, chunks.size(), "64 KiB chunks");
    ByteBuffer all = ByteBuffer.allocate(data.length);
    for (ByteBuffer c : chunks) {
      assertTrue(c.remaining() <= StaticFiles.DEFAULT_CHUNK_SIZE);
      all.put(c);
    }
    assertArrayEquals(data, all.array());

    Response part =
        rt.blockOn(
            files
                .withChunkSize(1000)
                .serve(Request.get("/big.bin").header("Range", "bytes=70000-72499")));
    assertEquals(206, part.status().code());
    List<ByteBuffer> pc = rt.blockOn(part.body().toList());
    assertEquals(3, pc.size());
    byte[] got = new byte[2500];
    int at = 0;
    for (ByteBuffer c : pc) {
      int n = c.remaining();
      c.get(got, at, n);
      at += n;
    }
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 70000, 72500), got);
  }

  @Test
  void emptyFile() throws Exception {
    Files.write(root.resolve("empty.json"), new byte[0]);
    Response r = get("/empty.json");
    assertEquals(200, r.status().code());
    assertEquals("0", r.header("content-length"));
    assertEquals("application/json", r.header("content-type"));
    assertEquals(
        416, serve(Request.get("/empty.json").header("Range", "bytes=0-")).status().code());
    assertNotNull(r.header("etag"));
  }

  @Test
  void httpDateFormat() {
    assertEquals(
        "Thu, 01 Jan 1970 00:00:00 GMT", StaticFiles.httpDate(Instant.EPOCH), "two-digit day");
  }

  @Test
  void aPrecompressedSiblingIsServedToClientsThatAcceptGzip() throws Exception {
    Files.writeString(root.resolve("app.js"), "console.log('plain');".repeat(50));
    byte[] packed;
    var bytes = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write(
          "console.log('packed');".repeat(50).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    packed = bytes.toByteArray();
    Files.write(root.resolve("app.js.gz"), packed);
    files = StaticFiles.dir(root).withPrecompressed(true);

    Response gz = serve(Request.get("/app.js").header("accept-encoding", "br, gzip;q=0.8"));
    assertEquals(200, gz.status().code());
    assertEquals("gzip", gz.header("content-encoding"));
    assertEquals("text/javascript; charset=utf-8", gz.header("content-type"));
    assertEquals("Accept-Encoding", gz.header("vary"));
    assertEquals(Long.toString(packed.length), gz.header("content-length"));
    assertEquals(null, gz.header("accept-ranges"));
    assertTrue(gz.header("etag").endsWith("-gzip\""), gz.header("etag"));
    assertArrayEquals(packed, rt.blockOn(gz.body().bytes()));
    // Revalidating the compressed variant gives 304 with its own tag.
    Response again =
        serve(
            Request.get("/app.js")
                .header("accept-encoding", "gzip")
                .header("if-none-match", gz.header("etag")));
    assertEquals(304, again.status().code());

    for (Request plain :
        java.util.List.of(
            Request.get("/app.js"),
            Request.get("/app.js").header("accept-encoding", "gzip;q=0, deflate"),
            Request.get("/app.js")
                .header("accept-encoding", "gzip")
                .header("range", "bytes=0-9"))) {
      Response r = serve(plain);
      assertEquals(null, r.header("content-encoding"), plain.headers().toString());
      assertEquals("Accept-Encoding", r.header("vary"));
      assertTrue(body(r).startsWith("console.lo"), plain.headers().toString());
    }
    // Without the option the .gz file is just another file.
    files = StaticFiles.dir(root);
    Response off = serve(Request.get("/app.js").header("accept-encoding", "gzip"));
    assertEquals(null, off.header("content-encoding"));
    assertEquals(null, off.header("vary"));
    // A file without a sibling is served as it is.
    files = StaticFiles.dir(root).withPrecompressed(true);
    assertEquals(
        "hello world", body(serve(Request.get("/hello.txt").header("accept-encoding", "gzip"))));
  }

  @Test
  void aPrecompressedSiblingOutsideTheRootIsIgnoredAndEachVariantRevalidatesAgainstItsOwnTag()
      throws Exception {
    Files.writeString(root.resolve("lib.js"), "plain();".repeat(40));
    var bytes = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write("secret();".repeat(40).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Files.write(tmp.resolve("outside.js.gz"), bytes.toByteArray());
    Files.createSymbolicLink(root.resolve("lib.js.gz"), tmp.resolve("outside.js.gz"));
    files = StaticFiles.dir(root).withPrecompressed(true);
    Response r = serve(Request.get("/lib.js").header("accept-encoding", "gzip"));
    assertEquals(null, r.header("content-encoding"), "the sibling resolves outside the root");
    assertEquals("plain();".repeat(40), body(r));

    // A sibling inside the root: HEAD has the variant's headers and no body.
    Files.delete(root.resolve("lib.js.gz"));
    Files.write(root.resolve("lib.js.gz"), bytes.toByteArray());
    Response head =
        serve(
            new Request(Method.HEAD, "/lib.js", new io.kyoto.web.Headers())
                .header("accept-encoding", "gzip"));
    assertEquals("gzip", head.header("content-encoding"));
    assertEquals(Long.toString(bytes.size()), head.header("content-length"));
    assertEquals(0, rt.blockOn(head.body().bytes()).length);
    Response plain = serve(Request.get("/lib.js"));
    String gzTag = head.header("etag");
    String plainTag = plain.header("etag");
    assertTrue(!gzTag.equals(plainTag), gzTag + " " + plainTag);
    // Each tag matches its own variant only.
    assertEquals(
        304,
        serve(
                Request.get("/lib.js")
                    .header("accept-encoding", "gzip")
                    .header("if-none-match", gzTag))
            .status()
            .code());
    assertEquals(
        200,
        serve(
                Request.get("/lib.js")
                    .header("accept-encoding", "gzip")
                    .header("if-none-match", plainTag))
            .status()
            .code());
    assertEquals(
        304, serve(Request.get("/lib.js").header("if-none-match", plainTag)).status().code());
    assertEquals(200, serve(Request.get("/lib.js").header("if-none-match", gzTag)).status().code());
  }
}
