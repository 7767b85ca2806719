package io.kyoto.runtime.io;

import static io.kyoto.runtime.io.IoTestSupport.crc;
import static io.kyoto.runtime.io.IoTestSupport.randomBytes;
import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.io.IoTestSupport.ChunkedReader;
import io.kyoto.runtime.io.IoTestSupport.SlowWriter;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The futures of {@link Io}: reads, writes, copies and {@code using}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoUtilTest {
  @Test
  void readExactFillsTheBufferAcrossChunksAndPendings() throws Exception {
    byte[] data = randomBytes(1, 10_000);
    try (Runtime rt = runtime()) {
      ByteBuffer dst = ByteBuffer.allocate(10_000);
      int n = rt.blockOn(new ChunkedReader(data, 2, 100, 3).readExact(dst));
      assertEquals(10_000, n);
      assertArrayEquals(data, dst.array());
    }
  }

  @Test
  void readExactFailsWithEarlyEofAndKeepsWhatItRead() throws Exception {
    try (Runtime rt = runtime()) {
      ByteBuffer dst = ByteBuffer.allocate(100);
      EOFException e =
          assertThrows(
              EOFException.class,
              () -> rt.blockOn(Io.readExact(new ChunkedReader(new byte[60], 1, 7, 2), dst)));
      assertEquals("early eof", e.getMessage());
      assertEquals(60, dst.position(), "the position tells how much was read");
    }
  }

  @Test
  void readReturnsTheCountThenMinusOneAtEndOfStream() throws Exception {
    try (Runtime rt = runtime()) {
      ChunkedReader r = new ChunkedReader(new byte[5], 1, 100, 0);
      assertEquals(5, rt.blockOn(r.read(ByteBuffer.allocate(10))));
      assertEquals(-1, rt.blockOn(r.read(ByteBuffer.allocate(10))));
      assertEquals(0, rt.blockOn(r.read(ByteBuffer.allocate(0))), "no space: 0, not EOF");
    }
  }

  @Test
  void readToEndCollectsEveryByteAndHonoursItsLimit() throws Exception {
    byte[] data = randomBytes(3, 100_000);
    try (Runtime rt = runtime()) {
      assertArrayEquals(data, rt.blockOn(new ChunkedReader(data, 4, 5000, 4).readToEnd()));
      assertArrayEquals(
          data, rt.blockOn(Io.readToEnd(new ChunkedReader(data, 4, 5000, 4), data.length)));
      IOException tooLong =
          assertThrows(
              IOException.class,
              () -> rt.blockOn(Io.readToEnd(new ChunkedReader(data, 4, 5000, 4), 99_999)));
      assertEquals("the stream is longer than the limit of 99999 bytes", tooLong.getMessage());
      assertArrayEquals(
          new byte[0], rt.blockOn(Io.readToEnd(new ChunkedReader(new byte[0], 1, 1, 0), 0)));
      assertThrows(
          IOException.class, () -> rt.blockOn(Io.readToEnd(new ChunkedReader(data, 1, 1, 0), 0)));
    }
  }

  @Test
  void readToStringDecodesStrictly() throws Exception {
    try (Runtime rt = runtime()) {
      byte[] text = "grüße, 世界".getBytes(UTF_8);
      assertEquals("grüße, 世界", rt.blockOn(new ChunkedReader(text, 1, 3, 2).readToString(UTF_8)));
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(
                      Io.readToString(
                          new ChunkedReader(new byte[] {'a', (byte) 0xff}, 1, 3, 0), UTF_8)));
      assertEquals("stream did not contain valid UTF-8", e.getMessage());
    }
  }

  @Test
  void writeAllToASlowSinkWritesEverything() throws Exception {
    byte[] data = randomBytes(5, 50_000);
    try (Runtime rt = runtime()) {
      SlowWriter w = new SlowWriter(333);
      ByteBuffer src = ByteBuffer.wrap(data);
      rt.blockOn(w.writeAll(src));
      assertArrayEquals(data, w.bytes());
      assertFalse(src.hasRemaining());
      assertTrue(w.writes() >= 50_000 / 333);
    }
  }

  @Test
  void writeAllToASinkThatAcceptsNothingFails() throws Exception {
    try (Runtime rt = runtime()) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(
                      Io.writeAll(new SlowWriter(10).acceptNothing(), ByteBuffer.allocate(5))));
      assertEquals("failed to write whole buffer", e.getMessage());
    }
  }

  @Test
  void writeAllVectoredWritesEveryBufferInOrder() throws Exception {
    try (Runtime rt = runtime()) {
      SlowWriter w = new SlowWriter(3);
      rt.blockOn(
          w.writeAllVectored(
              ByteBuffer.wrap("ab".getBytes(UTF_8)),
              ByteBuffer.allocate(0),
              ByteBuffer.wrap("cdefg".getBytes(UTF_8))));
      assertEquals("abcdefg", new String(w.bytes(), UTF_8));

      DuplexStream.Pair p = Io.duplex(64);
      rt.blockOn(
          p.client()
              .writeAllVectored(
                  ByteBuffer.wrap("hello ".getBytes(UTF_8)),
                  ByteBuffer.wrap("world".getBytes(UTF_8))));
      assertEquals(11, p.server().available(), "a vectored duplex takes both in one write");
    }
  }

  @Test
  void copyMovesTenMebibytesThroughSmallDuplexBuffersIntact() throws Exception {
    byte[] data = randomBytes(42, 10 << 20);
    try (Runtime rt = runtime()) {
      DuplexStream.Pair in = Io.duplex(4096);
      DuplexStream.Pair out = Io.duplex(1500);
      long copied =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinHandle<Void> producer =
                        Task.spawn(
                            in.client()
                                .writeAll(ByteBuffer.wrap(data))
                                .flatMap(v -> in.client().shutdown()));
                    JoinHandle<Long> copier =
                        Task.spawn(
                            Io.copy(in.server(), out.client())
                                .flatMap(n -> out.client().shutdown().map(v -> n)));
                    JoinHandle<byte[]> consumer = Task.spawn(out.server().readToEnd());
                    return Futures.join(
                        producer,
                        Futures.join(
                            copier,
                            consumer,
                            (n, bytes) -> {
                              assertEquals(crc(data), crc(bytes), "checksum");
                              assertEquals(data.length, bytes.length);
                              return n;
                            }),
                        (v, n) -> n);
                  }));
      assertEquals(data.length, copied);
    }
  }

  @Test
  void copyFlushesABufferingWriterWhileTheReaderIsPending() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair in = Io.duplex(1024);
      DuplexStream.Pair out = Io.duplex(1024);
      BufWriter<DuplexStream> buffered = BufWriter.create(out.client());
      byte[] got =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    // The copy never ends: the reader stays open. The peer must still get the
                    // bytes.
                    JoinHandle<Long> copier = Task.spawn(Io.copy(in.server(), buffered));
                    ByteBuffer dst = ByteBuffer.allocate(5);
                    return in.client()
                        .writeAll(ByteBuffer.wrap("hello".getBytes(UTF_8)))
                        .flatMap(v -> out.server().readExact(dst))
                        .map(
                            n -> {
                              copier.abort();
                              return dst.array();
                            });
                  }));
      assertEquals("hello", new String(got, UTF_8));
    }
  }

  @Test
  void copyBufWritesStraightFromTheReadersBuffer() throws Exception {
    byte[] data = randomBytes(7, 200_000);
    try (Runtime rt = runtime()) {
      SlowWriter w = new SlowWriter(1000);
      long n = rt.blockOn(Io.copyBuf(BufReader.create(new ChunkedReader(data, 8, 3000, 3)), w));
      assertEquals(data.length, n);
      assertArrayEquals(data, w.bytes());
      assertTrue(w.flushes() >= 1, "flushed at end of stream");
      assertFalse(w.isShutdown(), "copy does not shut the writer down");
    }
  }

  @Test
  void copyFailsWhenTheWriterAcceptsNothing() throws Exception {
    try (Runtime rt = runtime()) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(
                      Io.copy(
                          new ChunkedReader(new byte[10], 1, 10, 0),
                          new SlowWriter(1).acceptNothing())));
      assertEquals("write zero byte into writer", e.getMessage());
    }
  }

  @Test
  void copyBidirectionalHalfClosesEachWayAndCarriesOn() throws Exception {
    byte[] request = randomBytes(10, 100_000);
    byte[] response = randomBytes(11, 50_000);
    try (Runtime rt = runtime()) {
      DuplexStream.Pair front = Io.duplex(1024);
      DuplexStream.Pair back = Io.duplex(2048);
      BidirectionalCopy result =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinHandle<BidirectionalCopy> proxy =
                        Task.spawn(Io.copyBidirectional(front.server(), back.client()));
                    DuplexStream client = front.client();
                    DuplexStream server = back.server();
                    // The server reads to EOF (the client's FIN, passed on by the proxy), and only
                    // then answers: the proxy must keep copying the other way.
                    Future<byte[]> serverSide =
                        server
                            .readToEnd()
                            .flatMap(
                                req ->
                                    server
                                        .writeAll(ByteBuffer.wrap(response))
                                        .flatMap(v -> server.shutdown())
                                        .map(v -> req));
                    Future<byte[]> clientSide =
                        client
                            .writeAll(ByteBuffer.wrap(request))
                            .flatMap(v -> client.shutdown())
                            .flatMap(v -> client.readToEnd());
                    return Futures.join(
                            serverSide,
                            clientSide,
                            (req, resp) -> {
                              assertArrayEquals(request, req);
                              assertArrayEquals(response, resp);
                              return null;
                            })
                        .flatMap(v -> proxy);
                  }));
      assertEquals(new BidirectionalCopy(request.length, response.length), result);
    }
  }

  @Test
  void readLineKeepsTheNewlineAndLinesStripIt() throws Exception {
    byte[] text = "hello\r\nwörld\nlast".getBytes(UTF_8);
    try (Runtime rt = runtime()) {
      BufReader<ChunkedReader> r = BufReader.withCapacity(4, new ChunkedReader(text, 1, 3, 2));
      StringBuilder line = new StringBuilder();
      assertEquals(7, rt.blockOn(r.readLine(line)));
      assertEquals("hello\r\n", line.toString());
      assertEquals(7, rt.blockOn(r.readLine(line)));
      assertEquals("hello\r\nwörld\n", line.toString());
      assertEquals(4, rt.blockOn(r.readLine(line)));
      assertEquals(0, rt.blockOn(r.readLine(line)));
      assertEquals("hello\r\nwörld\nlast", line.toString());

      Lines lines = BufReader.create(new ChunkedReader(text, 2, 2, 3)).lines();
      List<String> all = new ArrayList<>();
      for (String l; (l = rt.blockOn(lines.nextLine())) != null; ) {
        all.add(l);
      }
      assertEquals(List.of("hello", "wörld", "last"), all);
      assertNull(rt.blockOn(lines.nextLine()), "stays at end");
    }
  }

  @Test
  void readLineRejectsLinesOverItsLimit() throws Exception {
    try (Runtime rt = runtime()) {
      byte[] text = "0123456789\n".getBytes(UTF_8);
      StringBuilder line = new StringBuilder();
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(
                      Io.readLine(BufReader.create(new ChunkedReader(text, 1, 4, 0)), line, 10)));
      assertEquals("the line is longer than the limit of 10 bytes", e.getMessage());
      assertEquals("", line.toString(), "unchanged on failure");
      Lines lines = Io.lines(BufReader.create(new ChunkedReader(text, 1, 4, 0)), 10);
      assertEquals("0123456789", rt.blockOn(lines.nextLine()), "the limit excludes the newline");
    }
  }

  /** The padding puts ";DELETE /all\n" where an unbuffered read would resume after the error. */
  private static final byte[] INJECTION =
      ("GET /" + "a".repeat(34) + ";DELETE /all\nnext\n").getBytes(UTF_8);

  /**
   * The BufReaders the line tests run over: small, medium and large buffers, and one byte a read.
   */
  private static List<BufReader<ChunkedReader>> bufferings(byte[] text) {
    return List.of(
        BufReader.withCapacity(8, new ChunkedReader(text, 1, 100, 3)),
        BufReader.withCapacity(16, new ChunkedReader(text, 2, 100, 3)),
        BufReader.withCapacity(8192, new ChunkedReader(text, 3, 8192, 0)),
        BufReader.withCapacity(8192, new ChunkedReader(text, 4, 1, 2)));
  }

  @Test
  void readLineDiscardsTheRestOfATooLongLineWhateverTheBuffering() throws Exception {
    try (Runtime rt = runtime()) {
      for (BufReader<ChunkedReader> r : bufferings(INJECTION)) {
        String where = "capacity " + r.capacity();
        StringBuilder line = new StringBuilder("kept|");
        IOException e =
            assertThrows(IOException.class, () -> rt.blockOn(Io.readLine(r, line, 32)), where);
        assertInstanceOf(IoReads.LineTooLongException.class, e, where);
        assertEquals("the line is longer than the limit of 32 bytes", e.getMessage(), where);
        assertEquals("kept|", line.toString(), "unchanged on failure, " + where);
        assertEquals(5, rt.blockOn(Io.readLine(r, line, 32)), where);
        assertEquals("kept|next\n", line.toString(), "the line after the long one, " + where);
        assertEquals(0, rt.blockOn(Io.readLine(r, line, 32)), "then end of stream, " + where);
        assertEquals("kept|next\n", line.toString(), where);
      }
    }
  }

  @Test
  void readLineFailsOnATooLongLastLineWithoutNewlineThenSeesEndOfStream() throws Exception {
    try (Runtime rt = runtime()) {
      for (BufReader<ChunkedReader> r : bufferings("0123456789abcdefghij".getBytes(UTF_8))) {
        String where = "capacity " + r.capacity();
        StringBuilder line = new StringBuilder();
        assertThrows(
            IoReads.LineTooLongException.class, () -> rt.blockOn(Io.readLine(r, line, 10)), where);
        assertEquals("", line.toString(), where);
        assertEquals(0, rt.blockOn(Io.readLine(r, line, 10)), "then end of stream, " + where);
        assertEquals("", line.toString(), where);
      }
    }
  }

  @Test
  void readLineAcceptsALineOfExactlyTheLimitNewlineIncluded() throws Exception {
    try (Runtime rt = runtime()) {
      byte[] text = "0123456789\n0123456789\n0123456789".getBytes(UTF_8);
      for (BufReader<ChunkedReader> r : bufferings(text)) {
        String where = "capacity " + r.capacity();
        StringBuilder line = new StringBuilder();
        assertEquals(11, rt.blockOn(Io.readLine(r, line, 11)), "11 bytes with the newline");
        assertThrows(
            IoReads.LineTooLongException.class,
            () -> rt.blockOn(Io.readLine(r, line, 10)),
            "the newline counts, " + where);
        assertEquals("0123456789\n", line.toString(), where);
        assertEquals(10, rt.blockOn(Io.readLine(r, line, 10)), "a last line of 10, " + where);
        assertEquals("0123456789\n0123456789", line.toString(), where);
        assertEquals(0, rt.blockOn(Io.readLine(r, line, 10)), where);
      }
    }
  }

  @Test
  void readLineDiscardsAHugeLineWithBoundedMemory() throws Exception {
    int huge = 10 * 1024 * 1024;
    AsyncRead source =
        new AsyncRead() {
          private final byte[] tail = "\nnext\n".getBytes(UTF_8);
          private long sent;

          @Override
          public Poll<Void> pollRead(Context cx, ByteBuffer dst) {
            while (dst.hasRemaining() && sent < huge + tail.length) {
              dst.put(sent < huge ? (byte) 'x' : tail[(int) (sent - huge)]);
              sent++;
            }
            return Poll.ready(null);
          }
        };
    try (Runtime rt = runtime()) {
      BufReader<AsyncRead> r = BufReader.withCapacity(64, source);
      StringBuilder line = new StringBuilder();
      assertThrows(IoReads.LineTooLongException.class, () -> rt.blockOn(Io.readLine(r, line, 64)));
      assertEquals(64, r.capacity(), "the BufReader never grows");
      assertEquals(5, rt.blockOn(Io.readLine(r, line, 64)));
      assertEquals("next\n", line.toString());
      assertEquals(0, rt.blockOn(Io.readLine(r, line, 64)));
    }
  }

  @Test
  void readLineWaitsForTheEndOfATooLongLineSoATimeoutBoundsIt() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(1024);
      rt.blockOn(p.client().writeAll(ByteBuffer.wrap("y".repeat(100).getBytes(UTF_8))));
      BufReader<DuplexStream> r = BufReader.withCapacity(16, p.server());
      StringBuilder line = new StringBuilder();
      assertThrows(
          TimeoutException.class,
          () -> rt.blockOn(Time.timeout(Duration.ofMillis(50), Io.readLine(r, line, 32))));
      assertEquals("", line.toString());
      assertEquals(0, r.buffer().remaining(), "what arrived of the line was read and dropped");
    }
  }

  @Test
  void linesReportsTheUsersLimitForAFarLongerLine() throws Exception {
    try (Runtime rt = runtime()) {
      byte[] text = "0123456789abcdef\n".getBytes(UTF_8);
      Lines lines = Io.lines(BufReader.create(new ChunkedReader(text, 1, 4, 0)), 10);
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(lines.nextLine()));
      assertEquals("the line is longer than the limit of 10 bytes", e.getMessage());
    }
  }

  @Test
  void linesSkipsATooLongLineAndGoesOnWithTheNext() throws Exception {
    try (Runtime rt = runtime()) {
      byte[] text = "0123456789abcdef\nok\n".getBytes(UTF_8);
      Lines lines = Io.lines(BufReader.create(new ChunkedReader(text, 1, 4, 0)), 5);
      assertThrows(IOException.class, () -> rt.blockOn(lines.nextLine()));
      assertEquals("ok", rt.blockOn(lines.nextLine()), "the next line after the long one");
      assertNull(rt.blockOn(lines.nextLine()));
    }
  }

  @Test
  void usingClosesADuplexStreamSoThePeerSeesEndOfStream() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(64);
      rt.blockOn(Io.using(p.client(), c -> c.writeAll(ByteBuffer.wrap("bye".getBytes(UTF_8)))));
      assertEquals("bye", rt.blockOn(p.server().readToString(UTF_8)));
      IOException e =
          assertThrows(
              IOException.class, () -> rt.blockOn(p.server().writeAll(ByteBuffer.allocate(1))));
      assertInstanceOf(IOException.class, e);
      assertTrue(e.getMessage().startsWith("broken pipe"), e.getMessage());
    }
  }
}
