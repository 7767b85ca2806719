package io.kyoto.web.ws;

import static io.kyoto.web.ws.WsTestSupport.closePayload;
import static io.kyoto.web.ws.WsTestSupport.masked;
import static io.kyoto.web.ws.WsTestSupport.raw;
import static io.kyoto.web.ws.WsTestSupport.readFrame;
import static io.kyoto.web.ws.WsTestSupport.unmasked;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.runtime.io.Io;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.ws.WsTestSupport.Frame;
import io.kyoto.web.ws.WsTestSupport.PipeUpgraded;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The WebSocket handshake, framing rules and close handshake over an in-memory connection. */
@Timeout(60)
class WebSocketTest {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  private static Request handshake() {
    return Request.get("/ws")
        .header("Host", "example.com")
        .header("Connection", "keep-alive, Upgrade")
        .header("Upgrade", "WebSocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", KEY);
  }

  // ------------------------------------------------------------------------------------ handshake

  @Test
  void acceptKeyMatchesTheRfcExample() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocket.acceptKey(KEY));
  }

  @Test
  void validHandshakeGets101WithAcceptHeader() {
    Response r = WebSocket.accept(handshake(), ws -> Futures.ready(null));
    assertEquals(Status.SWITCHING_PROTOCOLS, r.status());
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", r.header("sec-websocket-accept"));
    assertEquals("websocket", r.header("upgrade"));
    assertTrue(r.headers().containsToken("connection", "upgrade"));
    assertNotNull(r.upgradeHandler());
    assertNull(r.header("sec-websocket-protocol"));
  }

  @Test
  void subprotocolIsSelectedByServerPreference() {
    Request req = handshake().header("Sec-WebSocket-Protocol", "chat, superchat");
    WebSocketConfig config = WebSocketConfig.defaults().withProtocols("superchat", "chat");
    Response r = WebSocket.accept(req, config, ws -> Futures.ready(null));
    assertEquals("superchat", r.header("sec-websocket-protocol"));
    Response none =
        WebSocket.accept(handshake().header("Sec-WebSocket-Protocol", "mqtt"), config, ws -> null);
    assertEquals(101, none.status().code());
    assertNull(none.header("sec-websocket-protocol"));
  }

  @Test
  void nonGetIs405() {
    Request req = new Request(Method.POST, "/ws", handshake().headers());
    Response r = WebSocket.accept(req, ws -> Futures.ready(null));
    assertEquals(405, r.status().code());
    assertEquals("GET", r.header("allow"));
    assertNull(r.upgradeHandler());
  }

  @Test
  void missingConnectionUpgradeIs400() {
    Request req = handshake();
    req.headers().set("Connection", "keep-alive");
    assertEquals(400, WebSocket.accept(req, ws -> Futures.ready(null)).status().code());
  }

  @Test
  void wrongUpgradeIs400() {
    Request req = handshake();
    req.headers().set("Upgrade", "h2c");
    assertEquals(400, WebSocket.accept(req, ws -> Futures.ready(null)).status().code());
  }

  @Test
  void wrongVersionIs426WithSupportedVersion() {
    Request req = handshake();
    req.headers().set("Sec-WebSocket-Version", "8");
    Response r = WebSocket.accept(req, ws -> Futures.ready(null));
    assertEquals(426, r.status().code());
    assertEquals("13", r.header("sec-websocket-version"));
    assertEquals("websocket", r.header("upgrade"), "RFC 9110 §7.8: a 426 says what to upgrade to");
    Request missing = handshake();
    missing.headers().remove("Sec-WebSocket-Version");
    assertEquals(426, WebSocket.accept(missing, ws -> Futures.ready(null)).status().code());
  }

  @Test
  void missingOrBadKeyIs400() {
    Request missing = handshake();
    missing.headers().remove("Sec-WebSocket-Key");
    assertEquals(400, WebSocket.accept(missing, ws -> Futures.ready(null)).status().code());
    for (String bad : List.of("not base64!!", "AAAAAAAAAAAAAAAAAAAA", "")) {
      Request req = handshake();
      req.headers().set("Sec-WebSocket-Key", bad);
      assertEquals(400, WebSocket.accept(req, ws -> Futures.ready(null)).status().code(), bad);
    }
  }

  @Test
  void clientHandshakeRequestIsAccepted() {
    Request req = WebSocket.handshakeRequest("/chat", "chat");
    Response r =
        WebSocket.accept(
            req, WebSocketConfig.defaults().withProtocols("chat"), ws -> Futures.ready(null));
    assertEquals(101, r.status().code());
    assertEquals(
        WebSocket.acceptKey(req.header("sec-websocket-key")), r.header("sec-websocket-accept"));
    assertEquals("chat", r.header("sec-websocket-protocol"));
  }

  // ------------------------------------------------------------------------------------ harness

  /** A running server connection with a client end to talk to it. */
  private static final class Conn implements AutoCloseable {
    final Runtime rt;
    final DuplexStream client;
    final List<Message> received = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Exception> outcome = new AtomicReference<>();
    volatile boolean finished;

    Conn(WebSocketConfig config, ThrowingFunction<WebSocket, Future<Void>> body) throws Exception {
      this(Runtime.builder().currentThread().enableTime().build(), 1 << 20, config, body);
    }

    Conn(
        Runtime rt,
        int bufferSize,
        WebSocketConfig config,
        ThrowingFunction<WebSocket, Future<Void>> body)
        throws Exception {
      this.rt = rt;
      DuplexStream.Pair pair = Io.duplex(bufferSize);
      client = pair.client();
      Response r =
          WebSocket.accept(
              handshake(),
              config,
              ws ->
                  body.apply(ws)
                      .handle(
                          (v, e) -> {
                            outcome.set(e);
                            finished = true;
                            if (e != null) throw e;
                            return null;
                          }));
      PipeUpgraded up = new PipeUpgraded(pair.server());
      rt.blockOn(
          Futures.lazy(
              () -> {
                Task.spawn(r.upgradeHandler().apply(up));
                return Futures.ready(null);
              }));
    }

    /** An echo server that records what it receives. */
    static Conn echo(WebSocketConfig config) throws Exception {
      Conn[] self = new Conn[1];
      self[0] =
          new Conn(
              config,
              ws ->
                  ws.forEachAsync(
                      m -> {
                        self[0].received.add(m);
                        return switch (m) {
                          case Message.Text t -> ws.send(t);
                          case Message.Binary b -> ws.send(b);
                          default -> Futures.ready(null);
                        };
                      }));
      return self[0];
    }

    void write(ByteBuffer... frames) throws Exception {
      for (ByteBuffer f : frames) rt.blockOn(client.writeAll(f));
    }

    Frame read() throws Exception {
      return rt.blockOn(readFrame(client));
    }

    /** Reads the close frame the server sent after a violation, then end of stream. */
    int expectCloseThenEof() throws Exception {
      Frame f = read();
      assertNotNull(f, "expected a close frame");
      assertEquals(8, f.opcode());
      assertNull(read(), "the server closes the connection after the close frame");
      return f.closeCode();
    }

    /** Lets the server task finish. */
    void settle() throws Exception {
      for (int i = 0; i < 100 && !finished; i++) rt.blockOn(Task.yieldNow());
    }

    /** Lets the server task finish, waiting up to ten seconds of real time. */
    void awaitFinished() throws Exception {
      long end = System.nanoTime() + 10_000_000_000L;
      while (!finished && System.nanoTime() < end) rt.blockOn(Time.sleep(Duration.ofMillis(5)));
      assertTrue(finished, "the server task finished");
    }

    @Override
    public void close() {
      rt.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------- messaging

  @Test
  void echoesText() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      c.write(masked(1, "hello"));
      Frame f = c.read();
      assertTrue(f.fin());
      assertEquals(1, f.opcode());
      assertFalse(f.masked(), "server frames are not masked");
      assertEquals("hello", f.text());
      assertEquals(new Message.Text("hello"), c.received.get(0));
    }
  }

  @Test
  void echoesBinary() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80};
      c.write(masked(true, 2, data));
      Frame f = c.read();
      assertEquals(2, f.opcode());
      assertArrayEquals(data, f.payload());
    }
  }

  @Test
  void reassemblesFragmentsWithInterleavedPing() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      byte[] text = bytes("héllo wörld"); // split inside the two-byte é and ö
      c.write(
          masked(false, 1, java.util.Arrays.copyOfRange(text, 0, 2)),
          masked(true, 9, bytes("p")),
          masked(false, 0, java.util.Arrays.copyOfRange(text, 2, 9)),
          masked(true, 0, java.util.Arrays.copyOfRange(text, 9, text.length)));
      Frame pong = c.read();
      assertEquals(0xA, pong.opcode());
      assertEquals("p", pong.text());
      Frame echo = c.read();
      assertEquals(1, echo.opcode());
      assertTrue(echo.fin());
      assertEquals("héllo wörld", echo.text());
    }
  }

  @Test
  void pingIsAnsweredWithPongAndDelivered() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      c.write(masked(true, 9, bytes("are you there")));
      Frame f = c.read();
      assertEquals(0xA, f.opcode());
      assertEquals("are you there", f.text());
      c.write(masked(1, "x"));
      assertEquals("x", c.read().text());
      assertInstanceOf(Message.Ping.class, c.received.get(0));
    }
  }

  @Test
  void sixtyFourBitLengthFrames() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      byte[] big = new byte[70_000];
      for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
      c.write(masked(true, 2, big));
      Frame f = c.read();
      assertEquals(8, f.lengthBytes(), "payload over 65535 bytes uses the 64-bit length");
      assertArrayEquals(big, f.payload());
      // a 16-bit length and a non-minimal 64-bit length of a small payload are accepted
      c.write(raw(0x82, new byte[300], WsTestSupport.KEY, -1));
      assertEquals(2, c.read().lengthBytes());
      c.write(raw(0x81, bytes("tiny"), WsTestSupport.KEY, 8));
      Frame tiny = c.read();
      assertEquals("tiny", tiny.text());
      assertEquals(0, tiny.lengthBytes());
    }
  }

  @Test
  void clientModeTalksToServer() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      WebSocket client = WebSocket.client(c.client, WebSocketConfig.defaults());
      c.rt.blockOn(client.send(Message.text("one")));
      c.rt.blockOn(client.send(Message.binary(new byte[] {9})));
      Optional<Message> one = c.rt.blockOn(client.next());
      assertEquals(new Message.Text("one"), one.orElseThrow());
      Message two = c.rt.blockOn(client.next()).orElseThrow();
      assertArrayEquals(new byte[] {9}, ((Message.Binary) two).data());
      c.rt.blockOn(client.close(WebSocket.NORMAL_CLOSURE, "bye"));
      Message close = c.rt.blockOn(client.next()).orElseThrow();
      assertEquals(new Message.Close(1000, ""), close, "the echo carries the code, not the reason");
      assertTrue(c.rt.blockOn(client.next()).isEmpty());
      c.settle();
      assertTrue(c.finished);
      assertNull(c.outcome.get());
      assertEquals(new Message.Close(1000, "bye"), c.received.get(2));
    }
  }

  // ----------------------------------------------------------------------------------- closing

  @Test
  void clientCloseIsEchoedWithItsCode() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      c.write(masked(true, 8, closePayload(1001, "going")));
      Frame f = c.read();
      assertEquals(8, f.opcode());
      assertEquals(1001, f.closeCode());
      assertNull(c.read(), "then the server closes the transport");
      c.settle();
      assertNull(c.outcome.get());
      assertEquals(new Message.Close(1001, "going"), c.received.get(0));
    }
  }

  @Test
  void emptyCloseIsEchoedEmpty() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      c.write(masked(true, 8, new byte[0]));
      Frame f = c.read();
      assertEquals(8, f.opcode());
      assertEquals(0, f.payload().length);
      c.settle();
      assertEquals(new Message.Close(1005, ""), c.received.get(0));
    }
  }

  @Test
  void serverInitiatedClose() throws Exception {
    List<Message> seen = Collections.synchronizedList(new ArrayList<>());
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults(),
            ws -> ws.close(4000, "done").flatMap(v -> ws.forEach(seen::add)))) {
      Frame f = c.read();
      assertEquals(4000, f.closeCode());
      assertEquals("done", f.closeReason());
      c.write(masked(true, 8, closePayload(4000, "")));
      assertNull(c.read());
      c.settle();
      assertNull(c.outcome.get());
      assertEquals(List.of(new Message.Close(4000, "")), seen);
    }
  }

  @Test
  void handlerReturningClosesNormally() throws Exception {
    try (Conn c = new Conn(WebSocketConfig.defaults(), ws -> ws.send(Message.text("bye")))) {
      assertEquals("bye", c.read().text());
      Frame f = c.read();
      assertEquals(1000, f.closeCode());
      assertNull(c.read());
    }
  }

  @Test
  void handlerFailureClosesWith1011() throws Exception {
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults(), ws -> Futures.failed(new IllegalStateException("boom")))) {
      Frame f = c.read();
      assertEquals(1011, f.closeCode());
      assertNull(c.read());
      c.settle();
      assertInstanceOf(IllegalStateException.class, c.outcome.get());
    }
  }

  @Test
  void eofWithoutCloseFailsWith1006() throws Exception {
    try (Conn c = Conn.echo(WebSocketConfig.defaults())) {
      c.rt.blockOn(c.client.shutdown());
      c.settle();
      WebSocketException e = assertInstanceOf(WebSocketException.class, c.outcome.get());
      assertEquals(1006, e.closeCode());
    }
  }

  // -------------------------------------------------------------------------------- violations

  private static void assertViolation(WebSocketConfig config, int code, ByteBuffer... frames)
      throws Exception {
    try (Conn c = Conn.echo(config)) {
      c.write(frames);
      assertEquals(code, c.expectCloseThenEof());
      c.settle();
      WebSocketException e = assertInstanceOf(WebSocketException.class, c.outcome.get());
      assertEquals(code, e.closeCode());
    }
  }

  private static void assertViolation(int code, ByteBuffer... frames) throws Exception {
    assertViolation(WebSocketConfig.defaults(), code, frames);
  }

  @Test
  void unmaskedClientFrameIs1002() throws Exception {
    assertViolation(1002, unmasked(true, 1, bytes("hi")));
  }

  @Test
  void rsvBitsWithoutExtensionAre1002() throws Exception {
    assertViolation(1002, raw(0x80 | 0x40 | 1, bytes("hi"), WsTestSupport.KEY, -1));
  }

  @Test
  void unknownOpcodeIs1002() throws Exception {
    assertViolation(1002, masked(true, 3, bytes("x")));
    assertViolation(1002, masked(true, 0xB, bytes("x")));
  }

  @Test
  void controlFrameLongerThan125Is1002() throws Exception {
    assertViolation(1002, masked(true, 9, new byte[126]));
  }

  @Test
  void fragmentedControlFrameIs1002() throws Exception {
    assertViolation(1002, masked(false, 9, bytes("x")));
  }

  @Test
  void continuationWithoutStartIs1002() throws Exception {
    assertViolation(1002, masked(true, 0, bytes("x")));
  }

  @Test
  void newMessageInsideFragmentedOneIs1002() throws Exception {
    assertViolation(1002, masked(false, 1, bytes("a")), masked(true, 1, bytes("b")));
  }

  @Test
  void invalidUtf8Is1007() throws Exception {
    assertViolation(1007, masked(true, 1, new byte[] {'a', (byte) 0xff}));
    // overlong encoding of '/' and an encoded surrogate
    assertViolation(1007, masked(true, 1, new byte[] {(byte) 0xc0, (byte) 0xaf}));
    assertViolation(1007, masked(true, 1, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
  }

  @Test
  void invalidUtf8AcrossFragmentsIs1007() throws Exception {
    // a message that ends inside a multi-byte sequence
    assertViolation(
        1007,
        masked(false, 1, bytes("ok")),
        masked(true, 0, new byte[] {(byte) 0xe2, (byte) 0x82}));
    // a bad continuation byte in the second fragment
    assertViolation(
        1007,
        masked(false, 1, new byte[] {(byte) 0xe2}),
        masked(true, 0, new byte[] {(byte) 0x28, (byte) 0xa1}));
  }

  @Test
  void oversizeMessageIs1009() throws Exception {
    WebSocketConfig small = WebSocketConfig.defaults().withMaxMessageSize(10);
    assertViolation(small, 1009, masked(true, 2, new byte[11]));
    assertViolation(small, 1009, masked(false, 2, new byte[6]), masked(true, 0, new byte[6]));
  }

  @Test
  void oversizeFrameIs1009() throws Exception {
    WebSocketConfig small = WebSocketConfig.defaults().withMaxFrameSize(100);
    assertViolation(small, 1009, masked(true, 2, new byte[101]));
    // detected from the header alone: a frame that claims 2^40 bytes
    ByteBuffer huge = ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xff);
    huge.putLong(1L << 40).put(WsTestSupport.KEY).flip();
    assertViolation(1009, huge);
  }

  @Test
  void aFrameTooLongForOneJavaArrayIs1009EvenWithoutAFrameLimit() throws Exception {
    // maxFrameSize = Integer.MAX_VALUE, "no limit": a frame just under it cannot be held with its
    // header in one array; it closes with 1009 instead of overflowing the frame's length.
    WebSocketConfig unlimited =
        WebSocketConfig.defaults()
            .withMaxFrameSize(Integer.MAX_VALUE)
            .withMaxMessageSize(Integer.MAX_VALUE);
    ByteBuffer huge = ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xff);
    huge.putLong(Integer.MAX_VALUE - 4).put(WsTestSupport.KEY).flip();
    assertViolation(unlimited, 1009, huge);
  }

  @Test
  void sixtyFourBitLengthWithTopBitIs1002() throws Exception {
    ByteBuffer bad = ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xff);
    bad.putLong(Long.MIN_VALUE).put(WsTestSupport.KEY).flip();
    assertViolation(1002, bad);
  }

  @Test
  void invalidCloseFramesAre1002Or1007() throws Exception {
    assertViolation(1002, masked(true, 8, new byte[] {3}));
    for (int code : new int[] {999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
      assertViolation(1002, masked(true, 8, closePayload(code, "")));
    }
    assertViolation(1007, masked(true, 8, new byte[] {0x03, (byte) 0xe8, (byte) 0xff}));
  }

  // ---------------------------------------------------------------------------------- sending

  @Test
  void sendRejectsBadControlFrames() throws Exception {
    AtomicReference<List<Exception>> errors = new AtomicReference<>();
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults(),
            ws -> {
              List<Exception> es = new ArrayList<>();
              Future<Void> a = ws.send(Message.ping(new byte[126])).recover(e -> note(es, e));
              Future<Void> b = ws.close(1005, "reason").recover(e -> note(es, e));
              Future<Void> d = ws.close(1006, "").recover(e -> note(es, e));
              return a.flatMap(x -> b)
                  .flatMap(x -> d)
                  .map(
                      x -> {
                        errors.set(es);
                        return null;
                      });
            })) {
      c.settle();
      assertEquals(3, errors.get().size());
      for (Exception e : errors.get()) assertInstanceOf(IllegalArgumentException.class, e);
      assertEquals(
          "1005 (no status code) sends a close frame without a body, so it cannot carry the"
              + " reason \"reason\"; give a sendable code such as 1000 (normal closure)",
          errors.get().get(1).getMessage());
      assertEquals(1000, c.read().closeCode(), "nothing bad was sent; the handler closed normally");
    }
  }

  private static Void note(List<Exception> es, Exception e) {
    es.add(e);
    return null;
  }

  @Test
  void sendAfterCloseFails() throws Exception {
    AtomicReference<Exception> err = new AtomicReference<>();
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults(),
            ws ->
                ws.close(1000, "")
                    .flatMap(v -> ws.send(Message.text("late")))
                    .recover(
                        e -> {
                          err.set(e);
                          return null;
                        }))) {
      c.settle();
      assertNotNull(err.get());
      assertEquals(1000, c.read().closeCode());
    }
  }

  @Test
  void utf8ValidatorEdgeCases() {
    assertTrue(Utf8Validator.isValid(bytes("aé€😀"), 0, bytes("aé€😀").length));
    assertFalse(
        Utf8Validator.isValid(
            new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4));
    assertFalse(Utf8Validator.isValid(new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0x80}, 0, 3));
    assertFalse(
        Utf8Validator.isValid(
            new byte[] {(byte) 0xf0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, 0, 4));
    assertFalse(Utf8Validator.isValid(new byte[] {(byte) 0x80}, 0, 1));
    assertFalse(
        Utf8Validator.isValid(
            new byte[] {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, 0, 4));
    assertFalse(Utf8Validator.isValid(new byte[] {(byte) 0xc3}, 0, 1));
    assertTrue(
        Utf8Validator.isValid(
            new byte[] {(byte) 0xf4, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf}, 0, 4));
  }

  // ------------------------------------------------------------------------------ backpressure

  @Test
  void sendWaitsUntilThePeerReads() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean sent =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (Conn c =
        new Conn(
            Runtime.builder().currentThread().enableTime().build(),
            64,
            WebSocketConfig.defaults(),
            ws ->
                ws.send(Message.binary(new byte[1000]))
                    .map(
                        v -> {
                          sent.set(true);
                          return null;
                        })
                    .flatMap(v -> ws.forEach(m -> {})))) {
      for (int i = 0; i < 20; i++) c.rt.blockOn(Task.yieldNow());
      assertFalse(sent.get(), "the frame does not fit in the 64-byte pipe until the client reads");
      Frame f = c.read();
      assertEquals(1000, f.payload().length);
      for (int i = 0; i < 20 && !sent.get(); i++) c.rt.blockOn(Task.yieldNow());
      assertTrue(sent.get());
      c.write(masked(true, 8, closePayload(1000, "")));
      assertEquals(1000, c.read().closeCode());
    }
  }

  private static void concurrentSendersAndPongs(Runtime rt) throws Exception {
    int n = 200;
    try (Conn c =
        new Conn(
            rt,
            32,
            WebSocketConfig.defaults(),
            ws -> {
              Task.spawn(
                  Futures.loop(
                      0,
                      i ->
                          i == n
                              ? Futures.ready(Futures.Step.<Integer, Void>done(null))
                              : ws.send(Message.text("m" + i))
                                  .map(v -> Futures.Step.<Integer, Void>next(i + 1))));
              return ws.forEach(m -> {});
            })) {
      // the client pings while the server task streams messages through a tiny pipe
      int texts = 0;
      int pongs = 0;
      int pingsSent = 0;
      int lastPong = -1;
      // Pongs come in ping order; a pong still queued may be replaced by the next ping's (RFC 6455
      // 5.5.3: the latest ping is enough), so the last ping is always answered.
      while (texts < n || lastPong < 49) {
        if (pingsSent < 50) {
          c.write(masked(true, 9, bytes("p" + pingsSent)));
          pingsSent++;
        }
        Frame f = c.read();
        assertNotNull(f);
        if (f.opcode() == 1) {
          assertEquals("m" + texts, f.text(), "in order, never interleaved");
          texts++;
        } else {
          assertEquals(0xA, f.opcode());
          int answered = Integer.parseInt(f.text().substring(1));
          assertTrue(answered > lastPong && answered < pingsSent, "pongs in ping order");
          lastPong = answered;
          pongs++;
        }
      }
      assertTrue(pongs >= 1);
      c.write(masked(true, 8, closePayload(1000, "")));
      assertEquals(1000, c.read().closeCode());
    }
  }

  @Test
  void concurrentSendsAndAutoPongsOnCurrentThread() throws Exception {
    concurrentSendersAndPongs(Runtime.builder().currentThread().enableTime().build());
  }

  @Test
  void concurrentSendsAndAutoPongsOnMultiThread() throws Exception {
    for (int round = 0; round < 5; round++) {
      concurrentSendersAndPongs(
          Runtime.builder().multiThread().workerThreads(4).enableTime().build());
    }
  }

  // ------------------------------------------------------------------------------ close timeout

  private static final Duration SHORT = Duration.ofMillis(200);

  @Test
  void closeTimeoutIsConfigurableAndValidated() {
    WebSocketConfig d = WebSocketConfig.defaults();
    assertEquals(Duration.ofSeconds(5), d.closeTimeout());
    assertEquals(WebSocketConfig.DEFAULT_CLOSE_TIMEOUT, d.closeTimeout());
    assertEquals(Duration.ofSeconds(5), new WebSocketConfig(10, 10, List.of()).closeTimeout());
    WebSocketConfig c = d.withCloseTimeout(SHORT).withMaxFrameSize(100).withProtocols("chat");
    assertEquals(SHORT, c.closeTimeout(), "kept by the other withers");
    assertEquals(100, c.maxFrameSize());
    assertTrue(c.toString().contains("closeTimeout=PT0.2S"), c.toString());
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> d.withCloseTimeout(Duration.ZERO));
    assertEquals("closeTimeout must be positive: PT0S", zero.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.withCloseTimeout(Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WebSocketConfig(10, 10, List.of(), Duration.ofSeconds(-5)));
    assertThrows(NullPointerException.class, () -> d.withCloseTimeout(null));
  }

  @Test
  void serverCloseWithoutAnAnswerTimesOutWith1006() throws Exception {
    List<Message> seen = Collections.synchronizedList(new ArrayList<>());
    WebSocket[] server = new WebSocket[1];
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults().withCloseTimeout(SHORT),
            ws -> {
              server[0] = ws;
              return ws.close(4000, "done").flatMap(v -> ws.forEach(seen::add));
            })) {
      long start = System.nanoTime();
      assertEquals(4000, c.read().closeCode());
      // the peer never answers with its close frame
      assertNull(c.read(), "the server closes the transport at the close timeout");
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(elapsedMs >= 150, "closed after the timeout, not before: " + elapsedMs + " ms");
      c.awaitFinished();
      WebSocketException e = assertInstanceOf(WebSocketException.class, c.outcome.get());
      assertEquals(WebSocket.ABNORMAL_CLOSURE, e.closeCode());
      assertTrue(e.getMessage().contains("close handshake timed out after 200 ms"), e.getMessage());
      assertEquals(List.of(), seen);
      assertFalse(server[0].closeTimerArmed(), "no timer left behind");
    }
  }

  @Test
  void dataAfterOurCloseIsDiscardedAndDoesNotHoldTheConnection() throws Exception {
    List<Message> seen = Collections.synchronizedList(new ArrayList<>());
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults().withCloseTimeout(SHORT),
            ws -> ws.close(1000, "").flatMap(v -> ws.forEach(seen::add)))) {
      assertEquals(1000, c.read().closeCode());
      // the peer keeps talking (data, fragments, pings) but never sends its close frame
      long end = System.nanoTime() + 150_000_000L;
      while (System.nanoTime() < end) {
        c.write(
            masked(1, "still here"),
            masked(false, 2, bytes("a")),
            masked(true, 9, bytes("ping")),
            masked(true, 0, bytes("b")));
        c.rt.blockOn(Time.sleep(Duration.ofMillis(10)));
      }
      assertNull(c.read(), "no pong, no echo: only end of stream, at the close timeout");
      c.awaitFinished();
      WebSocketException e = assertInstanceOf(WebSocketException.class, c.outcome.get());
      assertEquals(1006, e.closeCode());
      assertEquals(List.of(), seen, "frames after our close are discarded");
    }
  }

  @Test
  void theirCloseAfterDiscardedDataEndsNormally() throws Exception {
    List<Message> seen = Collections.synchronizedList(new ArrayList<>());
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults(),
            ws -> ws.close(1000, "").flatMap(v -> ws.forEach(seen::add)))) {
      assertEquals(1000, c.read().closeCode());
      c.write(masked(1, "late"), masked(true, 8, closePayload(1000, "ok")));
      assertNull(c.read());
      c.settle();
      assertTrue(c.finished);
      assertNull(c.outcome.get());
      assertEquals(List.of(new Message.Close(1000, "ok")), seen);
    }
  }

  @Test
  void normalCloseHandshakeCompletesAtOnceAndLeavesNoTimer() throws Exception {
    WebSocket[] server = new WebSocket[1];
    List<Message> seen = Collections.synchronizedList(new ArrayList<>());
    // a long close timeout: the test would take it if the handshake waited on the timer
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults().withCloseTimeout(Duration.ofSeconds(30)),
            ws -> {
              server[0] = ws;
              return ws.close(1000, "bye").flatMap(v -> ws.forEach(seen::add));
            })) {
      long start = System.nanoTime();
      assertEquals(1000, c.read().closeCode());
      assertTrue(server[0].closeTimerArmed(), "armed while waiting for the peer's close");
      c.write(masked(true, 8, closePayload(1000, "")));
      assertNull(c.read());
      c.awaitFinished();
      assertTrue((System.nanoTime() - start) < 10_000_000_000L);
      assertNull(c.outcome.get());
      assertEquals(List.of(new Message.Close(1000, "")), seen);
      assertFalse(server[0].closeTimerArmed(), "the timer was cancelled");
      assertEquals(0, c.rt.metrics().numAliveTasks(), "the connection task is gone");
    }
  }

  @Test
  void peerInitiatedCloseLeavesNoTimer() throws Exception {
    WebSocket[] server = new WebSocket[1];
    try (Conn c =
        new Conn(
            WebSocketConfig.defaults().withCloseTimeout(Duration.ofSeconds(30)),
            ws -> {
              server[0] = ws;
              return ws.forEach(m -> {});
            })) {
      c.write(masked(true, 8, closePayload(1001, "")));
      assertEquals(1001, c.read().closeCode());
      assertNull(c.read());
      c.awaitFinished();
      assertNull(c.outcome.get());
      assertFalse(server[0].closeTimerArmed());
    }
  }

  @Test
  void closeWhoseFrameCannotBeWrittenTimesOut() throws Exception {
    AtomicReference<Exception> closeError = new AtomicReference<>();
    try (Conn c =
        new Conn(
            Runtime.builder().currentThread().enableTime().build(),
            64,
            WebSocketConfig.defaults().withCloseTimeout(SHORT),
            ws -> {
              Future<Void> big = ws.send(Message.binary(new byte[1000])).recover(e -> null);
              return ws.close(1000, "")
                  .recover(
                      e -> {
                        closeError.set(e);
                        return null;
                      })
                  .flatMap(v -> big);
            })) {
      // the client never reads: neither the big frame nor the close frame can be written
      c.awaitFinished();
      WebSocketException e = assertInstanceOf(WebSocketException.class, closeError.get());
      assertEquals(1006, e.closeCode());
      assertNull(c.outcome.get());
    }
  }

  @Test
  void clientCloseWithoutAnAnswerTimesOut() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      DuplexStream.Pair pair = Io.duplex(1 << 16);
      WebSocket client =
          WebSocket.client(pair.client(), WebSocketConfig.defaults().withCloseTimeout(SHORT));
      rt.blockOn(client.close(1000, ""));
      Frame f = rt.blockOn(readFrame(pair.server()));
      assertTrue(f.masked());
      assertEquals(1000, f.closeCode());
      // the server side sends data but never its close frame
      rt.blockOn(pair.server().writeAll(unmasked(true, 1, bytes("ignored"))));
      long start = System.nanoTime();
      WebSocketException e =
          assertThrows(WebSocketException.class, () -> rt.blockOn(client.next()));
      assertEquals(1006, e.closeCode());
      assertTrue((System.nanoTime() - start) / 1_000_000 >= 100);
      assertTrue(rt.blockOn(client.next()).isEmpty(), "then the stream ends");
      assertNull(rt.blockOn(readFrame(pair.server())), "the transport was closed");
      assertFalse(client.closeTimerArmed());
    }
  }
}
