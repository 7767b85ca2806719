package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Mutex} against tokio's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncMutexTest {

  @Test
  void theGuardReadsAndWritesTheValueUntilClosed() throws Exception {
    Mutex<String> m = new Mutex<>("a");
    MutexGuard<String> g = HandPolled.of(m.lock()).ready();
    assertTrue(m.isLocked());
    assertTrue(g.isHeld());
    assertEquals("a", g.get());
    g.set("b");
    assertTrue(m.tryLock().isEmpty(), "tryLock fails while the lock is held");
    g.close();
    g.close();
    assertFalse(g.isHeld());
    assertThrows(IllegalStateException.class, g::get);
    assertThrows(IllegalStateException.class, () -> g.set("c"));
    try (MutexGuard<String> again = m.tryLock().orElseThrow()) {
      assertEquals("b", again.get());
      assertTrue(m.tryLock().isEmpty(), "closing the old guard twice did not unlock twice");
    }
    assertFalse(m.isLocked());
  }

  @Test
  void lockIsHandedOutInStrictFifoOrder() throws Exception {
    Mutex<Integer> m = new Mutex<>(0);
    MutexGuard<Integer> first = m.tryLock().orElseThrow();
    List<HandPolled<MutexGuard<Integer>>> queue = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HandPolled<MutexGuard<Integer>> w = HandPolled.of(m.lock());
      w.pending();
      queue.add(w);
    }
    first.close();
    for (int i = 0; i < 3; i++) {
      for (int j = i; j < 3; j++) {
        assertEquals(j == i, queue.get(j).isWoken(), "step " + i + ", waiter " + j);
      }
      assertTrue(m.tryLock().isEmpty(), "the lock is handed over, never free in between");
      MutexGuard<Integer> g = queue.get(i).ready();
      g.set(g.get() + 1);
      g.close();
    }
    assertEquals(3, m.tryLock().orElseThrow().get());
  }

  @Test
  void cancellingTheWaiterThatWasHandedTheLockPassesItOn() throws Exception {
    Mutex<String> m = new Mutex<>("v");
    MutexGuard<String> g = m.tryLock().orElseThrow();
    HandPolled<MutexGuard<String>> a = HandPolled.of(m.lock());
    HandPolled<MutexGuard<String>> b = HandPolled.of(m.lock());
    a.pending();
    b.pending();
    g.close();
    assertTrue(a.isWoken());
    a.cancel(); // it had the lock but never saw it
    assertTrue(b.isWoken());
    b.ready().close();
    assertFalse(m.isLocked(), "the lock is free again: nothing leaked");
  }

  @Test
  void cancellingAQueuedWaiterLeavesTheQueue() throws Exception {
    Mutex<String> m = new Mutex<>("v");
    MutexGuard<String> g = m.tryLock().orElseThrow();
    HandPolled<MutexGuard<String>> a = HandPolled.of(m.lock());
    HandPolled<MutexGuard<String>> b = HandPolled.of(m.lock());
    a.pending();
    b.pending();
    a.cancel();
    g.close();
    assertTrue(b.isWoken());
    b.ready().close();
    assertTrue(m.tryLock().isPresent());
  }

  @Test
  void aTimedOutLockLeavesTheMutexUsable() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Mutex<Integer> m = new Mutex<>(1);
      MutexGuard<Integer> held = m.tryLock().orElseThrow();
      Exception e =
          assertThrows(
              Exception.class,
              () -> rt.blockOn(Futures.lazy(() -> m.lock().timeout(Duration.ofSeconds(1)))));
      assertInstanceOf(TimeoutException.class, e);
      held.close();
      assertFalse(m.isLocked());
      assertEquals(1, rt.blockOn(m.lock()).get());
    }
  }

  @Test
  void tasksGetTheLockInTheOrderTheyAskedForIt() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Mutex<List<Integer>> m = new Mutex<>(new ArrayList<>());
      List<Future<? extends Void>> tasks = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                MutexGuard<List<Integer>> first = m.tryLock().orElseThrow();
                for (int i = 0; i < 20; i++) {
                  int n = i;
                  tasks.add(
                      Task.spawn(
                          m.lock()
                              .flatMap(
                                  g ->
                                      Time.sleep(Duration.ofMillis(20 - n))
                                          .map(
                                              v -> {
                                                g.get().add(n);
                                                g.close();
                                                return null;
                                              }))));
                }
                // Let every task queue, then unlock.
                return Time.sleep(Duration.ofMillis(1))
                    .flatMap(
                        v -> {
                          first.close();
                          return Futures.join(tasks);
                        });
              }));
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        expected.add(i);
      }
      assertEquals(expected, rt.blockOn(m.lock()).get());
    }
  }

  @Test
  void manyTasksOnAMultiThreadRuntimeNeverOverlap() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      int[] counter = {0}; // a plain field: only the mutex makes this safe
      Mutex<int[]> m = new Mutex<>(counter);
      List<Integer> overlaps = Collections.synchronizedList(new ArrayList<>());
      List<Future<? extends Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        tasks.add(
            rt.spawn(
                Futures.loop(
                    0,
                    round ->
                        round == 5
                            ? Futures.ready(Futures.Step.<Integer, Void>done(null))
                            : m.lock()
                                .flatMap(
                                    g -> {
                                      int before = g.get()[0];
                                      // Suspend while holding the lock: another task must not
                                      // get in between the read and the write.
                                      return Task.yieldNow()
                                          .map(
                                              v -> {
                                                if (g.get()[0] != before) {
                                                  overlaps.add(before);
                                                }
                                                g.get()[0] = before + 1;
                                                g.close();
                                                return Futures.Step.next(round + 1);
                                              });
                                    }))));
      }
      rt.blockOn(Futures.join(tasks));
      assertEquals(List.of(), overlaps);
      assertEquals(2000, rt.blockOn(m.lock()).get()[0]);
    }
  }
}
