package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RwLock} against tokio's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncRwLockTest {

  @Test
  void readersShareTheLockAndAWriterExcludesEveryone() throws Exception {
    RwLock<String> lock = new RwLock<>("v");
    RwLockReadGuard<String> r1 = HandPolled.of(lock.read()).ready();
    RwLockReadGuard<String> r2 = HandPolled.of(lock.read()).ready();
    RwLockReadGuard<String> r3 = lock.tryRead().orElseThrow();
    assertEquals("v", r1.get());
    assertEquals("v", r2.get());
    assertTrue(lock.tryWrite().isEmpty());
    r1.close();
    r2.close();
    assertTrue(lock.tryWrite().isEmpty(), "one reader is enough to keep a writer out");
    r3.close();
    r3.close();
    RwLockWriteGuard<String> w = lock.tryWrite().orElseThrow();
    assertTrue(lock.tryRead().isEmpty());
    assertTrue(lock.tryWrite().isEmpty());
    w.set("w");
    w.close();
    assertThrows(IllegalStateException.class, w::get);
    assertThrows(IllegalStateException.class, r1::get);
    assertEquals("w", lock.tryRead().orElseThrow().get());
  }

  @Test
  void aQueuedWriterIsNotStarvedByLaterReaders() throws Exception {
    RwLock<Integer> lock = new RwLock<>(0);
    RwLockReadGuard<Integer> r1 = lock.tryRead().orElseThrow();
    HandPolled<RwLockWriteGuard<Integer>> writer = HandPolled.of(lock.write());
    writer.pending();
    HandPolled<RwLockReadGuard<Integer>> r2 = HandPolled.of(lock.read());
    r2.pending();
    assertTrue(lock.tryRead().isEmpty(), "a reader waits behind a queued writer");
    r1.close();
    assertTrue(writer.isWoken());
    assertFalse(r2.isWoken());
    RwLockWriteGuard<Integer> w = writer.ready();
    w.set(1);
    r2.pending();
    w.close();
    assertTrue(r2.isWoken());
    assertEquals(1, r2.ready().get());
  }

  @Test
  void readersQueuedBehindAWriterEnterTogether() throws Exception {
    RwLock<Integer> lock = new RwLock<>(0);
    RwLockWriteGuard<Integer> w = lock.tryWrite().orElseThrow();
    List<HandPolled<RwLockReadGuard<Integer>>> readers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HandPolled<RwLockReadGuard<Integer>> r = HandPolled.of(lock.read());
      r.pending();
      readers.add(r);
    }
    HandPolled<RwLockWriteGuard<Integer>> w2 = HandPolled.of(lock.write());
    w2.pending();
    w.close();
    for (HandPolled<RwLockReadGuard<Integer>> r : readers) {
      assertTrue(r.isWoken());
    }
    assertFalse(w2.isWoken());
    List<RwLockReadGuard<Integer>> guards = new ArrayList<>();
    for (HandPolled<RwLockReadGuard<Integer>> r : readers) {
      guards.add(r.ready());
    }
    guards.forEach(RwLockReadGuard::close);
    assertTrue(w2.isWoken());
    w2.ready().close();
  }

  @Test
  void maxReadersBoundsConcurrentReaders() throws Exception {
    RwLock<String> lock = new RwLock<>("v", 2);
    assertEquals(2, lock.maxReaders());
    RwLockReadGuard<String> a = lock.tryRead().orElseThrow();
    lock.tryRead().orElseThrow();
    assertTrue(lock.tryRead().isEmpty());
    HandPolled<RwLockReadGuard<String>> third = HandPolled.of(lock.read());
    third.pending();
    a.close();
    assertTrue(third.isWoken());
    third.ready();
    assertThrows(IllegalArgumentException.class, () -> new RwLock<>("v", 0));
    assertThrows(IllegalArgumentException.class, () -> new RwLock<>("v", RwLock.MAX_READS + 1));
    assertEquals((1 << 29) - 1, new RwLock<>("v").maxReaders());
  }

  @Test
  void downgradeLetsReadersInButNotWriters() throws Exception {
    RwLock<Integer> lock = new RwLock<>(0);
    RwLockWriteGuard<Integer> w = lock.tryWrite().orElseThrow();
    w.set(7);
    HandPolled<RwLockReadGuard<Integer>> reader = HandPolled.of(lock.read());
    reader.pending();
    RwLockReadGuard<Integer> mine = w.downgrade();
    assertFalse(w.isHeld());
    assertThrows(IllegalStateException.class, w::downgrade);
    w.close(); // no effect: the write lock was handed to the read guard
    assertEquals(7, mine.get());
    assertTrue(reader.isWoken());
    assertEquals(7, reader.ready().get());
    assertTrue(lock.tryWrite().isEmpty());
    mine.close();
  }

  @Test
  void cancellingAWriterThatGatheredReadSlotsPassesThemOn() throws Exception {
    RwLock<Integer> lock = new RwLock<>(0, 4);
    RwLockReadGuard<Integer> r1 = lock.tryRead().orElseThrow();
    HandPolled<RwLockWriteGuard<Integer>> writer = HandPolled.of(lock.write());
    writer.pending(); // holds the 3 free slots, waits for the fourth
    HandPolled<RwLockReadGuard<Integer>> r2 = HandPolled.of(lock.read());
    r2.pending();
    writer.cancel();
    assertTrue(r2.isWoken(), "the writer's slots went to the reader behind it");
    RwLockReadGuard<Integer> g2 = r2.ready();
    r1.close();
    g2.close();
    assertTrue(lock.tryWrite().isPresent(), "all four slots are back");
  }

  @Test
  void writersAreExclusiveAndReadersSeeConsistentStateUnderLoad() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      int[] pair = {0, 0}; // a writer changes both halves across a suspension point
      RwLock<int[]> lock = new RwLock<>(pair);
      List<String> torn = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger reads = new AtomicInteger();
      List<Future<? extends Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        if (i % 4 == 0) {
          tasks.add(
              rt.spawn(
                  lock.write()
                      .flatMap(
                          g -> {
                            g.get()[0]++;
                            return Task.yieldNow()
                                .map(
                                    v -> {
                                      g.get()[1]++;
                                      g.close();
                                      return null;
                                    });
                          })));
        } else {
          tasks.add(
              rt.spawn(
                  lock.read()
                      .flatMap(
                          g ->
                              Task.yieldNow()
                                  .map(
                                      v -> {
                                        int[] p = g.get();
                                        if (p[0] != p[1]) {
                                          torn.add(p[0] + "/" + p[1]);
                                        }
                                        reads.incrementAndGet();
                                        g.close();
                                        return null;
                                      }))));
        }
      }
      rt.blockOn(Futures.join(tasks));
      assertEquals(List.of(), torn);
      assertEquals(150, reads.get());
      assertEquals(50, pair[0]);
      assertEquals(50, pair[1]);
      assertTrue(lock.tryWrite().isPresent());
    }
  }
}
