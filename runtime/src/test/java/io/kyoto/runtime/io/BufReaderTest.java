package io.kyoto.runtime.io;

import static io.kyoto.runtime.io.IoTestSupport.noopContext;
import static io.kyoto.runtime.io.IoTestSupport.randomBytes;
import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.IoTestSupport.ChunkedReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BufReader}: buffering, pass-through of large reads, the {@link AsyncBufRead} view. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufReaderTest {
  /** Records the space offered by each read. */
  static final class SpyReader implements AsyncRead {
    final ChunkedReader inner;
    final List<Integer> offered = new ArrayList<>();

    SpyReader(byte[] data) {
      inner = new ChunkedReader(data, 1, Integer.MAX_VALUE - 1, 0);
    }

    @Override
    public Poll<Void> pollRead(Context cx, ByteBuffer dst) {
      offered.add(dst.remaining());
      return inner.pollRead(cx, dst);
    }
  }

  @Test
  void smallReadsAreServedFromOneLargeRead() throws Exception {
    byte[] data = randomBytes(1, 100);
    SpyReader spy = new SpyReader(data);
    BufReader<SpyReader> r = BufReader.withCapacity(64, spy);
    ByteBuffer dst = ByteBuffer.allocate(100);
    for (int i = 0; i < 8; i++) {
      assertTrue(r.pollRead(noopContext(), dst.limit(dst.position() + 8)).isReady());
    }
    assertEquals(List.of(64), spy.offered, "eight 8-byte reads cost one read of the inner reader");
    assertEquals(0, r.buffer().remaining());
    assertArrayEquals(java.util.Arrays.copyOf(data, 64), java.util.Arrays.copyOf(dst.array(), 64));
  }

  @Test
  void aLargeReadWithAnEmptyBufferGoesStraightThrough() throws Exception {
    SpyReader spy = new SpyReader(randomBytes(2, 1000));
    BufReader<SpyReader> r = BufReader.withCapacity(64, spy);
    ByteBuffer small = ByteBuffer.allocate(10);
    r.pollRead(noopContext(), small); // fills the buffer: 54 bytes stay buffered
    ByteBuffer big = ByteBuffer.allocate(500);
    r.pollRead(noopContext(), big);
    assertEquals(54, big.position(), "buffered bytes come first, even for a large read");
    r.pollRead(noopContext(), big);
    assertEquals(List.of(64, 446), spy.offered, "then the large read bypasses the buffer");
  }

  @Test
  void fillBufAndConsumeExposeTheBuffer() throws Exception {
    BufReader<ChunkedReader> r =
        BufReader.withCapacity(16, new ChunkedReader("abcdefgh".getBytes(), 1, 100, 0));
    ByteBuffer view = r.pollFillBuf(noopContext()).value();
    assertEquals(8, view.remaining());
    assertTrue(view.isReadOnly());
    r.consume(3);
    assertEquals('d', r.pollFillBuf(noopContext()).value().get());
    assertThrows(IllegalArgumentException.class, () -> r.consume(6));
    assertTrue(
        r.pollRead(noopContext(), ByteBuffer.allocate(0)).isReady(), "no space: ready at once");
    r.consume(5);
    assertFalse(r.pollFillBuf(noopContext()).value().hasRemaining(), "empty view: end of stream");
  }

  @Test
  void readsEverythingThroughTinyBuffersWithPendings() throws Exception {
    byte[] data = randomBytes(3, 50_000);
    try (Runtime rt = runtime()) {
      BufReader<ChunkedReader> r = BufReader.withCapacity(7, new ChunkedReader(data, 4, 50, 3));
      assertArrayEquals(data, rt.blockOn(r.readToEnd()));
    }
  }

  @Test
  void closeReachesAnAsyncCloseableInner() throws Exception {
    DuplexStream.Pair p = Io.duplex(8);
    BufReader<DuplexStream> r = BufReader.create(p.server());
    r.close();
    assertThrows(
        java.io.IOException.class,
        () -> p.server().pollRead(noopContext(), ByteBuffer.allocate(1)));
    assertThrows(IllegalArgumentException.class, () -> BufReader.withCapacity(0, p.client()));
  }
}
