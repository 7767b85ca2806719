package io.kyoto.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BufferPool}: reuse, the release-once rule, leak detection and metrics. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferPoolTest {
  @Test
  void aClosedBufferIsReusedClearedAndDirect() {
    BufferPool pool = BufferPool.create(1024, 4);
    PooledBuffer first = pool.acquire();
    ByteBuffer b = first.buffer();
    assertTrue(b.isDirect());
    assertEquals(1024, b.capacity());
    b.putInt(7).limit(100);
    assertEquals(1, pool.outstanding());
    first.close();
    assertEquals(0, pool.outstanding());
    assertEquals(1, pool.pooled());
    try (PooledBuffer second = pool.acquire()) {
      assertSame(b, second.buffer(), "the same memory comes back");
      assertEquals(0, second.buffer().position());
      assertEquals(1024, second.buffer().limit());
      assertEquals(0, pool.pooled());
    }
    assertEquals(1, pool.allocated());
  }

  @Test
  void thePoolKeepsAtMostMaxPooledIdleBuffers() {
    BufferPool pool = BufferPool.create(64, 2);
    List<PooledBuffer> lent = List.of(pool.acquire(), pool.acquire(), pool.acquire());
    lent.forEach(PooledBuffer::close);
    assertEquals(2, pool.pooled());
    assertEquals(3, pool.allocated());
    BufferPool none = BufferPool.create(64, 0);
    none.acquire().close();
    assertEquals(0, none.pooled());
  }

  @Test
  void doubleCloseAndUseAfterCloseFail() {
    BufferPool pool = BufferPool.create(64, 2);
    PooledBuffer buf = pool.acquire();
    buf.close();
    assertTrue(buf.isClosed());
    IllegalStateException twice = assertThrows(IllegalStateException.class, buf::close);
    assertTrue(twice.getMessage().contains("released exactly once"), twice.getMessage());
    IllegalStateException use = assertThrows(IllegalStateException.class, buf::buffer);
    assertTrue(use.getMessage().contains("must not be used"), use.getMessage());
    assertEquals(1, pool.pooled(), "the double close did not pool the buffer twice");
    assertEquals(0, pool.outstanding());
  }

  /** Acquires and drops a buffer in a frame of its own, so nothing keeps it reachable. */
  private static void leakOne(BufferPool pool) {
    pool.acquire().buffer().put((byte) 1);
  }

  @Test
  void paranoidDetectionReportsALeakWithTheAcquisitionTrace() throws Exception {
    BufferPool pool =
        BufferPool.builder().bufferSize(256).leakDetection(LeakDetection.PARANOID).build();
    List<String> reports = new CopyOnWriteArrayList<>();
    pool.leakListener = reports::add;
    pool.acquire().close(); // a released buffer is never reported
    leakOne(pool);
    assertEquals(1, pool.outstanding());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pool.leaks() == 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(10);
    }
    assertEquals(1, pool.leaks(), "the leak is reported once");
    assertEquals(0, pool.outstanding());
    assertEquals(1, reports.size());
    String report = reports.getFirst();
    assertTrue(report.startsWith("LEAK: a PooledBuffer of 256 bytes"), report);
    assertTrue(
        report.contains("BufferPoolTest.leakOne"), "names where it was acquired:\n" + report);
  }

  @Test
  void disabledDetectionTracksNothing() {
    BufferPool pool =
        BufferPool.builder().bufferSize(64).leakDetection(LeakDetection.DISABLED).build();
    assertEquals(LeakDetection.DISABLED, pool.leakDetection());
    leakOne(pool);
    System.gc();
    assertEquals(0, pool.leaks());
    assertEquals(1, pool.outstanding(), "an untracked leak stays outstanding");
  }

  @Test
  void theLevelComesFromTheSystemProperty() {
    String saved = System.getProperty(LeakDetection.PROPERTY);
    try {
      System.setProperty(LeakDetection.PROPERTY, "Paranoid");
      assertEquals(LeakDetection.PARANOID, LeakDetection.fromSystemProperties());
      System.setProperty(LeakDetection.PROPERTY, "disabled");
      assertEquals(LeakDetection.DISABLED, LeakDetection.fromSystemProperties());
      System.setProperty(LeakDetection.PROPERTY, "bogus");
      assertEquals(LeakDetection.SIMPLE, LeakDetection.fromSystemProperties());
      System.clearProperty(LeakDetection.PROPERTY);
      assertEquals(LeakDetection.SIMPLE, LeakDetection.fromSystemProperties());
    } finally {
      if (saved != null) {
        System.setProperty(LeakDetection.PROPERTY, saved);
      }
    }
  }

  @Test
  void threadsShareThePoolSafely() throws Exception {
    BufferPool pool =
        BufferPool.builder()
            .bufferSize(128)
            .maxPooled(8)
            .leakDetection(LeakDetection.PARANOID)
            .build();
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  for (int i = 0; i < 2000; i++) {
                    try (PooledBuffer a = pool.acquire();
                        PooledBuffer b = pool.acquire()) {
                      assertNotSame(a.buffer(), b.buffer());
                      a.buffer().putLong(i);
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                } finally {
                  done.countDown();
                }
              });
    }
    assertTrue(done.await(20, TimeUnit.SECONDS));
    assertEquals(List.of(), errors);
    assertEquals(0, pool.outstanding());
    assertTrue(pool.pooled() <= 8);
    assertFalse(pool.allocated() > 8 + 2L * threads * 2000, "buffers were reused");
    assertEquals(0, pool.leaks());
  }

  @Test
  void theSharedPoolHasTheDefaults() {
    BufferPool shared = BufferPool.shared();
    assertSame(shared, BufferPool.shared());
    assertEquals(BufferPool.DEFAULT_BUFFER_SIZE, shared.bufferSize());
    assertEquals(BufferPool.DEFAULT_MAX_POOLED, shared.maxPooled());
  }
}
