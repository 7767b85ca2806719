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
}
