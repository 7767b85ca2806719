package io.kyoto.runtime.internal.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking pool's thread starts when a start fails (no native thread left). */
@Timeout(30)
class BlockingPoolTest {
  /** A job that records whether it ran or was refused. */
  record Recorded(String name, List<String> log) implements BlockingPool.Job {
    @Override
    public void run() {
      log.add(name + " ran");
    }

    @Override
    public void refuse() {
      log.add(name + " refused");
    }
  }

  private static RuntimeCore coreOf(Runtime rt) throws Exception {
    return rt.blockOn(Futures.lazy(() -> Futures.ready(CurrentRuntime.get())));
  }

  /**
   * Jobs submitted while the pool's only start is under way count on that thread; when its start
   * fails they are refused, not left queued with no thread to run them, and the submit whose start
   * failed throws the failure for its own job.
   */
  @Test
  void jobsThatCountedOnAFailedStartAreRefusedWhenNoThreadIsLeft() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      CountDownLatch starting = new CountDownLatch(1);
      CountDownLatch fail = new CountDownLatch(1);
      OutOfMemoryError noThreads = new OutOfMemoryError("unable to create native thread");
      BlockingPool pool =
          new BlockingPool(
              coreOf(rt),
              4,
              TimeUnit.SECONDS.toNanos(1),
              t -> {
                starting.countDown();
                try {
                  fail.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                throw noThreads;
              });
      List<String> log = new CopyOnWriteArrayList<>();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      CompletableFuture<Void> first =
          CompletableFuture.runAsync(
              () -> {
                try {
                  pool.submit(new Recorded("a", log));
                } catch (Throwable e) {
                  thrown.set(e);
                }
              });
      assertTrue(starting.await(10, TimeUnit.SECONDS));
      assertTrue(pool.submit(new Recorded("b", log)), "queued behind the start under way");
      assertTrue(pool.submit(new Recorded("c", log)));
      assertEquals(List.of(), log, "nothing ran or was refused while the start was under way");
      fail.countDown();
      first.get(10, TimeUnit.SECONDS);
      assertSame(noThreads, thrown.get(), "the failure reaches the submit of the first job");
      assertEquals(List.of("b refused", "c refused"), log);
      assertEquals(0, pool.inFlight());
      assertEquals(0, pool.threads());
    }
  }

  /** A new thread that cannot start more runs the backlog itself, one job after another. */
  @Test
  void aThreadThatCannotStartMoreRunsTheBacklogItself() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      AtomicReference<Thread> first = new AtomicReference<>();
      BlockingPool pool =
          new BlockingPool(
              coreOf(rt),
              4,
              TimeUnit.SECONDS.toNanos(1),
              t -> {
                if (!first.compareAndSet(null, t)) {
                  throw new OutOfMemoryError("unable to create native thread");
                }
                // started by the test once the backlog is queued
              });
      List<String> log = new CopyOnWriteArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        assertTrue(pool.submit(new Recorded(name, log)));
      }
      assertEquals(1, pool.threads(), "b and c wait for the thread starting for a");
      first.get().start(); // it finds 3 jobs, fails to start more, and runs them in turn
      for (int i = 0; i < 400 && log.size() < 3; i++) {
        Thread.sleep(5);
      }
      assertEquals(List.of("a ran", "b ran", "c ran"), log);
      assertEquals(1, pool.threads(), "the failed starts were undone");
      assertEquals(0, pool.inFlight());
      pool.shutdown();
      assertTrue(pool.awaitTermination(TimeUnit.SECONDS.toNanos(5)));
    }
  }
}
