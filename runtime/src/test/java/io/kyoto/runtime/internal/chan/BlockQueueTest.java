package io.kyoto.runtime.internal.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The linked-block buffer of unbounded channels. */
class BlockQueueTest {
  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }

  /**
   * A block the consumer left links to no later block, so a block the collector promoted (one that
   * lived through young collections, as in a quiet channel) cannot keep the later ones alive.
   */
  @Test
  void aBlockTheConsumerLeftNoLongerLinksToTheNext() throws Exception {
    BlockQueue<Integer> q = new BlockQueue<>();
    Object first = field(q, "headBlock");
    int n = 3 * BlockQueue.BLOCK + 5;
    for (int i = 0; i < n; i++) {
      q.push(i);
    }
    Object second = field(first, "next");
    assertNotNull(second);
    for (int i = 0; i < 2 * BlockQueue.BLOCK + 1; i++) { // into the third block
      assertEquals(i, q.poll());
    }
    Object retired = field(first, "next");
    assertEquals(Long.MIN_VALUE, field(retired, "start"), "the first block's link is the mark");
    assertSame(retired, field(second, "next"), "and so is the second's");
    for (int i = 2 * BlockQueue.BLOCK + 1; i < n; i++) {
      assertEquals(i, q.poll());
    }
    q.push(-1); // producers still find the block after the retired ones
    assertEquals(-1, q.poll());
    assertNull(q.poll());
    assertEquals(0, q.size());
  }

  /**
   * A producer whose hint is a block the consumer has since left (it read the hint, then was
   * overtaken) meets the mark and walks on from the consumer's block.
   */
  @Test
  void aProducerWithARetiredHintFindsItsBlock() throws Exception {
    BlockQueue<Integer> q = new BlockQueue<>();
    Object first = field(q, "headBlock");
    for (int i = 0; i < 2 * BlockQueue.BLOCK + 3; i++) {
      q.push(i);
    }
    for (int i = 0; i < BlockQueue.BLOCK + 1; i++) { // leaves the first block
      assertEquals(i, q.poll());
    }
    Field hint = BlockQueue.class.getDeclaredField("tailBlock");
    hint.setAccessible(true);
    hint.set(q, first); // as a producer that read the hint before the consumer moved on
    q.push(-1);
    for (int i = BlockQueue.BLOCK + 1; i < 2 * BlockQueue.BLOCK + 3; i++) {
      assertEquals(i, q.poll());
    }
    assertEquals(-1, q.poll());
    assertNull(q.poll());
  }

  /**
   * Producers racing the consumer (some overtaken while they walk from a stale hint, meeting
   * retired blocks): every message arrives exactly once, each producer's in order.
   */
  @Test
  void concurrentProducersAndAConsumerLoseNothing() throws Exception {
    BlockQueue<Long> q = new BlockQueue<>();
    int producers = 4;
    int each = 200_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      long id = p;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      throw new AssertionError(e);
                    }
                    for (long i = 0; i < each; i++) {
                      q.push(id << 32 | i);
                    }
                  }));
    }
    long[] next = new long[producers];
    start.countDown();
    long got = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (got < (long) producers * each) {
      Long v = q.poll();
      if (v == null) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("stuck after " + got + " messages");
        }
        Thread.onSpinWait();
        continue;
      }
      int p = (int) (v >>> 32);
      assertEquals(next[p], v & 0xFFFF_FFFFL, "producer " + p + "'s messages in order");
      next[p]++;
      got++;
    }
    for (Thread t : threads) {
      t.join();
    }
    assertNull(q.poll());
    assertEquals(0, q.size());
  }
}
