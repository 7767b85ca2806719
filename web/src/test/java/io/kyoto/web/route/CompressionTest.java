package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.stream.Streams;
import io.kyoto.web.Body;
import io.kyoto.web.Method;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

class CompressionTest {
  /** About 40 KiB of text that compresses well. */
  static final String TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(900);

  static byte[] gunzip(byte[] b) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  static byte[] inflate(byte[] b) throws IOException {
    try (var in = new InflaterInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  private static TestClient client(Router router) {
    return TestClient.of(router.with(Compression.create()).build());
  }

  @Test
  void acceptEncodingIsNegotiatedWithQualityValues() {
    Compression c = Compression.create();
    assertNull(c.negotiate(null));
    assertNull(c.negotiate(""));
    assertEquals("gzip", c.negotiate("gzip"));
    assertEquals("gzip", c.negotiate("gzip, deflate, br"));
    assertEquals("gzip", c.negotiate("deflate, gzip")); // a tie goes to the configured order
    assertEquals("deflate", c.negotiate("gzip;q=0.5, deflate"));
    assertEquals("deflate", c.negotiate("deflate"));
    assertEquals("gzip", c.negotiate("x-gzip"));
    assertEquals("gzip", c.negotiate("GZIP ; Q=1.0"));
    assertEquals("gzip", c.negotiate("*"));
    assertEquals("deflate", c.negotiate("*, gzip;q=0"));
    assertNull(c.negotiate("gzip;q=0, deflate;q=0"));
    assertNull(c.negotiate("*;q=0"));
    assertNull(c.negotiate("br, zstd"));
    assertNull(c.negotiate("identity"));
    assertEquals("deflate", c.negotiate("gzip;q=2, deflate")); // a malformed q drops its element
    assertEquals("deflate", c.negotiate("gzip;q=0.0001, deflate"));
    assertEquals("gzip", c.negotiate("gzip;q=0.001"));
    Compression deflateFirst = Compression.builder().encodings("deflate", "gzip").build();
    assertEquals("deflate", deflateFirst.negotiate("gzip, deflate"));
    assertEquals("gzip", deflateFirst.negotiate("gzip;q=1, deflate;q=0.9"));
  }

  @Test
  void builderRejectsBadSettings() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> Compression.builder().encodings("br"));
    assertEquals("unsupported coding 'br': Compression offers gzip and deflate", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Compression.builder().encodings());
    assertThrows(
        IllegalArgumentException.class, () -> Compression.builder().encodings("gzip", "GZIP"));
    assertThrows(IllegalArgumentException.class, () -> Compression.builder().level(0));
    assertThrows(IllegalArgumentException.class, () -> Compression.builder().level(10));
    assertThrows(IllegalArgumentException.class, () -> Compression.builder().minSize(-1));
    assertThrows(IllegalArgumentException.class, () -> Compression.builder().exclude(" "));
  }

  @Test
  void aWholeBodyIsGzippedWithItsCompressedLength() throws Exception {
    Router r =
        Router.create()
            .get("/t")
            .handle(
                req ->
                    Response.text(TEXT).header("etag", "\"v1\"").header("accept-ranges", "bytes"));
    try (TestClient c = client(r)) {
      TestResponse res = c.request(Method.GET, "/t").header("Accept-Encoding", "gzip").send();
      assertEquals(200, res.status());
      assertEquals("gzip", res.header("content-encoding"));
      assertEquals("Accept-Encoding", res.header("vary"));
      assertEquals("W/\"v1\"", res.header("etag"));
      assertNull(res.header("accept-ranges"));
      byte[] packed = res.bytes();
      assertTrue(packed.length < TEXT.length() / 10, "compressed to " + packed.length);
      assertEquals(packed.length, res.response().body().contentLength());
      assertEquals(TEXT, new String(gunzip(packed), StandardCharsets.UTF_8));

      TestResponse plain = c.get("/t");
      assertNull(plain.header("content-encoding"));
      assertEquals("Accept-Encoding", plain.header("vary"), "the answer varies all the same");
      assertEquals("\"v1\"", plain.header("etag"));
      assertEquals(TEXT, plain.text());

      TestResponse deflated =
          c.request(Method.GET, "/t").header("Accept-Encoding", "deflate").send();
      assertEquals("deflate", deflated.header("content-encoding"));
      assertEquals(TEXT, new String(inflate(deflated.bytes()), StandardCharsets.UTF_8));
    }
  }

  @Test
  void responsesThatMustNotOrNeedNotBeCompressedPassUntouched() throws Exception {
    byte[] png = new byte[4096];
    Router r =
        Router.create()
            .get("/small")
            .handle(req -> Response.text("tiny"))
            .get("/png")
            .handle(req -> Response.bytes(png, "image/png"))
            .get("/svg")
            .handle(req -> Response.bytes(TEXT.getBytes(StandardCharsets.UTF_8), "image/svg+xml"))
            .get("/sse")
            .handle(
                req -> Response.bytes(TEXT.getBytes(StandardCharsets.UTF_8), "text/event-stream"))
            .get("/encoded")
            .handle(req -> Response.text(TEXT).header("content-encoding", "br"))
            .get("/notransform")
            .handle(req -> Response.text(TEXT).header("cache-control", "public, no-transform"))
            .get("/partial")
            .handle(
                req ->
                    Response.text(TEXT)
                        .status(Status.of(206))
                        .header("content-range", "bytes 0-9/100"))
            .get("/nocontent")
            .handle(req -> Response.of(Status.NO_CONTENT));
    try (TestClient c = client(r)) {
      for (String path :
          List.of("/small", "/png", "/sse", "/encoded", "/notransform", "/partial", "/nocontent")) {
        TestResponse res = c.request(Method.GET, path).header("Accept-Encoding", "gzip").send();
        String enc = res.header("content-encoding");
        assertTrue(enc == null || enc.equals("br"), path + ": " + enc);
        assertNull(res.header("vary"), path);
      }
      TestResponse svg = c.request(Method.GET, "/svg").header("Accept-Encoding", "gzip").send();
      assertEquals("gzip", svg.header("content-encoding"));
      assertEquals(TEXT, new String(gunzip(svg.bytes()), StandardCharsets.UTF_8));
    }
    Compression strict = Compression.builder().minSize(1 << 20).exclude("text/plain").build();
    try (TestClient c =
        TestClient.of(
            Router.create()
                .get("/t")
                .handle(req -> Response.text(TEXT))
                .get("/j")
                .handle(req -> Response.json("[" + "1,".repeat(20_000) + "1]"))
                .with(strict)
                .build())) {
      assertNull(
          c.request(Method.GET, "/t")
              .header("Accept-Encoding", "gzip")
              .send()
              .header("content-encoding"));
      assertNull(
          c.request(Method.GET, "/j")
              .header("Accept-Encoding", "gzip")
              .send()
              .header("content-encoding"),
          "40 KB is below the 1 MiB minimum");
    }
  }

  @Test
  void incompressibleWholeBodiesAreSentAsTheyAre() throws Exception {
    byte[] noise = new byte[8192];
    new Random(7).nextBytes(noise);
    try (TestClient c =
        client(
            Router.create()
                .get("/n")
                .handle(req -> Response.bytes(noise, "application/octet-stream")))) {
      TestResponse res = c.request(Method.GET, "/n").header("Accept-Encoding", "gzip").send();
      assertNull(res.header("content-encoding"));
      assertEquals("Accept-Encoding", res.header("vary"));
      assertArrayEquals(noise, res.bytes());
    }
  }

  @Test
  void aStreamedBodyIsCompressedAsItIsRead() throws Exception {
    List<ByteBuffer> chunks = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    Random rnd = new Random(3);
    for (int i = 0; i < 200; i++) {
      byte[] b = ("line " + i + " " + "x".repeat(rnd.nextInt(9000)) + "\n").getBytes();
      chunks.add(ByteBuffer.wrap(b));
      all.write(b);
    }
    chunks.add(ByteBuffer.allocate(0)); // an empty chunk changes nothing
    byte[] big = ("abc".repeat(200_000)).getBytes(StandardCharsets.US_ASCII); // 600 KB at once
    chunks.add(ByteBuffer.wrap(big));
    all.write(big);
    for (String coding : List.of("gzip", "deflate")) {
      try (TestClient c =
          client(
              Router.create()
                  .get("/s")
                  .handle(req -> Response.ok().body(Body.from(Streams.fromIterable(chunks)))))) {
        TestResponse res = c.request(Method.GET, "/s").header("Accept-Encoding", coding).send();
        assertEquals(coding, res.header("content-encoding"));
        assertEquals(-1, res.response().body().contentLength());
        byte[] plain = coding.equals("gzip") ? gunzip(res.bytes()) : inflate(res.bytes());
        assertArrayEquals(all.toByteArray(), plain);
      }
      chunks.forEach(ByteBuffer::rewind);
    }
  }

  @Test
  void aConstantResponseLargerThanTheWholeLimitCanBeServedManyTimes() throws Exception {
    String large = "0123456789abcdef".repeat(Compression.WHOLE_LIMIT / 8); // 128 KiB
    Response constant = Response.text(large);
    try (TestClient c = client(Router.create().get("/c").handle(req -> constant))) {
      for (int i = 0; i < 3; i++) {
        TestResponse res = c.request(Method.GET, "/c").header("Accept-Encoding", "gzip").send();
        assertEquals("gzip", res.header("content-encoding"));
        assertEquals(large, new String(gunzip(res.bytes()), StandardCharsets.UTF_8), "round " + i);
      }
      assertEquals(large, c.get("/c").text());
    }
  }

  @Test
  void aNotModifiedAnswerCarriesVaryAndTheWeakTag() {
    try (TestClient c =
        client(
            Router.create()
                .get("/e")
                .handle(req -> Response.of(Status.NOT_MODIFIED).header("etag", "\"v2\"")))) {
      TestResponse res = c.request(Method.GET, "/e").header("Accept-Encoding", "gzip").send();
      assertEquals(304, res.status());
      assertEquals("Accept-Encoding", res.header("vary"));
      assertEquals("W/\"v2\"", res.header("etag"));
      assertNull(res.header("content-encoding"));
    }
  }

  @Test
  void aNotModifiedAnswerForARepresentationThatIsNeverRecodedKeepsItsStrongTag() {
    // The 200 for a video (or a no-transform or already encoded body) goes out as it is, strong
    // ETag included; its 304 must carry the same validator (RFC 9110 section 15.4.5), or the
    // browser stores W/"v1" and can no longer resume the download with If-Range.
    try (TestClient c =
        client(
            Router.create()
                .get("/v")
                .handle(
                    req -> {
                      Response r =
                          "\"v1\"".equals(req.header("if-none-match"))
                              ? Response.of(Status.NOT_MODIFIED)
                              : Response.ok().body(Body.of(TEXT));
                      return r.header("content-type", "video/mp4").header("etag", "\"v1\"");
                    })
                .get("/nt")
                .handle(
                    req ->
                        Response.of(Status.NOT_MODIFIED)
                            .header("cache-control", "no-transform")
                            .header("etag", "\"n1\"")))) {
      TestResponse ok = c.request(Method.GET, "/v").header("Accept-Encoding", "gzip").send();
      assertEquals("\"v1\"", ok.header("etag"));
      assertNull(ok.header("content-encoding"));
      TestResponse res =
          c.request(Method.GET, "/v")
              .header("Accept-Encoding", "gzip")
              .header("If-None-Match", "\"v1\"")
              .send();
      assertEquals(304, res.status());
      assertEquals("\"v1\"", res.header("etag"), "the 200's validator");
      assertEquals(ok.header("vary"), res.header("vary"));
      TestResponse nt = c.request(Method.GET, "/nt").header("Accept-Encoding", "gzip").send();
      assertEquals("\"n1\"", nt.header("etag"));
    }
  }

  /** A body that hands out its chunks one poll at a time, pending in between, and logs cancel. */
  static final class Trickle implements Body {
    final List<byte[]> parts;
    int next;
    boolean pendingNext = true;
    boolean cancelled;

    Trickle(List<byte[]> parts) {
      this.parts = parts;
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
      if (pendingNext) {
        pendingNext = false;
        return Poll.pending();
      }
      pendingNext = true;
      if (next == parts.size()) return Stream.end();
      return Poll.ready(ByteBuffer.wrap(parts.get(next++)));
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Test
  void whatTheSourceGaveIsFlushedWhenItHasNothingMoreForNow() throws Exception {
    byte[] first = "first event\n".getBytes(StandardCharsets.UTF_8);
    Trickle src = new Trickle(List.of(first, "second\n".getBytes(StandardCharsets.UTF_8)));
    Body gz = new Compression.CompressingBody(src, true, 6);
    Context cx = new Context(() -> {});
    assertTrue(gz.pollNext(cx).isPending(), "nothing yet: not even the lone gzip header");
    Poll<ByteBuffer> p = gz.pollNext(cx); // takes the first part, then the source is pending
    assertTrue(p.isReady());
    ByteBuffer chunk = p.value();
    byte[] out = new byte[chunk.remaining()];
    chunk.get(out);
    // A gzip stream cut after a sync flush: the inflater gives back all of the first part.
    var inflater = new java.util.zip.Inflater(true);
    inflater.setInput(out, 10, out.length - 10);
    byte[] got = new byte[100];
    int n = inflater.inflate(got);
    inflater.end();
    assertEquals("first event\n", new String(got, 0, n, StandardCharsets.UTF_8));
    gz.cancel();
    assertTrue(src.cancelled);
    assertTrue(Stream.isEnd(gz.pollNext(cx)), "a cancelled body is over");
  }

  /**
   * A streamed body that breaks its declared length fails, as the server fails an uncompressed one:
   * the compressed body goes out chunked, without the length, and ended well-formed, as if whole,
   * with 10 of its 100 declared bytes.
   */
  @Test
  void aStreamedBodyThatBreaksItsDeclaredLengthFailsCompressed() throws Exception {
    try (io.kyoto.runtime.Runtime rt = io.kyoto.runtime.Runtime.builder().currentThread().build()) {
      for (int got : new int[] {10, 200}) {
        Body source = Body.from(Streams.of(ByteBuffer.wrap(new byte[got])), 100);
        Body gzipped = new Compression.CompressingBody(source, true, 6);
        IOException e = assertThrows(IOException.class, () -> rt.blockOn(gzipped.bytes()));
        assertEquals(
            "response body of "
                + (got < 100 ? "10" : "more than 100")
                + " bytes, but its declared length is 100",
            e.getMessage());
      }
      byte[] exact = TEXT.getBytes(StandardCharsets.UTF_8);
      Body whole =
          new Compression.CompressingBody(
              Body.from(Streams.of(ByteBuffer.wrap(exact)), exact.length), true, 6);
      byte[] packed = rt.blockOn(whole.bytes());
      assertArrayEquals(
          exact, new GZIPInputStream(new ByteArrayInputStream(packed)).readAllBytes());
    }
  }
}
