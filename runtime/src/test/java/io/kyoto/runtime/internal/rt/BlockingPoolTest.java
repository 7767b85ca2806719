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

  /**
   * A burst of submits while the first thread's start is under way starts no other thread on the
   * submitting thread (a JVM thread start is slow: a poll submitting 200 jobs used to hold its
   * runtime thread for all of them); the new threads start the rest, at most {@link
   * BlockingPool#FAN_OUT} each, until every job has a thread.
   */
  @Test
  void aBurstStartsOneThreadOnTheSubmitterAndThePoolStartsTheRest() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      Thread submitter = Thread.currentThread();
      java.util.Map<Thread, Integer> startsBy = new java.util.concurrent.ConcurrentHashMap<>();
      AtomicReference<Thread> first = new AtomicReference<>();
      BlockingPool pool =
          new BlockingPool(
              coreOf(rt),
              128,
              TimeUnit.SECONDS.toNanos(1),
              t -> {
                startsBy.merge(Thread.currentThread(), 1, Integer::sum);
                if (!first.compareAndSet(null, t)) {
                  t.start();
                } // the first is started by the test, once the burst is queued
              });
      int jobs = 64;
      CountDownLatch allRunning = new CountDownLatch(jobs);
      CountDownLatch finished = new CountDownLatch(jobs);
      for (int i = 0; i < jobs; i++) {
        assertTrue(
            pool.submit(
                new BlockingPool.Job() {
                  @Override
                  public void run() {
                    allRunning.countDown();
                    try {
                      allRunning.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    finished.countDown();
                  }

                  @Override
                  public void refuse() {}
                }));
      }
      assertEquals(java.util.Map.of(submitter, 1), startsBy, "one start, on the submitter");
      first.get().start();
      assertTrue(allRunning.await(20, TimeUnit.SECONDS), "every job got a thread of its own");
      assertTrue(finished.await(20, TimeUnit.SECONDS));
      assertEquals(jobs, pool.threads());
      assertEquals(1, startsBy.get(submitter));
      assertEquals(jobs, startsBy.values().stream().mapToInt(Integer::intValue).sum());
      startsBy.forEach(
          (by, n) ->
              assertTrue(
                  by == submitter || n <= BlockingPool.FAN_OUT,
                  by.getName() + " started " + n + " threads"));
      pool.shutdown();
      assertTrue(pool.awaitTermination(TimeUnit.SECONDS.toNanos(5)));
    }
  }
}
