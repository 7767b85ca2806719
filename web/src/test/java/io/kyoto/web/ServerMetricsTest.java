package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Stream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link HttpServer#metrics()} against what real clients did, counter by counter. */
class ServerMetricsTest {

  private static Stream<ByteBuffer> failingAfter(int pieces, boolean pause) {
    int[] left = {pieces};
    boolean[] paused = {!pause};
    return cx -> {
      if (left[0]-- > 0) return Poll.ready(ByteBuffer.wrap("piece;".getBytes()));
      if (!paused[0]) {
        paused[0] = true;
        cx.waker().wake();
        return Poll.pending();
      }
      throw new IllegalStateException("body failed");
    };
  }

  private static final Service<Request, Response> APP =
      Service.of(
          req ->
              switch (req.path()) {
                case "/ok" -> Futures.ready(Response.text("ok"));
                case "/moved" -> Futures.ready(Response.of(Status.FOUND).header("location", "/ok"));
                case "/missing" -> Futures.ready(Response.of(Status.NOT_FOUND));
                case "/teapot" ->
                    Futures.failed(new HttpException(Status.of(418), "short and stout"));
                case "/boom" -> Futures.failed(new IllegalStateException("boom"));
                case "/body-fails" ->
                    Futures.ready(Response.ok().body(Body.from(failingAfter(0, false))));
                case "/body-fails-late" ->
                    Futures.ready(Response.ok().body(Body.from(failingAfter(2, true))));
                case "/upgrade" ->
                    Futures.ready(Response.upgrade("echo", upgraded -> upgraded.shutdown()));
                default -> Futures.ready(Response.text("other"));
              });

  private static String get(ServerHarness h, String path) throws Exception {
    return h.exchangeUntilClose(
        "GET " + path + " HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
  }

  @Test
  void countsWhatClientsSawByKind() throws Exception {
    try (ServerHarness h =
        new ServerHarness(HttpServer.builder().headerReadTimeout(Duration.ofMillis(300)), APP)) {
      assertEquals(new ServerMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), h.server.metrics());

      // The JDK client: three requests on one keep-alive connection.
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            client.send(
                java.net.http.HttpRequest.newBuilder(URI.create(h.url("/ok"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
      }
      // One connection each from here on.
      assertTrue(get(h, "/moved").startsWith("HTTP/1.1 302 "));
      assertTrue(get(h, "/missing").startsWith("HTTP/1.1 404 "));
      assertTrue(get(h, "/teapot").startsWith("HTTP/1.1 418 "));
      assertTrue(get(h, "/boom").startsWith("HTTP/1.1 500 "));
      assertTrue(get(h, "/body-fails").startsWith("HTTP/1.1 500 "));
      String late = get(h, "/body-fails-late");
      assertTrue(late.startsWith("HTTP/1.1 200 ") && late.endsWith("piece;\r\n"), late);
      // Rejected without the application: a malformed head, and a head that never ends.
      assertTrue(
          h.exchangeUntilClose("GET /ok HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n")
              .startsWith("HTTP/1.1 400 "));
      assertTrue(
          h.exchangeUntilClose("GET /ok HTTP/1.1\r\nhost: x\r\n").startsWith("HTTP/1.1 408 "));
      // An upgrade: the handler shuts its side down at once.
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /upgrade HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String reply = ServerHarness.readAll(in);
        assertTrue(reply.startsWith("HTTP/1.1 101 "), reply);
      }

      // The 101's hand-over is counted just after the head went out: wait for it.
      ServerMetrics m = h.server.metrics();
      for (int i = 0; i < 500 && m.upgrades() == 0; i++) {
        Thread.sleep(10);
        m = h.server.metrics();
      }
      assertEquals(10, m.acceptedConnections(), m.toString());
      assertEquals(3 + 6 + 1, m.requests(), m.toString()); // not the two rejected
      assertEquals(1, m.responses1xx(), m.toString());
      assertEquals(3 + 1, m.responses2xx(), m.toString()); // /ok x3, the late failure's head
      assertEquals(1, m.responses3xx(), m.toString());
      assertEquals(1 + 1 + 1 + 1, m.responses4xx(), m.toString()); // 404, 418, 400, 408
      assertEquals(2, m.responses5xx(), m.toString()); // /boom, /body-fails
      assertEquals(12, m.responses(), m.toString());
      assertEquals(2, m.rejectedRequests(), m.toString());
      assertEquals(3, m.applicationFailures(), m.toString());
      assertEquals(1, m.headerReadTimeouts(), m.toString());
      assertEquals(0, m.sendTimeouts(), m.toString());
      assertEquals(1, m.upgrades(), m.toString());
    }
  }
}
