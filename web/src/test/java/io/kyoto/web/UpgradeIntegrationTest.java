package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Streams;
import io.kyoto.web.route.Router;
import io.kyoto.web.sse.Event;
import io.kyoto.web.sse.Sse;
import io.kyoto.web.ws.Message;
import io.kyoto.web.ws.WebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WebSocket and server-sent events through the real server, with the JDK's clients. */
@Timeout(60)
class UpgradeIntegrationTest {
  static final Service<Request, Response> APP =
      Router.create()
          .get("/ws")
          .handle(
              req ->
                  WebSocket.accept(
                      req,
                      ws ->
                          ws.forEachAsync(
                              msg -> {
                                if (msg instanceof Message.Text t) {
                                  return ws.send(Message.text("echo: " + t.text()));
                                }
                                return Futures.ready(null);
                              })))
          .get("/events")
          .handle(
              req ->
                  Sse.response(
                      Streams.of(
                          Event.data("one").id("1"), Event.data("two\nlines").event("multi"))))
          .build();

  @Test
  void webSocketEchoThroughTheServer() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      HttpClient client = HttpClient.newHttpClient();
      java.net.http.WebSocket ws =
          client
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + h.port() + "/ws"),
                  new java.net.http.WebSocket.Listener() {
                    private final StringBuilder message = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                      message.append(data);
                      if (last) {
                        received.add(message.toString());
                        message.setLength(0);
                      }
                      webSocket.request(1);
                      return CompletableFuture.completedFuture(null);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
      assertEquals("echo: hello", received.poll(10, TimeUnit.SECONDS));
      ws.sendText("x".repeat(100_000), true).get(10, TimeUnit.SECONDS);
      String big = received.poll(10, TimeUnit.SECONDS);
      assertTrue(big != null && big.equals("echo: " + "x".repeat(100_000)), "100 kB echo");
      ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHandshakeWithABodyOrFromHttp10IsNotUpgraded() throws Exception {
    // The body's bytes would follow the handshake on the connection and be read as frames: here
    // a masked text frame "BODY" that the client never sent as WebSocket traffic.
    byte[] frame = {(byte) 0x81, (byte) 0x84, 1, 2, 3, 4, 'B' ^ 1, 'O' ^ 2, 'D' ^ 3, 'Y' ^ 4};
    String handshake =
        "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    try (ServerHarness h = new ServerHarness(APP)) {
      String withLength =
          h.exchangeUntilClose(
              handshake
                  + "Content-Length: 10\r\n\r\n"
                  + new String(frame, java.nio.charset.StandardCharsets.ISO_8859_1));
      assertTrue(withLength.startsWith("HTTP/1.1 400 "), withLength);
      assertTrue(withLength.contains("has no body"), withLength);
      String chunked =
          h.exchangeUntilClose(
              handshake + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
      assertTrue(chunked.startsWith("HTTP/1.1 400 "), chunked);
      String http10 = h.exchangeUntilClose(handshake.replace("HTTP/1.1", "HTTP/1.0") + "\r\n");
      assertTrue(http10.startsWith("HTTP/1.1 400 "), http10);
      assertTrue(http10.contains("requires HTTP/1.1"), http10);
    }
  }

  @Test
  void serverSentEventsThroughTheServer() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(h.url("/events"))).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
      String body = r.body().replace(": ", ":");
      assertTrue(body.contains("id:1\ndata:one\n\n") || body.contains("data:one\nid:1\n\n"), body);
      assertTrue(body.contains("data:two\ndata:lines\n"), body);
    }
  }
}
