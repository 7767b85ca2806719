package io.kyoto.runtime.io;

import static io.kyoto.runtime.io.IoTestSupport.noopContext;
import static io.kyoto.runtime.io.IoTestSupport.randomBytes;
import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.IoTestSupport.RecordingWriter;
import io.kyoto.runtime.io.IoTestSupport.SlowWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BufWriter}: gathering small writes, passing large ones, flushing on shutdown. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufWriterTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  @Test
  void smallWritesAreBufferedUntilFlush() throws Exception {
    RecordingWriter inner = new RecordingWriter();
    BufWriter<RecordingWriter> w = BufWriter.withCapacity(16, inner);
    for (String s : List.of("ab", "cd", "ef")) {
      ByteBuffer src = bytes(s);
      assertTrue(w.pollWrite(noopContext(), src).isReady());
      assertFalse(src.hasRemaining());
    }
    assertEquals(List.of(), inner.writeSizes, "nothing handed on yet");
    assertEquals("abcdef", UTF_8.decode(w.buffer()).toString());
    assertTrue(w.pollFlush(noopContext()).isReady());
    assertEquals(List.of(6), inner.writeSizes, "one write for three");
    assertEquals(1, inner.flushes);
    assertEquals("abcdef", inner.out.toString(UTF_8));
  }

  @Test
  void aLargeWriteWithAnEmptyBufferGoesStraightThrough() throws Exception {
    RecordingWriter inner = new RecordingWriter();
    BufWriter<RecordingWriter> w = BufWriter.withCapacity(16, inner);
    w.pollWrite(noopContext(), ByteBuffer.allocate(16));
    assertEquals(List.of(16), inner.writeSizes);
    assertEquals(0, w.buffer().remaining());
  }

  @Test
  void aWriteThatDoesNotFitFlushesTheBufferFirst() throws Exception {
    RecordingWriter inner = new RecordingWriter();
    BufWriter<RecordingWriter> w = BufWriter.withCapacity(16, inner);
    w.pollWrite(noopContext(), bytes("0123456789"));
    w.pollWrite(noopContext(), bytes("abcdefghij"));
    assertEquals(List.of(10), inner.writeSizes, "the first ten went out, the next ten wait");
    w.pollWrite(noopContext(), ByteBuffer.wrap(new byte[20]));
    assertEquals(List.of(10, 10, 20), inner.writeSizes);
  }

  @Test
  void shutdownFlushesFirst() throws Exception {
    try (Runtime rt = runtime()) {
      SlowWriter inner = new SlowWriter(3);
      BufWriter<SlowWriter> w = BufWriter.create(inner);
      byte[] data = randomBytes(1, 20_000);
      rt.blockOn(w.writeAll(ByteBuffer.wrap(data)).flatMap(v -> w.shutdown()));
      assertArrayEquals(data, inner.bytes());
      assertTrue(inner.isShutdown());
    }
  }

  @Test
  void vectoredWritesAreGatheredForANonVectoredWriter() throws Exception {
    RecordingWriter inner = new RecordingWriter();
    BufWriter<RecordingWriter> w = BufWriter.withCapacity(32, inner);
    assertTrue(w.isWriteVectored());
    try (Runtime rt = runtime()) {
      rt.blockOn(
          w.writeAllVectored(bytes("head "), ByteBuffer.allocate(0), bytes("body "), bytes("tail"))
              .flatMap(v -> w.flush()));
    }
    assertEquals(List.of(14), inner.writeSizes);
    assertEquals("head body tail", inner.out.toString(UTF_8));
  }

  @Test
  void vectoredWritesPassThroughAVectoredWriter() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(1024);
      BufWriter<DuplexStream> w = BufWriter.withCapacity(8, p.client());
      rt.blockOn(w.writeAllVectored(bytes("0123"), bytes("4567"), bytes("89")));
      assertEquals(10, p.server().available(), "too large to buffer: passed on vectored");
      rt.blockOn(w.writeAllVectored(bytes("ab"), bytes("cd")));
      assertEquals(10, p.server().available(), "small: buffered");
      rt.blockOn(w.flush());
      assertEquals(14, p.server().available());
    }
  }

  @Test
  void aSinkThatStopsAcceptingFailsTheFlush() throws Exception {
    try (Runtime rt = runtime()) {
      BufWriter<SlowWriter> w = BufWriter.create(new SlowWriter(1).acceptNothing());
      rt.blockOn(w.writeAll(bytes("lost")));
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(w.flush()));
      assertEquals("failed to write the buffered data", e.getMessage());
    }
  }

  @Test
  void usingFlushesAndClosesGracefully() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(1024);
      rt.blockOn(Io.using(BufWriter.create(p.client()), w -> w.writeAll(bytes("kept"))));
      assertEquals("kept", rt.blockOn(p.server().readToString(UTF_8)));
    }
  }
}
