package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.tls.TlsAcceptor;
import io.kyoto.runtime.tls.TlsConnector;
import io.kyoto.web.route.Router;
import io.kyoto.web.ws.Message;
import io.kyoto.web.ws.WebSocket;
import io.kyoto.web.ws.WebSocketConfig;
import io.kyoto.web.ws.WebSocketException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link WebSocket#connect}: Kyoto's client end against Kyoto's server and hand-made servers. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebSocketClientTest {
  @TempDir static Path dir;

  static final WebSocketConfig PROTOCOLS = WebSocketConfig.defaults().withProtocols("v2", "v1");

  static io.kyoto.runtime.service.Service<Request, Response> echoApp() {
    return Router.create()
        .get("/echo")
        .handle(
            req ->
                WebSocket.accept(
                    req,
                    PROTOCOLS,
                    ws ->
                        ws.forEachAsync(
                            m ->
                                switch (m) {
                                  case Message.Text t -> ws.send(Message.text("echo " + t.text()));
                                  case Message.Binary b -> ws.send(b);
                                  default -> Futures.ready(null);
                                })))
        .build();
  }

  static void talk(ServerHarness h, HttpClient client, String url) throws Exception {
    WebSocket ws = h.rt.blockOn(WebSocket.connect(client, url, WebSocketConfig.defaults()));
    assertTrue(ws.isClient());
    h.rt.blockOn(ws.send(Message.text("hi")));
    assertEquals(new Message.Text("echo hi"), h.rt.blockOn(ws.next()).orElseThrow());
    byte[] big = new byte[100_000];
    for (int i = 0; i < big.length; i++) big[i] = (byte) i;
    h.rt.blockOn(ws.send(Message.binary(big)));
    Message back = h.rt.blockOn(ws.next()).orElseThrow();
    assertInstanceOf(Message.Binary.class, back);
    assertEquals(
        java.util.Arrays.hashCode(big), java.util.Arrays.hashCode(((Message.Binary) back).data()));
    h.rt.blockOn(ws.close(1000, "bye"));
  }

  @Test
  void talksToKyotosServerOverWsAndWss() throws Exception {
    try (ServerHarness h = new ServerHarness(echoApp());
        HttpClient client = HttpClient.create()) {
      talk(h, client, "ws://127.0.0.1:" + h.port() + "/echo");
      assertEquals(0, client.idleConnections(), "an upgraded connection never goes to the pool");
    }
    TestCertificates certs = new TestCertificates(dir);
    try (ServerHarness h =
            new ServerHarness(HttpServer.builder().tls(TlsAcceptor.of(certs.server)), echoApp());
        HttpClient client = HttpClient.builder().tls(TlsConnector.of(certs.client)).build()) {
      talk(h, client, "wss://localhost:" + h.port() + "/echo");
    }
  }

  @Test
  void negotiatesASubprotocolAndRefusesWhatTheServerDidNotUpgrade() throws Exception {
    try (ServerHarness h = new ServerHarness(echoApp());
        HttpClient client = HttpClient.create()) {
      WebSocket ws =
          h.rt.blockOn(
              WebSocket.connect(
                  client,
                  "ws://127.0.0.1:" + h.port() + "/echo",
                  WebSocketConfig.defaults().withProtocols("v1")));
      assertEquals("v1", ws.protocol());
      h.rt.blockOn(ws.close(1000, ""));
      WebSocketException e =
          assertThrows(
              WebSocketException.class,
              () ->
                  h.rt.blockOn(WebSocket.connect(client, "ws://127.0.0.1:" + h.port() + "/nope")));
      WebSocketException w = e;
      assertEquals(
          "1002: WebSocket handshake failed: the server answered 404 Not Found instead of 101",
          w.getMessage());
      assertEquals(1002, w.closeCode());
      // The server's answer is kept: a caller tells a 404 from a 401 or a 503 by its status.
      var answer = assertInstanceOf(io.kyoto.web.ws.WebSocketHandshakeException.class, e);
      assertEquals(404, answer.status().code());
      assertNotNull(answer.headers());
      assertThrows(IllegalArgumentException.class, () -> WebSocket.connect(client, "ftp://host/x"));
    }
  }

  /**
   * A one-connection server on a plain socket: reads the request head, writes what {@code answer}
   * makes of it (given the client's key), then returns what the client sent next until it closed.
   */
  static CompletableFuture<byte[]> rawServer(ServerSocket ss, Function<String, byte[]> answer) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket s = ss.accept()) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
              int b = in.read();
              if (b < 0) throw new IllegalStateException("no request head");
              head.write(b);
            }
            String key =
                head.toString(StandardCharsets.ISO_8859_1)
                    .lines()
                    .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("sec-websocket-key:".length())
                    .trim();
            OutputStream out = s.getOutputStream();
            out.write(answer.apply(key));
            out.flush();
            return in.readAllBytes();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
  }

  @Test
  void bytesTheServerSendsRightAfterItsHandshakeAreTheFirstMessage() throws Exception {
    try (ServerSocket ss = new ServerSocket(0);
        ServerHarness h = new ServerHarness(echoApp());
        HttpClient client = HttpClient.create()) {
      CompletableFuture<byte[]> server =
          rawServer(
              ss,
              key -> {
                String head =
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                        + WebSocket.acceptKey(key)
                        + "\r\n\r\n";
                byte[] h1 = head.getBytes(StandardCharsets.ISO_8859_1);
                byte[] frame = {
                  (byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'
                }; // unmasked text, in the same write
                byte[] all = new byte[h1.length + frame.length];
                System.arraycopy(h1, 0, all, 0, h1.length);
                System.arraycopy(frame, 0, all, h1.length, frame.length);
                return all;
              });
      WebSocket ws =
          h.rt.blockOn(WebSocket.connect(client, "ws://127.0.0.1:" + ss.getLocalPort() + "/x"));
      assertEquals(new Message.Text("hello"), h.rt.blockOn(ws.next()).orElseThrow());
      h.rt.blockOn(ws.send(Message.text("ok")));
      ws.cancel(); // drops the connection: the raw server sees the end of its input
      byte[] sent = server.get(20, TimeUnit.SECONDS);
      assertEquals((byte) 0x81, sent[0], "a final text frame");
      assertEquals((byte) (0x80 | 2), sent[1], "masked, as every client frame must be");
    }
  }

  @Test
  void aWrongAcceptKeyFailsTheHandshakeAndClosesTheConnection() throws Exception {
    try (ServerSocket ss = new ServerSocket(0);
        ServerHarness h = new ServerHarness(echoApp());
        HttpClient client = HttpClient.create()) {
      CompletableFuture<byte[]> server =
          rawServer(
              ss,
              key ->
                  ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                          + WebSocket.acceptKey("not the key")
                          + "\r\n\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));
      WebSocketException e =
          assertThrows(
              WebSocketException.class,
              () ->
                  h.rt.blockOn(
                      WebSocket.connect(client, "ws://127.0.0.1:" + ss.getLocalPort() + "/x")));
      assertTrue(
          e.getMessage().startsWith("1002: WebSocket handshake failed: wrong Sec-WebSocket-Accept"),
          e.getMessage());
      assertEquals(0, server.get(20, TimeUnit.SECONDS).length, "closed without a frame");
    }
  }
}
