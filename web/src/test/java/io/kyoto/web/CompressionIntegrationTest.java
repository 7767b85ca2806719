package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.web.route.Compression;
import io.kyoto.web.route.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Compression} in a real server, read by curl and the JDK's HttpClient. */
@Timeout(60)
class CompressionIntegrationTest {
  static final String TEXT = "Kyoto compresses what a client accepts. ".repeat(2000); // 80 KB

  @Test
  void curlDecodesWholeAndStreamedBodiesAndSeesTheHeaders() throws Exception {
    CurlTest.curlPresent();
    var app =
        Router.create()
            .get("/whole")
            .handle(req -> Response.text(TEXT.substring(0, 20_000)))
            .get("/big")
            .handle(req -> Response.text(TEXT))
            .with(Compression.create())
            .build();
    try (ServerHarness h = new ServerHarness(app)) {
      assertEquals(TEXT.substring(0, 20_000), CurlTest.curl(null, "--compressed", h.url("/whole")));
      assertEquals(TEXT, CurlTest.curl(null, "--compressed", h.url("/big")));
      String head =
          CurlTest.curl(null, "-sS", "-o", "/dev/null", "-D", "-", "--compressed", h.url("/whole"))
              .toLowerCase(Locale.ROOT);
      assertTrue(head.contains("content-encoding: gzip"), head);
      assertTrue(head.contains("vary: accept-encoding"), head);
      String len = head.replaceAll("(?s).*content-length: (\\d+).*", "$1");
      int packed = Integer.parseInt(len);
      assertTrue(packed < 2000, head);
      // HEAD gets the GET's headers, with the compressed length, and no body.
      String headOnly =
          CurlTest.curl(null, "-sS", "-I", "-H", "Accept-Encoding: gzip", h.url("/whole"))
              .toLowerCase(Locale.ROOT);
      assertTrue(headOnly.contains("content-encoding: gzip"), headOnly);
      assertTrue(headOnly.contains("content-length: " + packed), headOnly);
      String big =
          CurlTest.curl(null, "-sS", "-o", "/dev/null", "-D", "-", "--compressed", h.url("/big"))
              .toLowerCase(Locale.ROOT);
      assertTrue(big.contains("transfer-encoding: chunked"), big);
      // Without Accept-Encoding: the plain bytes, still marked as varying.
      String plain =
          CurlTest.curl(null, "-sS", "-D", "-", h.url("/whole")).toLowerCase(Locale.ROOT);
      assertTrue(plain.contains("content-length: 20000"), plain);
      assertTrue(plain.contains("vary: accept-encoding"), plain);
      assertTrue(!plain.contains("content-encoding"), plain);
    }
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') line.append((char) b);
    return b < 0 && line.isEmpty() ? null : line.toString();
  }

  @Test
  void aSlowStreamReachesTheClientPieceByPieceThroughTheCompressor() throws Exception {
    AtomicReference<Mpsc.UnboundedSender<ByteBuffer>> feed = new AtomicReference<>();
    var app =
        Router.create()
            .get("/feed")
            .handle(
                req -> {
                  var ch = Mpsc.<ByteBuffer>unboundedChannel();
                  feed.set(ch.tx());
                  return Response.ok()
                      .header("content-type", "text/plain")
                      .body(Body.from(ch.rx().stream()));
                })
            .with(Compression.create())
            .build();
    try (ServerHarness h = new ServerHarness(app)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<java.io.InputStream> res =
          client.send(
              HttpRequest.newBuilder(URI.create(h.url("/feed")))
                  .header("Accept-Encoding", "gzip")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, res.statusCode());
      assertEquals("gzip", res.headers().firstValue("content-encoding").orElse(null));
      assertNull(res.headers().firstValue("content-length").orElse(null));
      // Each line must be readable before the next is produced: nothing waits in the deflater.
      feed.get().send(ByteBuffer.wrap("one\n".getBytes(StandardCharsets.UTF_8)));
      // Byte by byte: a Reader would ask the gzip stream for more than is there and wait.
      try (GZIPInputStream lines = new GZIPInputStream(res.body(), 64)) {
        assertEquals("one", readLine(lines));
        feed.get().send(ByteBuffer.wrap("two\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("two", readLine(lines));
        feed.get().close();
        assertNull(readLine(lines), "the gzip trailer ends the stream");
      }
    }
  }

  @Test
  void kyotosClientAsksForAndDecodesCompressedBodies() throws Exception {
    var app =
        Router.create()
            .get("/t")
            .handle(
                req ->
                    Response.text(TEXT)
                        .header(
                            "x-seen-accept-encoding",
                            String.valueOf(req.header("accept-encoding"))))
            .with(Compression.create())
            .build();
    try (ServerHarness h = new ServerHarness(app);
        io.kyoto.web.HttpClient decoding =
            io.kyoto.web.HttpClient.builder().decompress(true).build();
        io.kyoto.web.HttpClient plain = io.kyoto.web.HttpClient.create()) {
      Response r = h.rt.blockOn(decoding.get(h.url("/t")));
      assertEquals("gzip, deflate", r.header("x-seen-accept-encoding"));
      assertNull(r.header("content-encoding"));
      assertNull(r.header("content-length"));
      assertEquals(TEXT, h.rt.blockOn(r.body().string()));

      // A request that sets Accept-Encoding itself gets the bytes as they came.
      Response raw =
          h.rt.blockOn(
              decoding.send(Request.get(h.url("/t")).header("accept-encoding", "deflate")));
      assertEquals("deflate", raw.header("content-encoding"));
      byte[] deflated = h.rt.blockOn(raw.body().bytes());
      try (var in =
          new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(deflated))) {
        assertEquals(TEXT, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }

      // Off by default: nothing asked, nothing decoded.
      Response off = h.rt.blockOn(plain.get(h.url("/t")));
      assertEquals("null", off.header("x-seen-accept-encoding"));
      assertEquals(TEXT, h.rt.blockOn(off.body().string()));
    }
  }

  @Test
  void compressedUploadsAreDecodedForTheRoutesAndOtherCodingsRefused() throws Exception {
    CurlTest.curlPresent();
    var app =
        Router.create()
            .post("/upload", io.kyoto.web.route.Filters.string())
            .handle(
                (req, body) ->
                    Response.text(
                        body.length()
                            + " "
                            + req.header("content-encoding")
                            + " "
                            + body.substring(0, 20)))
            .with(io.kyoto.web.route.Decompression.create())
            .build();
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kyoto-gz");
    try (ServerHarness h = new ServerHarness(app)) {
      java.nio.file.Path gz = dir.resolve("body.gz");
      try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gz))) {
        out.write(TEXT.getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(
          TEXT.length() + " null " + TEXT.substring(0, 20),
          CurlTest.curl(
              null,
              "--data-binary",
              "@" + gz,
              "-H",
              "Content-Encoding: gzip",
              "-H",
              "Content-Type: text/plain",
              h.url("/upload")));
      String refused =
          CurlTest.curl(
              null, "-i", "--data-binary", "abc", "-H", "Content-Encoding: br", h.url("/upload"));
      assertTrue(refused.startsWith("HTTP/1.1 415 "), refused);
      assertTrue(
          refused.toLowerCase(Locale.ROOT).contains("accept-encoding: gzip, deflate"), refused);
      String corrupt =
          CurlTest.curl(
              null,
              "-i",
              "--data-binary",
              "this is not gzip",
              "-H",
              "Content-Encoding: gzip",
              h.url("/upload"));
      assertTrue(corrupt.startsWith("HTTP/1.1 400 "), corrupt);
      assertTrue(corrupt.contains("not in gzip format"), corrupt);
      // An upload is strict about what follows its last member: other decoders would read the
      // junk differently (the JDK ignores it, Go refuses it).
      java.nio.file.Path junk = dir.resolve("junk.gz");
      java.nio.file.Files.write(
          junk,
          java.util.Arrays.copyOf(
              java.nio.file.Files.readAllBytes(gz), (int) java.nio.file.Files.size(gz) + 3));
      String trailing =
          CurlTest.curl(
              null,
              "-i",
              "--data-binary",
              "@" + junk,
              "-H",
              "Content-Encoding: gzip",
              "-H",
              "Content-Type: text/plain",
              h.url("/upload"));
      assertTrue(trailing.startsWith("HTTP/1.1 400 "), trailing);
      assertTrue(trailing.contains("trailing bytes after the gzip data"), trailing);
    } finally {
      try (var files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
