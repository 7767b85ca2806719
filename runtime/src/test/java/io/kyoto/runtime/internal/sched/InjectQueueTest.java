package io.kyoto.runtime.internal.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InjectQueueTest {
  private static List<Integer> drain(InjectQueue<Integer> queue) {
    List<Integer> out = new ArrayList<>();
    for (Integer t = queue.pop(); t != null; t = queue.pop()) {
      out.add(t);
    }
    return out;
  }

  @Test
  void popsInPushOrder() {
    InjectQueue<Integer> queue = new InjectQueue<>();
    assertTrue(queue.isEmpty());
    assertNull(queue.pop());
    for (int i = 0; i < 5; i++) {
      assertTrue(queue.push(i));
    }
    assertEquals(5, queue.len());
    assertFalse(queue.isEmpty());
    assertEquals(List.of(0, 1, 2, 3, 4), drain(queue));
    assertEquals(0, queue.len());
  }

  @Test
  void pushBatchAppendsInOrder() {
    InjectQueue<Integer> queue = new InjectQueue<>();
    queue.push(0);
    assertTrue(queue.pushBatch(List.of(1, 2, 3)));
    assertTrue(queue.pushBatch(List.of()));
    assertEquals(4, queue.len());
    assertEquals(List.of(0, 1, 2, 3), drain(queue));
    assertThrows(NullPointerException.class, () -> queue.pushBatch(Arrays.asList(4, null)));
    assertTrue(queue.isEmpty(), "a batch with a null is refused whole");
  }

  @Test
  void popBatchReturnsTheOldestAndHandsOverTheRest() {
    InjectQueue<Integer> queue = new InjectQueue<>();
    queue.pushBatch(IntStream.range(0, 10).boxed().toList());
    List<Integer> rest = new ArrayList<>();
    assertEquals(0, queue.popBatch(4, rest::add));
    assertEquals(List.of(1, 2, 3), rest);
    assertEquals(6, queue.len());

    rest.clear();
    assertEquals(4, queue.popBatch(1, rest::add));
    assertEquals(List.of(), rest);

    assertEquals(5, queue.popBatch(100, rest::add));
    assertEquals(List.of(6, 7, 8, 9), rest);
    assertTrue(queue.isEmpty());
    assertNull(queue.popBatch(3, t -> fail("empty queue handed " + t)));
    assertThrows(IllegalArgumentException.class, () -> queue.popBatch(0, rest::add));
  }

  @Test
  void popBatchFillsALocalQueue() {
    InjectQueue<Integer> inject = new InjectQueue<>();
    inject.pushBatch(IntStream.range(0, 300).boxed().toList());
    LocalQueue<Integer> local = new LocalQueue<>();
    int workers = 2;
    int max =
        Math.max(
            1,
            Math.min(
                inject.len() / workers + 1,
                Math.min(local.remainingSlots(), LocalQueue.CAPACITY / 2)));
    assertEquals(0, inject.popBatch(max, local::pushBack));
    assertEquals(LocalQueue.CAPACITY / 2 - 1, local.len());
    assertEquals(1, local.pop());
  }

  @Test
  void closeRefusesPushesAndStillDrains() {
    InjectQueue<Integer> queue = new InjectQueue<>();
    queue.push(1);
    queue.push(2);
    assertFalse(queue.isClosed());
    assertTrue(queue.close());
    assertFalse(queue.close(), "second close");
    assertTrue(queue.isClosed());
    assertFalse(queue.push(3));
    assertFalse(queue.pushBatch(List.of(4, 5)));
    assertEquals(2, queue.len());
    assertEquals(List.of(1), popBatch(queue, 1));
    assertEquals(List.of(2), drain(queue));
    assertNull(queue.pop());
  }

  @Test
  void keepsWorkingAfterShrinkingFromABurst() {
    InjectQueue<Integer> queue = new InjectQueue<>();
    for (int round = 0; round < 3; round++) {
      List<Integer> burst = IntStream.range(0, 5000).boxed().toList();
      queue.pushBatch(burst);
      assertEquals(burst, drain(queue));
      queue.push(7);
      assertEquals(7, queue.pop());
    }
  }

  /**
   * A chunk the consumers left links to no live chunk, so a collector that promoted it (it was live
   * at a young collection) cannot keep the later chunks alive through it: before, a queue fed from
   * a blockOn thread grew the old generation by a chunk per 256 spawns until a full collection.
   */
  @Test
  void aChunkLeftByTheConsumersNoLongerLinksToTheNext() throws Exception {
    InjectQueue<Integer> queue = new InjectQueue<>(2);
    Object first = field(queue, "consumerChunk");
    queue.pushBatch(List.of(1, 2, 3, 4, 5));
    assertEquals(1, queue.pop());
    Object second = field(first, "next");
    assertTrue(second != null && field(second, "next") != null, "linked while in use");
    assertEquals(List.of(2, 3, 4, 5), popBatch(queue, 4)); // leaves the first and second chunks
    Object retired = field(first, "next");
    assertTrue(
        retired != second && field(retired, "slots") instanceof Object[] slots && slots.length == 0,
        "the first chunk's link is the retired mark");
    assertEquals(retired, field(second, "next"));
    queue.push(6); // producers still find their chunk: the one after the retired ones
    assertEquals(List.of(6), drain(queue));
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }

  @Test
  void rejectsNullTasks() {
    InjectQueue<Integer> queue = new InjectQueue<>();
    assertThrows(NullPointerException.class, () -> queue.push(null));
  }

  /** Several producers and consumers at once: every task comes out exactly once. */
  @Test
  void everyTaskIsPoppedExactlyOnceUnderContention() throws Exception {
    popsEveryTaskOnce(new InjectQueue<>());
  }

  /** The same with chunks of three slots: producers link a chunk every few pushes, in races. */
  @Test
  void everyTaskIsPoppedExactlyOnceAcrossTinyChunks() throws Exception {
    popsEveryTaskOnce(new InjectQueue<>(3));
  }

  /** A batch consumer that throws loses the task it was handed, and nothing else. */
  @Test
  void aThrowingBatchConsumerLeavesTheQueueUsable() {
    InjectQueue<Integer> queue = new InjectQueue<>(2);
    queue.pushBatch(List.of(1, 2, 3, 4, 5));
    assertThrows(
        IllegalStateException.class,
        () ->
            queue.popBatch(
                4,
                t -> {
                  throw new IllegalStateException("boom at " + t);
                }));
    assertEquals(3, queue.len());
    assertEquals(List.of(3, 4, 5), drain(queue));
    queue.push(6);
    assertEquals(6, queue.pop());
  }

  private static void popsEveryTaskOnce(InjectQueue<Integer> queue) throws Exception {
    int producers = 2;
    int consumers = 2;
    int perProducer = 200_000;
    int total = producers * perProducer;
    AtomicIntegerArray seen = new AtomicIntegerArray(total);
    AtomicInteger popped = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perProducer; i += 4) {
                      if (i % 8 == 0) {
                        queue.pushBatch(
                            List.of(base + i, base + i + 1, base + i + 2, base + i + 3));
                      } else {
                        for (int k = 0; k < 4; k++) {
                          queue.push(base + i + k);
                        }
                      }
                    }
                  }));
    }
    for (int c = 0; c < consumers; c++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      long deadline = System.nanoTime() + 30_000_000_000L;
                      while (popped.get() < total && System.nanoTime() < deadline) {
                        Integer first =
                            queue.popBatch(
                                3,
                                t -> {
                                  seen.incrementAndGet(t);
                                  popped.incrementAndGet();
                                });
                        if (first != null) {
                          seen.incrementAndGet(first);
                          popped.incrementAndGet();
                        } else {
                          Thread.onSpinWait();
                        }
                      }
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("consumer failed", failure.get());
    }
    assertEquals(total, popped.get());
    for (int i = 0; i < total; i++) {
      if (seen.get(i) != 1) {
        fail("task " + i + " popped " + seen.get(i) + " times");
      }
    }
    assertTrue(queue.isEmpty());
  }

  private static List<Integer> popBatch(InjectQueue<Integer> queue, int max) {
    List<Integer> out = new ArrayList<>();
    Integer first = queue.popBatch(max, out::add);
    if (first != null) {
      out.addFirst(first);
    }
    return out;
  }
}
