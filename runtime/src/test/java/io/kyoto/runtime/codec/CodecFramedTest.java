package io.kyoto.runtime.codec;

import static io.kyoto.runtime.io.IoTestSupport.noopContext;
import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.IoTestSupport.ChunkedReader;
import io.kyoto.runtime.io.IoTestSupport.RecordingWriter;
import io.kyoto.runtime.io.IoTestSupport.SlowWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FramedRead}, {@link FramedWrite}, {@link BytesBuffer} and {@link BytesCodec}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CodecFramedTest {
  @Test
  void aFailedEncodeLeavesNothingInTheBuffer() throws Exception {
    RecordingWriter w = new RecordingWriter();
    Encoder<String> halfThenFail =
        (item, dst) -> {
          dst.put(item.getBytes(UTF_8));
          if (item.equals("bad")) {
            throw new CodecException("refused");
          }
        };
    FramedWrite<String> out = FramedWrite.create(w, halfThenFail);
    try (Runtime rt = runtime()) {
      rt.blockOn(out.feed("ok"));
      assertThrows(CodecException.class, () -> rt.blockOn(out.feed("bad")));
      assertEquals(2, out.bufferedBytes(), "the failed item's bytes were removed");
      rt.blockOn(out.send("!"));
    }
    assertEquals("ok!", w.out.toString(UTF_8));
  }

  @Test
  void feedWritesOutOnceTheBackpressureBoundaryIsReached() throws Exception {
    RecordingWriter w = new RecordingWriter();
    FramedWrite<ByteBuffer> out = FramedWrite.create(w, BytesCodec.create(), 10);
    try (Runtime rt = runtime()) {
      rt.blockOn(out.feed(ByteBuffer.allocate(6)));
      rt.blockOn(out.feed(ByteBuffer.allocate(6)));
      assertEquals(List.of(), w.writeSizes, "12 buffered: written at the next feed");
      rt.blockOn(out.feed(ByteBuffer.allocate(1)));
      assertEquals(List.of(12), w.writeSizes);
      assertEquals(0, w.flushes, "feed never flushes");
    }
  }

  @Test
  void sendWritesThroughASlowSinkAndFlushes() throws Exception {
    SlowWriter w = new SlowWriter(3);
    FramedWrite<String> out = FramedWrite.create(w, LinesCodec.create());
    try (Runtime rt = runtime()) {
      rt.blockOn(out.send("slow and steady").flatMap(v -> out.closeAsync()));
    }
    assertEquals("slow and steady\n", new String(w.bytes(), UTF_8));
    assertTrue(w.flushes() >= 1);
    assertTrue(w.isShutdown());
  }

  @Test
  void aWriterThatAcceptsNothingFailsTheFlush() throws Exception {
    FramedWrite<String> out =
        FramedWrite.create(new SlowWriter(1).acceptNothing(), LinesCodec.create());
    try (Runtime rt = runtime()) {
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(out.send("x")));
      assertEquals("failed to write frame to transport", e.getMessage());
    }
  }

  @Test
  void bytesCodecPassesChunksThrough() throws Exception {
    byte[] data = io.kyoto.runtime.io.IoTestSupport.randomBytes(5, 30_000);
    try (Runtime rt = runtime()) {
      FramedRead<ByteBuffer> chunks =
          FramedRead.create(new ChunkedReader(data, 6, 999, 2), BytesCodec.create());
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (ByteBuffer b; (b = rt.blockOn(chunks.next()).orElse(null)) != null; ) {
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        all.write(chunk);
      }
      assertArrayEquals(data, all.toByteArray());
    }
  }

  @Test
  void aReaderFailureEndsTheSource() throws Exception {
    DuplexStream.Pair p = Io.duplex(8);
    FramedRead<String> lines = FramedRead.create(p.server(), LinesCodec.create());
    p.server().close();
    assertThrows(IOException.class, () -> lines.pollNext(noopContext()));
    assertTrue(lines.isEnded());
    assertTrue(io.kyoto.runtime.stream.Stream.isEnd(lines.pollNext(noopContext())));
  }

  @Test
  void bytesBufferGrowsCompactsAndWritesNumbers() {
    BytesBuffer b = BytesBuffer.allocate(4);
    b.putShort(0x0102).putInt(0x03040506).putLong(0x0708090a0b0c0d0eL).put((byte) 15);
    assertEquals(15, b.readableBytes());
    byte[] expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    assertArrayEquals(expected, b.toByteArray());
    b.skip(10);
    assertEquals(ByteBuffer.wrap(new byte[] {11, 12, 13, 14, 15}), b.readable());
    assertTrue(b.readable().isReadOnly());
    b.putUnsigned(0x0102, 2, java.nio.ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new byte[] {11, 12, 13, 14, 15, 2, 1}, b.toByteArray());
    assertThrows(IllegalArgumentException.class, () -> b.skip(8));
    b.clear();
    assertEquals(0, b.readableBytes());
    b.putString("é", UTF_8);
    assertEquals(2, b.readableBytes());
  }

  @Test
  void aCancelledSendOrFlushWithdrawsItsWakerFromTheWriter() throws Exception {
    DuplexStream.Pair p = Io.duplex(8);
    FramedWrite<String> out = FramedWrite.create(p.client(), LinesCodec.create());
    java.util.concurrent.atomic.AtomicInteger wakes =
        new java.util.concurrent.atomic.AtomicInteger();
    io.kyoto.runtime.Context counting = new io.kyoto.runtime.Context(wakes::incrementAndGet);
    io.kyoto.runtime.Future<Void> send = out.send("a line longer than the pipe's buffer");
    assertTrue(send.poll(counting).isPending(), "the pipe is full");
    send.cancel();
    io.kyoto.runtime.Future<Void> flush = out.flush();
    assertTrue(flush.poll(counting).isPending(), "still full");
    flush.cancel();
    // The peer reads: an event for the writer, whose cancelled futures must not be woken.
    assertTrue(
        p.server()
            .pollRead(new io.kyoto.runtime.Context(() -> {}), java.nio.ByteBuffer.allocate(8))
            .isReady());
    assertEquals(0, wakes.get(), "a cancelled send's task was woken");
  }
}
