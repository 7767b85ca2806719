package io.kyoto.runtime.io;

import static io.kyoto.runtime.io.IoTestSupport.crc;
import static io.kyoto.runtime.io.IoTestSupport.noopContext;
import static io.kyoto.runtime.io.IoTestSupport.randomBytes;
import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Io#duplex}: tokio's in-memory pipe. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoDuplexTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  @Test
  void whatOneEndWritesTheOtherReadsBothWays() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(64);
      rt.blockOn(p.client().writeAll(bytes("ping")));
      rt.blockOn(p.server().writeAll(bytes("pong")));
      ByteBuffer a = ByteBuffer.allocate(4);
      ByteBuffer b = ByteBuffer.allocate(4);
      rt.blockOn(p.server().readExact(a));
      rt.blockOn(p.client().readExact(b));
      assertEquals("ping", new String(a.array(), UTF_8));
      assertEquals("pong", new String(b.array(), UTF_8));
    }
  }

  @Test
  void cancelledReadsAndWritesWithdrawTheirWakers() throws Exception {
    DuplexStream.Pair p = Io.duplex(4);
    AtomicInteger readerWakes = new AtomicInteger();
    io.kyoto.runtime.Future<Integer> read = p.server().read(ByteBuffer.allocate(4));
    assertTrue(read.poll(new Context(readerWakes::incrementAndGet)).isPending());
    read.cancel();
    AtomicInteger writerWakes = new AtomicInteger();
    io.kyoto.runtime.Future<Void> write = p.client().writeAll(bytes("0123456789"));
    assertTrue(write.poll(new Context(writerWakes::incrementAndGet)).isPending(), "full");
    write.cancel();
    // The write filled the buffer (an event for the reader); reading drains it (one for the
    // writer).
    assertTrue(p.server().pollRead(noopContext(), ByteBuffer.allocate(4)).isReady());
    assertEquals(0, readerWakes.get(), "the cancelled read's task was woken");
    assertEquals(0, writerWakes.get(), "the cancelled write's task was woken");
  }

  @Test
  void aWriterFacingAFullBufferWaitsForThePeerToRead() throws Exception {
    DuplexStream.Pair p = Io.duplex(8);
    AtomicInteger wakes = new AtomicInteger();
    Context cx = new Context(wakes::incrementAndGet);
    ByteBuffer src = bytes("0123456789");
    assertTrue(p.client().pollWrite(cx, src).isReady());
    assertEquals(8, src.position(), "accepts up to the buffer size");
    assertTrue(p.client().pollWrite(cx, src).isPending(), "full");
    assertEquals(0, wakes.get());
    ByteBuffer dst = ByteBuffer.allocate(3);
    assertTrue(p.server().pollRead(noopContext(), dst).isReady());
    assertEquals(1, wakes.get(), "reading wakes the blocked writer");
    assertTrue(p.client().pollWrite(cx, src).isReady());
    assertEquals(10, src.position());
    assertEquals(7, p.server().available());
  }

  @Test
  void aPendingReaderIsWokenByAWrite() throws Exception {
    DuplexStream.Pair p = Io.duplex(8);
    AtomicInteger wakes = new AtomicInteger();
    ByteBuffer dst = ByteBuffer.allocate(8);
    assertTrue(p.server().pollRead(new Context(wakes::incrementAndGet), dst).isPending());
    assertTrue(p.client().pollWrite(noopContext(), bytes("x")).isReady());
    assertEquals(1, wakes.get());
  }

  @Test
  void shutdownLetsThePeerReadTheRestThenEndOfStream() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(64);
      rt.blockOn(p.client().writeAll(bytes("last words")).flatMap(v -> p.client().shutdown()));
      assertEquals("last words", rt.blockOn(p.server().readToString(UTF_8)));
      assertEquals(-1, rt.blockOn(p.server().read(ByteBuffer.allocate(4))));
      IOException e =
          assertThrows(IOException.class, () -> rt.blockOn(p.client().writeAll(bytes("more"))));
      assertTrue(e.getMessage().startsWith("broken pipe"), e.getMessage());
      // The other direction still works after a half-close.
      rt.blockOn(p.server().writeAll(bytes("reply")).flatMap(v -> p.server().shutdown()));
      assertEquals("reply", rt.blockOn(p.client().readToString(UTF_8)));
    }
  }

  @Test
  void closeGivesThePeerEndOfStreamAndABrokenPipe() throws Exception {
    try (Runtime rt = runtime()) {
      DuplexStream.Pair p = Io.duplex(64);
      AtomicInteger wakes = new AtomicInteger();
      ByteBuffer dst = ByteBuffer.allocate(4);
      assertTrue(p.server().pollRead(new Context(wakes::incrementAndGet), dst).isPending());
      p.client().close();
      p.client().close(); // idempotent
      assertEquals(1, wakes.get(), "close wakes the peer's pending reader");
      assertEquals(-1, rt.blockOn(p.server().read(dst)));
      IOException broken =
          assertThrows(IOException.class, () -> rt.blockOn(p.server().writeAll(bytes("x"))));
      assertEquals("broken pipe: the peer of this duplex stream was closed", broken.getMessage());
      IOException closed = assertThrows(IOException.class, () -> rt.blockOn(p.client().read(dst)));
      assertEquals("this duplex stream is closed", closed.getMessage());
    }
  }

  @Test
  void closeWakesAWriterBlockedOnAFullBuffer() throws Exception {
    DuplexStream.Pair p = Io.duplex(2);
    AtomicInteger wakes = new AtomicInteger();
    Context cx = new Context(wakes::incrementAndGet);
    ByteBuffer src = bytes("abcd");
    p.client().pollWrite(cx, src);
    assertTrue(p.client().pollWrite(cx, src).isPending());
    p.server().close();
    assertEquals(1, wakes.get());
    assertThrows(IOException.class, () -> p.client().pollWrite(cx, src));
  }

  @Test
  void readsAndWritesSpendTheCoopBudget() throws Exception {
    DuplexStream.Pair p = Io.duplex(64);
    AtomicInteger wakes = new AtomicInteger();
    Context cx = new Context(wakes::incrementAndGet);
    cx.setBudget(0);
    assertTrue(p.client().pollWrite(cx, bytes("x")).isPending());
    assertTrue(p.server().pollRead(cx, ByteBuffer.allocate(1)).isPending());
    assertEquals(2, wakes.get(), "an exhausted budget yields after waking the task");
    cx.setBudget(1);
    assertTrue(p.client().pollWrite(cx, bytes("x")).isReady());
    assertEquals(0, cx.budget());
  }

  @Test
  void twoTasksOnAMultiThreadRuntimeExchangeAMebibyte() throws Exception {
    byte[] data = randomBytes(9, 1 << 20);
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      DuplexStream.Pair p = Io.duplex(512);
      byte[] got =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinHandle<Void> writer =
                        Task.spawn(
                            p.client()
                                .writeAll(ByteBuffer.wrap(data))
                                .flatMap(v -> p.client().shutdown()));
                    JoinHandle<byte[]> reader = Task.spawn(p.server().readToEnd());
                    return Futures.join(writer, reader, (v, b) -> b);
                  }));
      assertEquals(crc(data), crc(got));
    }
  }

  @Test
  void aNonPositiveBufferSizeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Io.duplex(0));
  }

  @Test
  void pollsWithDifferentWakersUseTheLatest() throws Exception {
    DuplexStream.Pair p = Io.duplex(8);
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    ByteBuffer dst = ByteBuffer.allocate(1);
    p.server().pollRead(new Context(first::incrementAndGet), dst);
    p.server().pollRead(new Context(second::incrementAndGet), dst);
    p.client().pollWrite(new Context(Waker.noop()), bytes("z"));
    assertEquals(0, first.get());
    assertEquals(1, second.get());
  }
}
