package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.service.Service;
import io.kyoto.web.route.Router;
import io.kyoto.web.ws.Message;
import io.kyoto.web.ws.WebSocket;
import io.kyoto.web.ws.WebSocketConfig;
import io.kyoto.web.ws.WebSocketException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The WebSocket close timeout through the real server, with a raw-socket peer that completes the
 * opening handshake and then ignores the server's close frame.
 */
@Timeout(60)
class WebSocketCloseTimeoutTest {
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(200);

  /** Closes at once with 4000 and reads until the end; records the outcome and what it saw. */
  private static final class App {
    final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    final List<Message> seen = Collections.synchronizedList(new ArrayList<>());
    final Service<Request, Response> service =
        Router.create()
            .get("/ws")
            .handle(
                req ->
                    WebSocket.accept(
                        req,
                        WebSocketConfig.defaults().withCloseTimeout(CLOSE_TIMEOUT),
                        ws ->
                            ws.close(4000, "bye")
                                .flatMap(v -> ws.forEach(seen::add))
                                .handle(
                                    (v, e) -> {
                                      outcome.complete(e);
                                      return (Void) null;
                                    })))
            .build();
  }

  private static Socket upgrade(ServerHarness h) throws IOException {
    Socket s = h.socket();
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("end of stream in the response head: " + head);
      head.write(b);
    }
    String h101 = head.toString(StandardCharsets.ISO_8859_1);
    assertTrue(h101.startsWith("HTTP/1.1 101"), h101);
    return s;
  }

  /** Reads the server's (unmasked, short) close frame and returns its code. */
  private static int readCloseFrame(InputStream in) throws IOException {
    byte[] hdr = in.readNBytes(2);
    assertEquals(2, hdr.length);
    assertEquals(0x88, hdr[0] & 0xFF, "a final close frame");
    int len = hdr[1] & 0x7F;
    byte[] payload = in.readNBytes(len);
    return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
  }

  /** Reads until end of stream (a reset counts as one); {@return the bytes read before it} */
  private static int readToEnd(InputStream in) throws IOException {
    int n = 0;
    try {
      while (in.read() >= 0) n++;
    } catch (SocketException reset) {
      // the server closed while our data was unread: also the end
    }
    return n;
  }

  private static byte[] maskedFrame(int b0, byte[] payload) {
    byte[] key = {1, 2, 3, 4};
    byte[] f = new byte[6 + payload.length];
    f[0] = (byte) b0;
    f[1] = (byte) (0x80 | payload.length);
    System.arraycopy(key, 0, f, 2, 4);
    for (int i = 0; i < payload.length; i++) f[6 + i] = (byte) (payload[i] ^ key[i & 3]);
    return f;
  }

  @Test
  void aPeerThatNeverAnswersTheCloseIsDisconnectedAtTheCloseTimeout() throws Exception {
    App app = new App();
    try (ServerHarness h = new ServerHarness(app.service);
        Socket s = upgrade(h)) {
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      assertEquals(4000, readCloseFrame(in));
      // we never send our close frame
      assertEquals(0, readToEnd(in), "nothing after the close frame, then end of stream");
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(elapsedMs >= 150, "not before the close timeout: " + elapsedMs + " ms");
      assertTrue(elapsedMs < 5_000, "at the close timeout: " + elapsedMs + " ms");
      Throwable e = app.outcome.get(10, TimeUnit.SECONDS);
      WebSocketException wse = assertInstanceOf(WebSocketException.class, e);
      assertEquals(WebSocket.ABNORMAL_CLOSURE, wse.closeCode());
      assertTrue(wse.getMessage().contains("timed out"), wse.getMessage());
      assertEquals(List.of(), app.seen);
    }
  }

  @Test
  void aPeerThatKeepsSendingDataIsDisconnectedAtTheCloseTimeout() throws Exception {
    App app = new App();
    try (ServerHarness h = new ServerHarness(app.service);
        Socket s = upgrade(h)) {
      InputStream in = s.getInputStream();
      assertEquals(4000, readCloseFrame(in));
      CompletableFuture<Void> chatter =
          CompletableFuture.runAsync(
              () -> {
                try {
                  OutputStream out = s.getOutputStream();
                  for (int i = 0; i < 500; i++) {
                    out.write(maskedFrame(0x81, ("message " + i).getBytes(StandardCharsets.UTF_8)));
                    out.write(maskedFrame(0x89, new byte[] {1}));
                    out.flush();
                    Thread.sleep(10);
                  }
                } catch (IOException | InterruptedException stopped) {
                  // the server closed the connection
                }
              });
      assertEquals(0, readToEnd(in), "no echo and no pong after the close frame");
      Throwable e = app.outcome.get(10, TimeUnit.SECONDS);
      assertEquals(1006, assertInstanceOf(WebSocketException.class, e).closeCode());
      assertEquals(List.of(), app.seen, "data after our close is discarded");
      s.close();
      chatter.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPeerThatAnswersClosesNormally() throws Exception {
    App app = new App();
    try (ServerHarness h = new ServerHarness(app.service);
        Socket s = upgrade(h)) {
      InputStream in = s.getInputStream();
      assertEquals(4000, readCloseFrame(in));
      byte[] code = {(byte) (4000 >> 8), (byte) 4000};
      s.getOutputStream().write(maskedFrame(0x88, code));
      s.getOutputStream().flush();
      assertEquals(0, readToEnd(in));
      assertNull(app.outcome.get(10, TimeUnit.SECONDS));
      assertEquals(List.of(new Message.Close(4000, "")), app.seen);
    }
  }
}
