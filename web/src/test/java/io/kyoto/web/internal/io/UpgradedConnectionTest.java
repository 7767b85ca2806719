package io.kyoto.web.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.runtime.io.Io;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UpgradedConnectionTest {
  @Test
  void leftoverBytesComeFirstAndCancelledWaitsReleaseTheTransportsWakers() throws Exception {
    DuplexStream.Pair p = Io.duplex(4);
    UpgradedConnection up =
        new UpgradedConnection(
            p.server(),
            p.server(),
            p.server(),
            ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)));
    Context noop = new Context(() -> {});
    ByteBuffer first = ByteBuffer.allocate(8);
    assertTrue(up.pollRead(noop, first).isReady());
    assertEquals("ab", new String(first.array(), 0, first.position(), StandardCharsets.UTF_8));

    AtomicInteger readerWakes = new AtomicInteger();
    Future<Integer> read = up.read(ByteBuffer.allocate(4));
    assertTrue(read.poll(new Context(readerWakes::incrementAndGet)).isPending());
    read.cancel();
    AtomicInteger writerWakes = new AtomicInteger();
    Future<Void> write = up.writeAll(ByteBuffer.wrap(new byte[10]));
    assertTrue(write.poll(new Context(writerWakes::incrementAndGet)).isPending(), "full");
    write.cancel();
    // The peer writes (an event for our reader) and reads (one for our writer).
    assertTrue(p.client().pollWrite(noop, ByteBuffer.wrap(new byte[1])).isReady());
    assertTrue(p.client().pollRead(noop, ByteBuffer.allocate(4)).isReady());
    assertEquals(0, readerWakes.get(), "the cancelled read's task was woken");
    assertEquals(0, writerWakes.get(), "the cancelled write's task was woken");
  }
}
