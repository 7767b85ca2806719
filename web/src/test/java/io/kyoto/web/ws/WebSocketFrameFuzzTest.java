package io.kyoto.web.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.stream.Stream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Coverage-guided fuzzing of {@link WebSocket}'s frame decoder (server and client ends) with
 * Jazzer.
 *
 * <p>Plain {@code mvn test} replays the seeds in {@code
 * src/test/resources/io/kyoto/web/ws/WebSocketFrameFuzzTestInputs/frames/} (regression mode).
 * Fuzzing mode: {@code mvn -B -pl web -am test -Pfuzz} (every target of the profile), or one short
 * session: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -B -pl web -am test
 * -Dtest='WebSocketFrameFuzzTest#frames' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Input layout (FuzzedDataProvider, which takes integers from the end): one mode byte (the
 * limits, the size of the in-memory pipe: 64 KiB, 5 bytes or 1 byte, and which end is under test:
 * the server, reading masked frames, or for mode 27 and above the client, reading unmasked ones),
 * the number of cuts and the cut points; the remaining bytes are what the peer sends. A peer task
 * writes them over an {@link Io#duplex} in those pieces (yielding between pieces, so the end under
 * test decodes partial frames), then shuts down its write side; a drain task reads what the end
 * under test sends back; the end under test reads messages until its stream ends or fails.
 * Everything runs on one current-thread runtime with a paused clock under {@link Time#timeout}, so
 * a hang (every task waiting) surfaces at once as a {@link TimeoutException} rather than a stuck
 * fuzzer.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>the stream ends after a {@link Message.Close} or fails with a {@link WebSocketException};
 *       nothing else escapes, and it always terminates;
 *   <li>the messages, and the close code of the failure, are those of an independent, deliberately
 *       plain RFC 6455 reader in this class (a differential check): in particular a frame or
 *       message over the small configured limits fails with 1009 from its header, before its
 *       payload is sent (the wire may not even hold it), text is delivered only when it is valid
 *       UTF-8;
 *   <li>what the end under test writes: unfragmented frames, masked by a client only; pongs that
 *       answer the pings delivered, in order, at least the last one (RFC 6455 §5.5.3); a close
 *       frame with the failure's code (or the echo of the peer's close) last; nothing after it,
 *       except that after an abnormal closure (1006) queued pongs may be dropped or cut short;
 *   <li>the read buffer and the reassembly buffer stay within the configured limits.
 * </ul>
 */
class WebSocketFrameFuzzTest {
  private static final int[] FRAME_LIMITS = {8, 125, 300};
  private static final int[] MESSAGE_LIMITS = {16, 200, 1000};
  private static final int[] PIPE_SIZES = {64 * 1024, 5, 1};
  private static final Duration LIMIT = Duration.ofSeconds(30);

  // One runtime for all inputs: a paused clock jumps to the timeout as soon as every task waits.
  private static final Runtime RT = Runtime.builder().currentThread().startPaused(true).build();

  @FuzzTest(maxDuration = "10m")
  void frames(FuzzedDataProvider data) throws Exception {
    int mode = data.consumeInt(0, 53);
    int limits = mode % 9;
    int pipe = PIPE_SIZES[mode / 9 % 3];
    boolean clientMode = mode >= 27;
    WebSocketConfig config =
        WebSocketConfig.defaults()
            .withMaxFrameSize(FRAME_LIMITS[limits % 3])
            .withMaxMessageSize(MESSAGE_LIMITS[limits / 3]);
    int nCuts = data.consumeInt(0, 6);
    int[] cutBytes = new int[nCuts];
    for (int i = 0; i < nCuts; i++) cutBytes[i] = data.consumeInt(0, 255);
    byte[] wire = data.consumeRemainingAsBytes();
    int[] cuts = cuts(wire.length, cutBytes);

    Outcome expected = reference(wire, config, clientMode);
    Outcome actual = run(wire, cuts, config, pipe, clientMode);
    assertEquals(expected.describe(), actual.describe(), "differs from the reference reader");
  }

  // ------------------------------------------------------------------------ the system under test

  private record Outcome(List<String> messages, int code) {
    /** Code 0: the stream ended after a close; otherwise the failure's close code. */
    String describe() {
      return messages + " -> " + (code == 0 ? "end" : Integer.toString(code));
    }
  }

  private static int[] cuts(int length, int[] cutBytes) {
    int[] cuts = new int[cutBytes.length + 1];
    for (int i = 0; i < cutBytes.length; i++) cuts[i] = length * cutBytes[i] / 255;
    cuts[cutBytes.length] = length;
    Arrays.sort(cuts);
    return cuts;
  }

  private static Outcome run(
      byte[] wire, int[] cuts, WebSocketConfig config, int pipe, boolean clientMode)
      throws Exception {
    DuplexStream.Pair pair = Io.duplex(pipe);
    DuplexStream client = pair.client(); // the fuzzer's end (the peer of the end under test)
    WebSocket ws =
        clientMode
            ? WebSocket.client(pair.server(), config)
            : WebSocket.server(pair.server(), config, null);
    List<String> messages = new ArrayList<>();
    int[] code = {-1};
    Future<byte[]> all =
        Futures.lazy(
            () -> {
              Task.spawn(writer(client, wire, cuts));
              JoinHandle<byte[]> drain = Task.spawn(drain(client));
              return reader(ws, config, messages, code).flatMap(v -> drain);
            });
    byte[] sent;
    try {
      sent = RT.blockOn(Time.timeout(LIMIT, all));
    } catch (TimeoutException e) {
      throw new AssertionError("hang: the exchange did not finish; messages " + messages, e);
    }
    checkMemory(ws, config);
    checkSent(sent, messages, code[0], clientMode);
    return new Outcome(messages, code[0]);
  }

  /** Reads messages until the end or a failure; only a {@link WebSocketException} may escape. */
  private static Future<Void> reader(
      WebSocket ws, WebSocketConfig config, List<String> messages, int[] code) {
    return cx -> {
      while (true) {
        Poll<Message> p;
        try {
          p = ws.pollNext(cx);
        } catch (WebSocketException e) {
          code[0] = e.closeCode();
          return Poll.ready(null);
        } catch (Exception e) {
          throw new AssertionError("undocumented failure after " + messages, e);
        }
        if (p.isPending()) return Poll.pending();
        if (Stream.isEnd(p)) {
          assertTrue(
              !messages.isEmpty() && messages.getLast().startsWith("close:"),
              "the stream ended without a close");
          code[0] = 0;
          return Poll.ready(null);
        }
        assertTrue(
            messages.isEmpty() || !messages.getLast().startsWith("close:"),
            "a message after the close");
        messages.add(describe(p.value(), config));
      }
    };
  }

  private static String describe(Message m, WebSocketConfig config) {
    HexFormat hex = HexFormat.of();
    return switch (m) {
      case Message.Text t -> {
        byte[] utf8 = t.text().getBytes(StandardCharsets.UTF_8);
        assertEquals(t.text(), strictUtf8(utf8), "text is not a well-formed string");
        assertTrue(utf8.length <= config.maxMessageSize(), "text over the message limit");
        yield "text:" + hex.formatHex(utf8);
      }
      case Message.Binary b -> {
        assertTrue(b.data().length <= config.maxMessageSize(), "binary over the message limit");
        yield "bin:" + hex.formatHex(b.data());
      }
      case Message.Ping p -> "ping:" + hex.formatHex(p.data());
      case Message.Pong p -> "pong:" + hex.formatHex(p.data());
      case Message.Close c -> "close:" + c.code() + ":" + c.reason();
    };
  }

  /** Writes the wire in pieces, yielding between them, then shuts down; stops at a failure. */
  private static Future<Void> writer(DuplexStream client, byte[] wire, int[] cuts) {
    ByteBuffer buf = ByteBuffer.wrap(wire);
    int[] piece = {0};
    boolean[] yieldFirst = {false};
    return cx -> {
      try {
        while (piece[0] < cuts.length) {
          if (yieldFirst[0]) {
            // let the end under test decode what it has: a frame split at this cut
            yieldFirst[0] = false;
            cx.waker().wake();
            return Poll.pending();
          }
          buf.limit(cuts[piece[0]]);
          while (buf.hasRemaining()) {
            if (client.pollWrite(cx, buf).isPending()) return Poll.pending();
          }
          piece[0]++;
          yieldFirst[0] = true;
        }
        client.pollShutdown(cx);
      } catch (IOException e) {
        // the end under test closed the connection: the rest of the wire is not read
      }
      return Poll.ready(null);
    };
  }

  /** Reads everything the end under test sends until the end of stream. */
  private static Future<byte[]> drain(DuplexStream client) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    return cx -> {
      try {
        while (true) {
          buf.clear();
          if (client.pollRead(cx, buf).isPending()) return Poll.pending();
          if (buf.position() == 0) break;
          out.write(buf.array(), 0, buf.position());
        }
      } catch (IOException e) {
        // closed: keep what was read
      }
      return Poll.ready(out.toByteArray());
    };
  }

  private static void checkMemory(WebSocket ws, WebSocketConfig config) throws Exception {
    ByteBuffer rbuf = (ByteBuffer) field("rbuf").get(ws);
    byte[] msg = (byte[]) field("msg").get(ws);
    assertTrue(
        rbuf.capacity() <= Math.max(8 * 1024, 14 + config.maxFrameSize()),
        "read buffer grew to " + rbuf.capacity());
    assertTrue(msg.length <= 2 * config.maxMessageSize(), "message buffer grew to " + msg.length);
  }

  private static Field field(String name) throws NoSuchFieldException {
    Field f = WebSocket.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /** Checks the frames the end under test sent against what it received. */
  private static void checkSent(byte[] sent, List<String> messages, int code, boolean clientMode) {
    List<String> pings = new ArrayList<>();
    for (String m : messages) {
      if (m.startsWith("ping:")) pings.add("pong:" + m.substring(5));
    }
    List<String> frames = new ArrayList<>();
    int p = 0;
    // After an abnormal closure (the peer's end of stream) the transport is closed at once, so a
    // frame still being written (a pong, with a tiny pipe) may be cut short: the peer is gone.
    boolean mayTruncate = code == WebSocket.ABNORMAL_CLOSURE;
    while (p < sent.length) {
      if (mayTruncate && sent.length - p < 2) break;
      assertTrue(sent.length - p >= 2, "truncated frame header");
      int b0 = sent[p] & 0xFF;
      int b1 = sent[p + 1] & 0xFF;
      assertEquals(0x80, b0 & 0xF0, "sent frame: FIN set, RSV clear");
      assertEquals(clientMode ? 0x80 : 0, b1 & 0x80, "a client masks its frames, a server not");
      int len7 = b1 & 0x7F;
      int head = clientMode ? 6 : 2;
      assertTrue(len7 <= 125, "only control frames are sent here");
      if (mayTruncate && sent.length - p - head < len7) break;
      assertTrue(sent.length - p - head >= len7, "truncated frame");
      byte[] payload = Arrays.copyOfRange(sent, p + head, p + head + len7);
      for (int i = 0; clientMode && i < len7; i++) payload[i] ^= sent[p + 2 + (i & 3)];
      p += head + len7;
      int op = b0 & 0xF;
      if (op == WebSocket.OP_PONG) {
        frames.add("pong:" + HexFormat.of().formatHex(payload));
      } else {
        assertEquals(WebSocket.OP_CLOSE, op, "unexpected opcode");
        assertEquals(sent.length, p, "bytes after the close frame");
        int c =
            payload.length < 2
                ? WebSocket.NO_STATUS
                : ((payload[0] & 0xFF) << 8) | payload[1] & 0xFF;
        frames.add("close:" + c);
      }
    }
    List<String> pongs = frames.stream().filter(f -> f.startsWith("pong:")).toList();
    String close =
        frames.isEmpty() || !frames.getLast().startsWith("close:") ? null : frames.getLast();
    // RFC 6455 §5.5.3 lets an endpoint answer only the most recent of several pings: pongs must
    // answer pings in order (a subsequence), and the last ping must be answered.
    assertTrue(isSubsequence(pongs, pings), "pongs " + pongs + " do not answer pings " + pings);
    if (code == WebSocket.ABNORMAL_CLOSURE) {
      // the transport ended: queued pongs may be dropped with it, no close frame is sent
      assertEquals(null, close, "a close frame after an abnormal closure");
      return;
    }
    if (!pings.isEmpty()) {
      assertTrue(
          !pongs.isEmpty() && pongs.getLast().equals(pings.getLast()), "the last ping unanswered");
    }
    if (code == 0) {
      String received = messages.getLast(); // close:<code>:<reason>
      int c = Integer.parseInt(received.split(":", 3)[1]);
      assertEquals("close:" + c, close, "the close is echoed with its code");
    } else {
      assertEquals("close:" + code, close, "the failure's close frame");
    }
  }

  private static boolean isSubsequence(List<String> sub, List<String> of) {
    int i = 0;
    for (String x : of) {
      if (i < sub.size() && sub.get(i).equals(x)) i++;
    }
    return i == sub.size();
  }

  // ---------------------------------------------------------------------------- reference reader

  /**
   * A plain reader of client frames (RFC 6455 §5), written independently of {@link WebSocket}: the
   * messages the connection should deliver, and how it should end. The checks on the first two
   * bytes come first, in the order WebSocket documents as "protocol rules"; limits are checked on
   * the declared length, before the payload is needed.
   */
  static Outcome reference(byte[] wire, WebSocketConfig config, boolean clientMode) {
    List<String> out = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    int messageOp = -1;
    int p = 0;
    while (true) {
      if (wire.length - p < 2) return new Outcome(out, 1006);
      int b0 = wire[p] & 0xFF;
      int b1 = wire[p + 1] & 0xFF;
      boolean fin = (b0 & 0x80) != 0;
      int op = b0 & 0x0F;
      boolean control = (op & 0x8) != 0;
      int len7 = b1 & 0x7F;
      if ((b0 & 0x70) != 0) return new Outcome(out, 1002);
      if (op != 0 && op != 1 && op != 2 && op != 8 && op != 9 && op != 10) {
        return new Outcome(out, 1002);
      }
      if (control && (!fin || len7 > 125)) return new Outcome(out, 1002);
      boolean masked = (b1 & 0x80) != 0;
      if (masked == clientMode) return new Outcome(out, 1002); // client frames masked, server not
      if (op == 0 && messageOp < 0) return new Outcome(out, 1002);
      if ((op == 1 || op == 2) && messageOp >= 0) return new Outcome(out, 1002);
      int lenBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
      int keyBytes = masked ? 4 : 0;
      if (wire.length - p < 2 + lenBytes + keyBytes) return new Outcome(out, 1006);
      long len = len7;
      if (lenBytes > 0) {
        len = 0;
        for (int i = 0; i < lenBytes; i++) len = (len << 8) | (wire[p + 2 + i] & 0xFF);
        if (len < 0) return new Outcome(out, 1002);
      }
      if (len > config.maxFrameSize()) return new Outcome(out, 1009);
      if (!control && message.size() + len > config.maxMessageSize()) {
        return new Outcome(out, 1009);
      }
      int start = p + 2 + lenBytes + keyBytes;
      if (wire.length - start < len) return new Outcome(out, 1006);
      byte[] payload = new byte[(int) len];
      for (int i = 0; i < len; i++)
        payload[i] =
            (byte) (masked ? wire[start + i] ^ wire[start - 4 + (i % 4)] : wire[start + i]);
      p = start + (int) len;
      switch (op) {
        case 9 -> out.add("ping:" + hex.formatHex(payload));
        case 10 -> out.add("pong:" + hex.formatHex(payload));
        case 8 -> {
          if (payload.length == 0) {
            out.add("close:1005:");
            return new Outcome(out, 0);
          }
          if (payload.length == 1) return new Outcome(out, 1002);
          int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
          boolean registered = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014;
          if (!registered && (code < 3000 || code > 4999)) return new Outcome(out, 1002);
          String reason = strictUtf8(Arrays.copyOfRange(payload, 2, payload.length));
          if (reason == null) return new Outcome(out, 1007);
          out.add("close:" + code + ":" + reason);
          return new Outcome(out, 0);
        }
        default -> {
          if (op != 0) messageOp = op;
          message.writeBytes(payload);
          // text is checked as it arrives: an invalid prefix fails at once
          if (messageOp == 1 && !validUtf8Prefix(message.toByteArray())) {
            return new Outcome(out, 1007);
          }
          if (fin) {
            byte[] whole = message.toByteArray();
            if (messageOp == 1) {
              if (strictUtf8(whole) == null) return new Outcome(out, 1007);
              out.add("text:" + hex.formatHex(whole));
            } else {
              out.add("bin:" + hex.formatHex(whole));
            }
            message.reset();
            messageOp = -1;
          }
        }
      }
    }
  }

  private static CharsetDecoder strict() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** {@return the text, or null if the bytes are not UTF-8} */
  private static String strictUtf8(byte[] bytes) {
    try {
      return strict().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * {@return whether the bytes are UTF-8 or can still become UTF-8: an incomplete last character
   * must be the start of a valid one} RFC 6455 §8.1 fails on invalid text as soon as it is seen;
   * the JDK decoder leaves an incomplete tail unread even when no continuation can fix it (e.g.
   * {@code ED A0}, a surrogate), so the tail is tried with every second byte and filler.
   */
  private static boolean validUtf8Prefix(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (strict().decode(in, CharBuffer.allocate(bytes.length + 1), false).isError()) return false;
    byte[] tail = new byte[in.remaining()];
    in.get(tail);
    if (tail.length == 0) return true;
    for (int second = 0x80; second <= 0xBF; second++) {
      byte[] c = {tail[0], (byte) second, (byte) 0x80, (byte) 0x80};
      System.arraycopy(tail, 0, c, 0, tail.length);
      for (int n = tail.length + 1; n <= 4; n++) {
        if (strictUtf8(Arrays.copyOf(c, n)) != null) return true;
      }
    }
    return false;
  }
}
