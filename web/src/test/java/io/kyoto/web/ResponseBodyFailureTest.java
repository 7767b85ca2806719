package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.net.TcpStream;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.tls.TlsAcceptor;
import io.kyoto.runtime.tls.TlsConnector;
import io.kyoto.runtime.tls.TlsStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the client sees when a response body fails: a 500 when nothing of the response was sent yet,
 * a visibly cut-off response otherwise, and in both cases every earlier pipelined response intact.
 */
class ResponseBodyFailureTest {

  /**
   * A body that yields {@code chunks} pieces of text, then (if {@code pause}) is pending once, so
   * the connection flushes what it has, and then fails.
   */
  private static Stream<ByteBuffer> failingAfter(int chunks, boolean pause, Exception failure) {
    int[] left = {chunks};
    boolean[] paused = {!pause};
    return cx -> {
      if (left[0]-- > 0) {
        return Poll.ready(ByteBuffer.wrap("piece;".getBytes(StandardCharsets.US_ASCII)));
      }
      if (!paused[0]) {
        paused[0] = true;
        cx.waker().wake();
        return Poll.pending();
      }
      throw failure;
    };
  }

  private static final Service<Request, Response> APP =
      Service.of(
          req ->
              Futures.ready(
                  switch (req.path()) {
                    case "/fail-at-once" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(0, false, new IllegalStateException("boom"))));
                    case "/fail-after-pieces" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(3, false, new IllegalStateException("boom"))));
                    case "/fail-at-once-sized" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(0, false, new IllegalStateException("boom")),
                                    100));
                    case "/fail-later" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(3, true, new IllegalStateException("late boom"))));
                    case "/fail-later-sized" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(3, true, new IllegalStateException("late boom")),
                                    100));
                    case "/short" -> Response.ok().body(Body.from(shortBody(), 50));
                    case "/fail-at-once-204" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(
                                        1, false, new HttpException(Status.NO_CONTENT, "gone"))));
                    case "/fail-at-once-304" ->
                        Response.ok()
                            .body(
                                Body.from(
                                    failingAfter(
                                        0,
                                        false,
                                        new HttpException(Status.NOT_MODIFIED, "unchanged"))));
                    default -> Response.text("ok " + req.path());
                  }));

  /** One piece, then the end: 6 bytes where the response declared more. */
  private static Stream<ByteBuffer> shortBody() {
    boolean[] sent = {false};
    return cx -> {
      if (sent[0]) return Stream.end();
      sent[0] = true;
      return Poll.ready(ByteBuffer.wrap("piece;".getBytes(StandardCharsets.US_ASCII)));
    };
  }

  @Test
  void aBodyThatFailsBeforeAnythingWasSentBecomesA500() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      for (String path :
          new String[] {"/fail-at-once", "/fail-after-pieces", "/fail-at-once-sized", "/short"}) {
        String reply = h.exchangeUntilClose("GET " + path + " HTTP/1.1\r\nhost: x\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 500 "), path + ": " + reply);
        assertTrue(reply.contains("connection: close\r\n"), path + ": " + reply);
        assertTrue(reply.endsWith("\r\n\r\nInternal Server Error\n"), path + ": " + reply);
      }
      // The JDK client sees an ordinary 500, not an I/O error.
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      HttpResponse<String> r =
          client.send(
              java.net.http.HttpRequest.newBuilder(URI.create(h.url("/fail-at-once"))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(500, r.statusCode());
    }
  }

  /**
   * The answer that replaces a response whose body failed at once follows the same rules as any
   * answer: an {@link HttpException} of 204 or 304 carries no body and no Content-Length, as when
   * the handler's future fails with it (RFC 9110 sections 8.6, 15.3.5, 15.4.5).
   */
  @Test
  void aBodyFailureAnsweredWith204Or304SendsNoBody() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      for (String code : new String[] {"204", "304"}) {
        String reply =
            h.exchangeUntilClose("GET /fail-at-once-" + code + " HTTP/1.1\r\nhost: x\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 " + code + " "), reply);
        assertFalse(reply.contains("content-length"), reply);
        assertTrue(reply.endsWith("\r\n\r\n"), "no body after the head: " + reply);
      }
    }
  }

  @Test
  void earlierPipelinedResponsesSurviveALaterBodyFailure() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      String reply =
          h.exchangeUntilClose(
              "GET /a HTTP/1.1\r\nhost: x\r\n\r\n"
                  + "GET /b HTTP/1.1\r\nhost: x\r\n\r\n"
                  + "GET /fail-at-once HTTP/1.1\r\nhost: x\r\n\r\n"
                  + "GET /never HTTP/1.1\r\nhost: x\r\n\r\n");
      int a = reply.indexOf("ok /a");
      int b = reply.indexOf("ok /b");
      int err = reply.indexOf("HTTP/1.1 500 ");
      assertTrue(a > 0 && b > a && err > b, reply);
      assertFalse(reply.contains("/never"), reply);
      assertTrue(reply.endsWith("Internal Server Error\n"), reply);
    }
  }

  @Test
  void aBodyThatFailsAfterItsHeadWentOutIsCutOffWithoutItsTerminator() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      String reply =
          h.exchangeUntilClose(
              "GET /a HTTP/1.1\r\nhost: x\r\n\r\n"
                  + "GET /fail-later HTTP/1.1\r\nhost: x\r\n\r\n"
                  + "GET /never HTTP/1.1\r\nhost: x\r\n\r\n");
      assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
      assertTrue(reply.contains("ok /a"), reply);
      // The failing response's head and pieces went out before the failure; no last chunk.
      assertTrue(reply.contains("transfer-encoding: chunked\r\n"), reply);
      assertTrue(reply.endsWith("6\r\npiece;\r\n"), reply);
      assertFalse(reply.contains("/never"), reply);
      // With a declared length, the client sees fewer bytes than it was promised.
      reply = h.exchangeUntilClose("GET /fail-later-sized HTTP/1.1\r\nhost: x\r\n\r\n");
      assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
      assertTrue(reply.contains("content-length: 100\r\n"), reply);
      assertTrue(reply.endsWith("\r\n\r\npiece;piece;piece;"), reply);
    }
  }

  /**
   * Over TLS, a response cut off by its body's failure ends without close_notify, as when the
   * connection is dropped: for a close-delimited body (HTTP/1.0) that missing close_notify is the
   * only sign of the truncation (RFC 9112 section 9.8). A client that checks for it, as Kyoto's
   * TlsStream (and OpenSSL without its ignore-unexpected-EOF option) does, then sees a truncated
   * body rather than a whole one; a body that ends well still ends with close_notify.
   */
  @Test
  void overTlsACutOffCloseDelimitedBodyEndsWithoutCloseNotify(@TempDir Path dir) throws Exception {
    TestCertificates certs = new TestCertificates(dir);
    try (ServerHarness h =
        new ServerHarness(HttpServer.builder().tls(TlsAcceptor.of(certs.server)), APP)) {
      InetSocketAddress addr = new InetSocketAddress("127.0.0.1", h.port());
      List<TlsStream<TcpStream>> opened = new ArrayList<>();
      Function<String, Future<byte[]>> get =
          path ->
              TcpStream.connect(addr)
                  .flatMap(tcp -> TlsConnector.of(certs.client).connect("localhost", tcp))
                  .flatMap(
                      tls -> {
                        opened.add(tls);
                        byte[] req =
                            ("GET " + path + " HTTP/1.0\r\nhost: x\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                        return tls.writeAll(ByteBuffer.wrap(req))
                            .flatMap(v -> tls.flush())
                            .flatMap(v -> Io.readToEnd(tls));
                      });
      try {
        String whole = new String(h.rt.blockOn(get.apply("/a")), StandardCharsets.US_ASCII);
        assertTrue(whole.startsWith("HTTP/1.1 200 ") && whole.endsWith("\r\n\r\nok /a"), whole);
        Exception e =
            assertThrows(
                Exception.class,
                () -> h.rt.blockOn(get.apply("/fail-later")),
                "the cut-off body ended as cleanly as a whole one");
        assertInstanceOf(EOFException.class, e, e.toString());
      } finally {
        for (TlsStream<TcpStream> tls : opened) tls.close();
      }
    }
  }
}
