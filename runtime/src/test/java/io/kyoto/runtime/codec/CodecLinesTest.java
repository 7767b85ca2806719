package io.kyoto.runtime.codec;

import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.IoTestSupport.ChunkedReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LinesCodec}, directly and through {@link FramedRead}, {@link FramedWrite}, {@link Framed}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CodecLinesTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  private static List<String> readAll(Runtime rt, FramedRead<String> lines) throws Exception {
    return rt.blockOn(collect(lines));
  }

  /** {@return a future of every line of {@code lines}} */
  private static Future<List<String>> collect(FramedRead<String> lines) {
    List<String> out = new ArrayList<>();
    return Futures.loop(
        out,
        acc ->
            lines
                .next()
                .map(o -> o.orElse(null))
                .map(
                    line -> {
                      if (line == null) {
                        return Step.<List<String>, List<String>>done(acc);
                      }
                      acc.add(line);
                      return Step.next(acc);
                    }));
  }

  @Test
  void decodeSplitsAtNewlinesAndStripsCarriageReturns() throws Exception {
    LinesCodec codec = LinesCodec.create();
    ByteBuffer src = bytes("one\ntwo\r\nthr");
    assertEquals("one", codec.decode(src));
    assertEquals("two", codec.decode(src));
    assertNull(codec.decode(src), "incomplete");
    assertEquals(3, src.remaining(), "an incomplete line is not consumed");
    assertEquals("thr", codec.decodeEof(src), "the last line needs no terminator");
    assertNull(codec.decodeEof(src));
    assertNull(codec.decodeEof(bytes("\r")), "a lone CR at the end is no line");
    assertEquals("", codec.decode(bytes("\n")));
    assertEquals("", codec.decode(bytes("\r\n")));
  }

  @Test
  void framedReadDecodesLinesSplitAcrossManyReads() throws Exception {
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String line = "line " + i + " ü".repeat(i % 7);
      expected.add(line);
      text.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    text.append("unterminated");
    expected.add("unterminated");
    try (Runtime rt = runtime()) {
      FramedRead<String> lines =
          FramedRead.create(
              new ChunkedReader(text.toString().getBytes(UTF_8), 5, 17, 4), LinesCodec.create());
      assertEquals(expected, readAll(rt, lines));
      assertTrue(lines.isEnded());
      assertNull(rt.blockOn(lines.next()).orElse(null), "stays ended");
    }
  }

  /** An endless stream of 'a' with no newline, counting what it hands out. */
  static final class Endless implements AsyncRead {
    long delivered;

    @Override
    public Poll<Void> pollRead(Context cx, ByteBuffer dst) {
      while (dst.hasRemaining()) {
        dst.put((byte) 'a');
        delivered++;
      }
      return Poll.ready(null);
    }
  }

  @Test
  void aLineOverTheMaximumFailsWithoutGrowingTheBufferBeyondIt() throws Exception {
    try (Runtime rt = runtime()) {
      Endless endless = new Endless();
      FramedRead<String> lines =
          FramedRead.withCapacity(endless, LinesCodec.withMaxLength(100_000), 1024);
      CodecException e =
          assertThrows(CodecException.class, () -> rt.blockOn(lines.next()).orElse(null));
      assertEquals("max line length exceeded (100000 bytes)", e.getMessage());
      assertTrue(
          endless.delivered <= 100_001 + 100_001,
          "read at most the maximum plus one read: " + endless.delivered);
      assertNull(rt.blockOn(lines.next()).orElse(null), "a failed source is ended, as tokio's");
    }
  }

  @Test
  void afterAnOverlongLineTheCodecDiscardsToTheNextNewline() throws Exception {
    LinesCodec codec = LinesCodec.withMaxLength(5);
    ByteBuffer src = bytes("toolongline");
    assertThrows(CodecException.class, () -> codec.decode(src));
    ByteBuffer rest = bytes("more\nok\n");
    assertEquals("ok", codec.decode(rest), "the tail of the long line is skipped");
    assertEquals(5, codec.maxLength());
    assertEquals("12345", LinesCodec.withMaxLength(5).decode(bytes("12345\n")), "at the limit");
    assertEquals(LinesCodec.DEFAULT_MAX_LENGTH, LinesCodec.create().maxLength());
  }

  @Test
  void invalidUtf8IsACodecError() {
    CodecException e =
        assertThrows(
            CodecException.class,
            () -> LinesCodec.create().decode(ByteBuffer.wrap(new byte[] {'a', (byte) 0xc3, '\n'})));
    assertEquals("line is not valid UTF-8", e.getMessage());
  }

  @Test
  void framedSendsAndReceivesLinesOverADuplex() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(32);
      Framed<String, String> client = Framed.create(p.client(), LinesCodec.create());
      Framed<String, String> server = Framed.create(p.server(), LinesCodec.create());
      List<String> got =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    // An echo server that upper-cases each line until the client hangs up.
                    JoinHandle<Void> echo =
                        Task.spawn(
                            Futures.loop(
                                0,
                                n ->
                                    server
                                        .next()
                                        .map(o -> o.orElse(null))
                                        .flatMap(
                                            line ->
                                                line == null
                                                    ? server
                                                        .closeAsync()
                                                        .map(v -> Step.<Integer, Void>done(null))
                                                    : server
                                                        .send(line.toUpperCase())
                                                        .map(v -> Step.next(n + 1)))));
                    // Both directions exceed the pipe: the client reads while it writes.
                    Future<Void> writes =
                        client
                            .feed("hello")
                            .flatMap(v -> client.feed("wörld"))
                            .flatMap(v -> client.send("a much longer line than the duplex buffer"))
                            .flatMap(v -> client.closeAsync());
                    return Futures.join(writes, collect(client.reader()), (v, lines) -> lines)
                        .flatMap(lines -> echo.map(v -> lines));
                  }));
      assertEquals(List.of("HELLO", "WÖRLD", "A MUCH LONGER LINE THAN THE DUPLEX BUFFER"), got);
    }
  }

  @Test
  void framedWriteEncodesLinesWithNewlines() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(1024);
      FramedWrite<String> out = FramedWrite.create(p.client(), LinesCodec.create());
      rt.blockOn(out.feed("a").flatMap(v -> out.feed("b")));
      assertEquals(4, out.bufferedBytes(), "fed, not written");
      assertEquals(0, p.server().available());
      rt.blockOn(out.flush());
      assertEquals(0, out.bufferedBytes());
      rt.blockOn(out.closeAsync());
      assertEquals("a\nb\n", rt.blockOn(p.server().readToString(UTF_8)));
    }
  }
}
