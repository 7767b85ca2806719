package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.io.IoTestSupport;
import io.kyoto.runtime.sync.CancellationToken;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runtime, tasks and join handles on both flavors. */
@Timeout(30)
class RuntimeTest {
  static Runtime runtime(Flavor flavor) {
    return Runtime.builder().flavor(flavor).workerThreads(2).enableAll().build();
  }

  /** Waits up to 2 s for {@code done}, which another thread makes true; the caller asserts it. */
  static void waitUntil(BooleanSupplier done) throws InterruptedException {
    for (int i = 0; i < 400 && !done.getAsBoolean(); i++) {
      Thread.sleep(5);
    }
  }

  /** A future that is pending until the flag is set from elsewhere, then ready. */
  static Future<Void> until(AtomicBoolean flag, List<Waker> wakers) {
    return cx -> {
      if (flag.get()) {
        return Poll.ready(null);
      }
      wakers.add(cx.waker());
      return flag.get() ? Poll.ready(null) : Poll.pending();
    };
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void blockOnRunsAFutureAndSpawnedTasks(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      int sum =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    List<Future<? extends Integer>> handles = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                      int n = i;
                      handles.add(Task.spawn(Futures.fromSupplier(() -> n)));
                    }
                    return Futures.join(handles)
                        .map(values -> values.stream().mapToInt(Integer::intValue).sum());
                  }));
      assertEquals(4950, sum);
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void aFailedTaskReachesTheJoinerWithItsCauseAndTheWorkerSurvives(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      IOException original = new IOException("disk on fire");
      JoinException e =
          assertThrows(
              JoinException.class,
              () -> rt.blockOn(Futures.lazy(() -> Task.spawn(Futures.<Integer>failed(original)))));
      assertSame(original, e.getCause());
      assertTrue(e.isFailure());
      assertFalse(e.isCancelled());
      // An unchecked exception and an Error in a task do not kill the worker either.
      JoinException e2 =
          assertThrows(
              JoinException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () ->
                              Task.spawn(
                                  cx -> {
                                    throw new StackOverflowError("deep");
                                  }))));
      assertInstanceOf(StackOverflowError.class, e2.getCause());
      assertEquals(5, rt.blockOn(Futures.lazy(() -> Task.spawn(Futures.ready(5)))));
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void abortCancelsAtTheNextSuspensionPointAndIsIdempotent(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      AtomicInteger cancels = new AtomicInteger();
      Future<Void> forever =
          new Future<>() {
            @Override
            public Poll<Void> poll(Context cx) {
              return Poll.pending();
            }

            @Override
            public void cancel() {
              cancels.incrementAndGet();
            }
          };
      JoinHandle<Void> handle = rt.spawn(forever);
      assertFalse(handle.isFinished());
      handle.abort();
      handle.abort();
      handle.abortHandle().abort();
      JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(handle));
      assertTrue(e.isCancelled());
      assertInstanceOf(CancellationException.class, e.getCause());
      assertTrue(handle.isFinished());
      assertEquals(1, cancels.get(), "the future is cancelled exactly once");
    }
  }

  @Test
  void aSpawnAllocatesOnlyItsTaskWhichIsItsOwnJoinHandle() throws Exception {
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    Future<Void> ready = cx -> Poll.ready(null);
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).build()) {
      long perSpawn =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    for (int i = 0; i < 1_000; i++) {
                      Task.spawn(ready); // the inject queue's first chunks, the spawn counter
                    }
                    int n = 10_000;
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < n; i++) {
                      Task.spawn(ready);
                    }
                    return Futures.ready((threads.getCurrentThreadAllocatedBytes() - before) / n);
                  }));
      // A 56-byte task (handle included) and the queue's chunks, 1 KiB per 256 spawns; a handle
      // wrapping the task would add 16 bytes.
      assertTrue(perSpawn <= 64, "bytes allocated per spawn: " + perSpawn);
    }
  }

  @Test
  void aTaskThatCompletesBeforeItsAbortIsSeenKeepsItsValue() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      JoinHandle<Integer> h = rt.spawn(Futures.ready(1));
      rt.blockOn(Task.yieldNow()); // lets the task run
      h.abort();
      assertEquals(1, rt.blockOn(h));
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void wakesFromOtherThreadsResumeTasks(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      AtomicBoolean flag = new AtomicBoolean();
      List<Waker> wakers = Collections.synchronizedList(new ArrayList<>());
      JoinHandle<Void> h = rt.spawn(until(flag, wakers));
      Thread other =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (wakers.isEmpty()) {
                      Thread.onSpinWait();
                    }
                    flag.set(true);
                    synchronized (wakers) {
                      wakers.forEach(Waker::wake);
                    }
                  });
      rt.blockOn(h);
      other.join();
      assertTrue(h.isFinished());
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void blockOnInsideARuntimeFailsWithTokiosMessage(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> rt.blockOn(Futures.fromSupplier(() -> rt.blockOn(Futures.ready(1)))));
      assertTrue(
          e.getMessage().startsWith("Cannot start a runtime from within a runtime."),
          e.getMessage());
      // From inside a task on a worker, too.
      JoinException je =
          assertThrows(
              JoinException.class,
              () -> rt.blockOn(rt.spawn(Futures.fromSupplier(() -> rt.blockOn(Futures.ready(1))))));
      assertInstanceOf(IllegalStateException.class, je.getCause());
    }
  }

  @Test
  void handleCurrentOutsideARuntimeFails() {
    IllegalStateException e = assertThrows(IllegalStateException.class, Handle::current);
    assertTrue(e.getMessage().startsWith("there is no reactor running"), e.getMessage());
    assertEquals(Optional.empty(), Handle.tryCurrent());
    IllegalStateException spawn =
        assertThrows(IllegalStateException.class, () -> Task.spawn(Futures.ready(1)));
    // The usual cause: rt.blockOn(Task.spawn(f)) evaluates the spawn before blockOn runs.
    assertTrue(spawn.getMessage().startsWith("there is no reactor running"), spawn.getMessage());
    assertTrue(spawn.getMessage().contains("use rt.spawn(future)"), spawn.getMessage());
    IllegalStateException blocking =
        assertThrows(IllegalStateException.class, () -> Task.spawnBlocking(() -> 1));
    assertTrue(blocking.getMessage().contains("use rt.spawnBlocking(job)"), blocking.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void handleCurrentInsideTasksAndBlockingJobs(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      assertEquals(rt.handle(), rt.blockOn(Futures.fromSupplier(Handle::current)));
      assertEquals(rt.handle(), rt.blockOn(rt.spawn(Futures.fromSupplier(Handle::current))));
      assertEquals(rt.handle(), rt.blockOn(rt.spawnBlocking(Handle::current)));
    }
  }

  @Test
  void yieldNowLetsOtherTasksRun() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      List<String> log = Collections.synchronizedList(new ArrayList<>());
      rt.blockOn(
          Futures.lazy(
              () -> {
                JoinHandle<Void> a =
                    Task.spawn(
                        Futures.loop(
                            0,
                            i -> {
                              log.add("a" + i);
                              return i == 2
                                  ? Futures.ready(Futures.Step.done(null))
                                  : Task.yieldNow().map(v -> Futures.Step.next(i + 1));
                            }));
                JoinHandle<Void> b =
                    Task.spawn(
                        Futures.loop(
                            0,
                            i -> {
                              log.add("b" + i);
                              return i == 2
                                  ? Futures.ready(Futures.Step.done(null))
                                  : Task.yieldNow().map(v -> Futures.Step.next(i + 1));
                            }));
                return Futures.join(List.of(a, b));
              }));
      assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), log, "yield interleaves");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = io.kyoto.reactor.Backend.class,
      names = {"EPOLL", "NIO"})
  void anInterruptEndsABlockOnWaitingInTheReactor(io.kyoto.reactor.Backend backend)
      throws Exception {
    // A current-thread blockOn blocks in the reactor (epoll_wait, or a NIO selector); an interrupt
    // must end it there too, or JUnit's @Timeout cannot stop a hung test.
    for (boolean paused : new boolean[] {false, true}) {
      try (Runtime rt =
          Runtime.builder()
              .currentThread()
              .enableIo(backend)
              .enableTime()
              .startPaused(paused)
              .build()) {
        AtomicBoolean cancelled = new AtomicBoolean();
        Future<Void> never =
            new Future<>() {
              @Override
              public Poll<Void> poll(Context cx) {
                return Poll.pending();
              }

              @Override
              public void cancel() {
                cancelled.set(true);
              }
            };
        Exception[] thrown = new Exception[1];
        Thread caller =
            new Thread(
                () -> {
                  try {
                    rt.blockOn(never);
                  } catch (Exception e) {
                    thrown[0] = e;
                  }
                });
        caller.start();
        Thread.sleep(100); // parked in the reactor by now
        caller.interrupt();
        caller.join(10_000);
        assertFalse(caller.isAlive(), backend + " paused=" + paused + ": still blocked");
        assertInstanceOf(InterruptedException.class, thrown[0], backend + " paused=" + paused);
        assertTrue(cancelled.get(), "the future was cancelled");
        // An interrupt that comes before blockOn parks ends it at once as well.
        Thread.currentThread().interrupt();
        assertThrows(
            InterruptedException.class,
            () -> rt.blockOn(new io.kyoto.runtime.sync.Notify().notified()));
        assertFalse(Thread.interrupted(), "blockOn cleared the interrupt it reported");
      }
    }
  }

  @Test
  void consumeBudgetYieldsOnceTheTaskHasSpentItsBudget() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      boolean[] otherRan = new boolean[1];
      int[] polls = new int[1];
      Future<Integer> busy = // a loop over in-memory work: no runtime resource of its own
          new Future<>() {
            private final Future<Void> step = Task.consumeBudget();
            private int i;
            private int sawOtherAt = -1;

            @Override
            public Poll<Integer> poll(Context cx) throws Exception {
              polls[0]++;
              while (i < 1000) {
                if (step.poll(cx).isPending()) {
                  return Poll.pending();
                }
                if (otherRan[0] && sawOtherAt < 0) {
                  sawOtherAt = i;
                }
                i++;
              }
              return Poll.ready(sawOtherAt);
            }
          };
      int sawOtherAt =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinHandle<Integer> a = Task.spawn(busy);
                    Task.spawn(Futures.fromSupplier(() -> otherRan[0] = true));
                    return a;
                  }));
      assertEquals(Context.INITIAL_BUDGET, sawOtherAt, "the other task ran after 128 steps");
      assertEquals(1000 / Context.INITIAL_BUDGET + 1, polls[0], "one poll per budget, no more");
    }
  }

  @Test
  void spawnBlockingRunsOnTheBlockingPoolAndCannotBeAbortedOnceStarted() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      JoinHandle<String> h =
          rt.spawnBlocking(
              () -> {
                started.countDown();
                release.await();
                return Thread.currentThread().getName();
              });
      assertTrue(started.await(5, TimeUnit.SECONDS));
      h.abort(); // too late: it runs to the end
      release.countDown();
      assertTrue(rt.blockOn(h).startsWith("kyoto-blocking-"));
    }
  }

  /**
   * Cancelling the join handle of a blocking job stops waiting only: the job still runs (as when
   * tokio drops the handle), and its end wakes nobody, since the cancel took the waker back.
   */
  @Test
  void aCancelledJoinHandleOfABlockingJobLetsItRunAndLeavesItNoWaker() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    try (IoTestSupport.HeldBlockingThread held = new IoTestSupport.HeldBlockingThread()) {
      held.hold();
      IoTestSupport.CountingWaker cancelled = new IoTestSupport.CountingWaker();
      cancelled.pollPendingThenCancel(
          held.runtime(), () -> Task.spawnBlocking(() -> ran.getAndSet(true)));
      held.releaseAndDrain();
      assertTrue(ran.get(), "the job ran");
      assertEquals(0, cancelled.wakes(), "the cancelled handle's task was woken");
    }
  }

  @Test
  void blockingPoolGrowsToItsCapAndShrinksAfterKeepAlive() throws Exception {
    try (Runtime rt =
        Runtime.builder()
            .currentThread()
            .maxBlockingThreads(3)
            .threadKeepAlive(Duration.ofMillis(100))
            .build()) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      List<JoinHandle<Void>> jobs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        jobs.add(
            rt.spawnBlocking(
                () -> {
                  peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                  release.await();
                  running.decrementAndGet();
                  return null;
                }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (running.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(50); // a fourth job would have started by now if the cap did not hold
      assertEquals(3, rt.metrics().numBlockingThreads(), "grows to the cap, not beyond");
      release.countDown();
      rt.blockOn(Futures.join(jobs));
      assertEquals(3, peak.get(), "the other jobs waited in the queue");
      while (rt.metrics().numBlockingThreads() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, rt.metrics().numBlockingThreads(), "idle threads exit after keep-alive");
    }
  }

  /**
   * A poll that submits a burst of blocking jobs that wait for one another: every job still gets a
   * thread of its own, although the pool now starts most of them from its own threads (which {@code
   * BlockingPoolTest} checks: the poll starts one itself while that start is under way).
   */
  @ParameterizedTest
  @EnumSource(Flavor.class)
  void aBurstOfBlockingJobsFromOnePollGetsAThreadEach(Flavor flavor) throws Exception {
    int jobs = 64;
    try (Runtime rt = runtime(flavor)) {
      CountDownLatch allRunning = new CountDownLatch(jobs);
      List<Boolean> met =
          rt.blockOn(
              rt.spawn(
                  Futures.lazy(
                      () -> {
                        List<JoinHandle<Boolean>> hs = new ArrayList<>();
                        for (int i = 0; i < jobs; i++) {
                          hs.add(
                              Task.spawnBlocking(
                                  () -> {
                                    allRunning.countDown();
                                    return allRunning.await(20, TimeUnit.SECONDS);
                                  }));
                        }
                        return Futures.join(hs);
                      })));
      assertEquals(jobs, met.size());
      assertTrue(met.stream().allMatch(b -> b), "every job had a thread while the others waited");
      assertTrue(rt.metrics().numBlockingThreads() >= jobs);
    }
  }

  /**
   * Two jobs submitted while one blocking thread is idle run side by side: the idle thread takes
   * one and a new thread the other, as tokio counts a notified idle thread as taken at once. Here
   * the first job waits for the second, so running them one after the other would deadlock.
   */
  @Test
  void jobsSubmittedTogetherWhileOneThreadIsIdleRunSideBySide() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      rt.blockOn(rt.spawnBlocking(() -> null));
      // Wait for the pool's only thread to be parked idle, waiting for work.
      Thread pooled = null;
      for (int i = 0; i < 400; i++) {
        pooled =
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kyoto-blocking-"))
                .filter(t -> t.getState() == Thread.State.TIMED_WAITING)
                .findFirst()
                .orElse(null);
        if (pooled != null && rt.metrics().numBlockingThreads() == 1) {
          break;
        }
        Thread.sleep(5);
      }
      assertTrue(pooled != null, "the first job's thread is idle in the pool");
      CountDownLatch second = new CountDownLatch(1);
      JoinHandle<Boolean> first = rt.spawnBlocking(() -> second.await(5, TimeUnit.SECONDS));
      JoinHandle<Void> other =
          rt.spawnBlocking(
              () -> {
                second.countDown();
                return null;
              });
      assertTrue(rt.blockOn(first), "the second job ran while the first one waited for it");
      rt.blockOn(other);
      assertEquals(2, rt.metrics().numBlockingThreads());
    }
  }

  @Test
  void shutdownTimeoutGivesUpOnStuckBlockingJobs() throws Exception {
    Runtime rt = Runtime.builder().currentThread().build();
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    rt.spawnBlocking(
        () -> {
          started.countDown();
          never.await();
          return null;
        });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    long t0 = System.nanoTime();
    assertFalse(rt.shutdownTimeout(Duration.ofMillis(100)), "the job is still running");
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    never.countDown();
    assertThrows(IllegalStateException.class, () -> rt.blockOn(Futures.ready(1)));
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void shutdownCancelsEveryTask(Flavor flavor) throws Exception {
    Runtime rt = runtime(flavor);
    AtomicInteger cancelled = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      rt.spawn(
          new Future<Void>() {
            @Override
            public Poll<Void> poll(Context cx) {
              return Poll.pending();
            }

            @Override
            public void cancel() {
              cancelled.incrementAndGet();
            }
          });
    }
    rt.blockOn(Task.yieldNow());
    rt.close();
    assertEquals(50, cancelled.get());
    assertEquals(0, rt.metrics().numAliveTasks());
  }

  /** A task that counts its polls and cancellations and stays pending. */
  static final class Counting implements Future<Void> {
    final AtomicInteger polls;
    final AtomicInteger cancels;

    Counting(AtomicInteger polls, AtomicInteger cancels) {
      this.polls = polls;
      this.cancels = cancels;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      polls.incrementAndGet();
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancels.incrementAndGet();
    }
  }

  @Test
  void shutdownCancelsQueuedTasksWithoutPollingThem() throws Exception {
    // Tasks join the alive list at their first pending poll; until then they are only queued. A
    // current-thread runtime runs tasks only inside blockOn, so these are never polled.
    Runtime rt = Runtime.builder().currentThread().enableAll().build();
    AtomicInteger polls = new AtomicInteger();
    AtomicInteger cancels = new AtomicInteger();
    List<JoinHandle<Void>> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      handles.add(rt.spawn(new Counting(polls, cancels)));
    }
    assertEquals(20, rt.metrics().numAliveTasks(), "queued tasks count as alive");
    rt.close();
    assertEquals(0, polls.get(), "a task queued at shutdown is cancelled, never polled");
    assertEquals(20, cancels.get());
    assertEquals(0, rt.metrics().numAliveTasks());
    for (JoinHandle<Void> h : handles) {
      assertTrue(h.isFinished());
    }
  }

  /**
   * Spawns from tasks (counted by the spawning worker on a multi-thread runtime) and from outside:
   * the counts add up, and the tasks are alive from their spawn until they end.
   */
  @ParameterizedTest
  @EnumSource(Flavor.class)
  void tasksSpawnedByTasksCountAsAliveUntilTheyEnd(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      RuntimeMetrics m = rt.metrics();
      CancellationToken release = new CancellationToken();
      JoinHandle<List<JoinHandle<Void>>> parent =
          rt.spawn(
              Futures.lazy(
                  () -> {
                    List<JoinHandle<Void>> children = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                      children.add(Task.spawn(release.cancelled()));
                    }
                    return Futures.ready(children);
                  }));
      List<JoinHandle<Void>> children = rt.blockOn(parent);
      assertEquals(41, m.spawnedTasksCount());
      waitUntil(() -> m.numAliveTasks() == 40); // the parent has ended; its children wait
      assertEquals(40, m.numAliveTasks());
      release.cancel();
      rt.blockOn(Futures.join(children));
      waitUntil(() -> m.numAliveTasks() == 0);
      assertEquals(0, m.numAliveTasks());
      assertEquals(41, m.spawnedTasksCount());
    }
  }

  /**
   * A thread inside blockOn counts its spawns (and, current-thread, the tasks it runs to the end)
   * in counts of its own, folded into the runtime's when it leaves: other threads see them while it
   * is inside, and nothing is lost or counted twice on the way out, however often it enters.
   */
  @ParameterizedTest
  @EnumSource(Flavor.class)
  void spawnsFromABlockOnThreadAreCountedWhileInsideAndAfter(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      RuntimeMetrics m = rt.metrics();
      CancellationToken release = new CancellationToken();
      List<JoinHandle<Void>> waiting = new ArrayList<>();
      for (int round = 1; round <= 3; round++) {
        int expected = 10 * round;
        int[] seenInside = new int[2];
        rt.blockOn(
            Futures.lazy(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    waiting.add(Task.spawn(release.cancelled()));
                  }
                  Thread reader =
                      Thread.ofPlatform()
                          .start(
                              () -> {
                                seenInside[0] = (int) m.spawnedTasksCount();
                                seenInside[1] = m.numAliveTasks();
                              });
                  try {
                    reader.join();
                  } catch (InterruptedException e) {
                    throw new AssertionError(e);
                  }
                  return Futures.ready(null);
                }));
        assertEquals(expected, seenInside[0], "spawns seen by another thread while inside");
        assertEquals(expected, seenInside[1], "alive tasks seen while inside");
        assertEquals(expected, m.spawnedTasksCount(), "after leaving blockOn");
        assertEquals(expected, m.numAliveTasks());
      }
      release.cancel();
      rt.blockOn(Futures.join(waiting));
      waitUntil(() -> m.numAliveTasks() == 0);
      assertEquals(30, m.spawnedTasksCount());
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void tasksThatFinishInTheirFirstPollAreCountedAndLeaveNoTrace(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      AtomicInteger polls = new AtomicInteger();
      AtomicInteger cancels = new AtomicInteger();
      JoinHandle<Void> pending = rt.spawn(new Counting(polls, cancels));
      int sum =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    List<JoinHandle<Integer>> hs = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                      int v = i;
                      hs.add(Task.spawn(cx -> Poll.ready(v)));
                    }
                    return Futures.join(hs)
                        .map(vs -> vs.stream().mapToInt(Integer::intValue).sum());
                  }));
      assertEquals(4950, sum);
      RuntimeMetrics m = rt.metrics();
      assertEquals(101, m.spawnedTasksCount());
      assertEquals(1, m.numAliveTasks(), "only the pending task is alive");
      assertEquals(
          List.of(pending.id()),
          rt.handle().dumpTasks().stream().map(TaskDump::id).toList(),
          "only the pending task is listed");
      pending.abort();
      rt.blockOn(Task.yieldNow());
      waitUntil(() -> m.numAliveTasks() == 0); // a worker runs the cancellation
      assertEquals(0, m.numAliveTasks());
      assertEquals(1, cancels.get());
    }
  }

  @Test
  @Timeout(30)
  void aTaskStillInItsFirstPollWhenShutdownGivesUpIsCancelledWhenThePollEnds() throws Exception {
    // shutdownBackground does not wait for workers: it sweeps the alive list while this task is
    // still in its first poll, before the task has joined the list. Joining it afterwards must
    // still cancel it.
    Runtime rt = runtime(Flavor.MULTI_THREAD);
    CountDownLatch polling = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    JoinHandle<Void> h =
        rt.spawn(
            new Future<Void>() {
              @Override
              public Poll<Void> poll(Context cx) throws Exception {
                polling.countDown();
                release.await();
                return Poll.pending();
              }

              @Override
              public void cancel() {
                cancelled.countDown();
              }
            });
    assertTrue(polling.await(10, TimeUnit.SECONDS));
    rt.shutdownBackground();
    release.countDown();
    assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the task was left pending after shutdown");
    waitUntil(h::isFinished);
    assertTrue(h.isFinished());
  }

  @Test
  @Timeout(30)
  void aTaskQueuedOnAWorkerThatOutlivesShutdownIsCancelledWhenTheWorkerStops() throws Exception {
    // The stuck poll spawns a task into its own worker's queue; shutdownBackground does not wait
    // for that worker, and only the worker may pop its queue, so it cancels it when it stops.
    Runtime rt = runtime(Flavor.MULTI_THREAD);
    CountDownLatch polling = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger innerPolls = new AtomicInteger();
    AtomicInteger innerCancels = new AtomicInteger();
    List<JoinHandle<Void>> inner = new ArrayList<>();
    rt.spawn(
        cx -> {
          inner.add(Task.spawn(new Counting(innerPolls, innerCancels)));
          polling.countDown();
          release.await();
          return Poll.pending();
        });
    assertTrue(polling.await(10, TimeUnit.SECONDS));
    rt.shutdownBackground();
    release.countDown();
    waitUntil(inner.get(0)::isFinished);
    assertTrue(inner.get(0).isFinished(), "the queued task was stranded in the worker's queue");
    assertEquals(0, innerPolls.get(), "cancelled, never polled");
    assertEquals(1, innerCancels.get());
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  @Timeout(60)
  void everyTaskSpawnedWhileTheRuntimeShutsDownFinishes(Flavor flavor) throws Exception {
    // A spawn that races close() may queue its task after shutdown drained the run queues; that
    // task must still finish (cancelled), or its joiner would wait forever.
    for (int round = 0; round < 30; round++) {
      Runtime rt = runtime(flavor);
      List<JoinHandle<Void>> handles = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(1);
      Thread spawner =
          Thread.ofPlatform()
              .start(
                  () -> {
                    started.countDown();
                    for (int i = 0; !stop.get() && i < 20_000; i++) {
                      handles.add(rt.spawn(new Counting(new AtomicInteger(), new AtomicInteger())));
                      if (i % 10 == 9) {
                        LockSupport.parkNanos(10_000); // a few hundred spawns around close()
                      }
                    }
                  });
      started.await();
      Thread.sleep(1);
      rt.close();
      Thread.sleep(2); // spawns after close
      stop.set(true);
      spawner.join();
      for (JoinHandle<Void> h : handles) {
        waitUntil(h::isFinished);
        assertTrue(h.isFinished(), "round " + round + ": " + h + " never finished");
      }
      assertEquals(0, rt.metrics().numAliveTasks(), "round " + round);
    }
  }

  @Test
  @Timeout(60)
  void shutdownRacingFirstPollsCancelsEveryTaskOnce() throws Exception {
    // Shutdown while tasks are queued, in their first poll (joining the alive list), or listed:
    // every one must be cancelled exactly once and none left alive.
    for (int round = 0; round < 40; round++) {
      Runtime rt = runtime(Flavor.MULTI_THREAD);
      AtomicInteger polls = new AtomicInteger();
      AtomicInteger cancels = new AtomicInteger();
      int n = 200;
      for (int i = 0; i < n; i++) {
        rt.spawn(new Counting(polls, cancels));
      }
      if (round % 2 == 1) {
        Thread.onSpinWait(); // vary where the workers are when shutdown begins
      }
      rt.close();
      assertEquals(n, cancels.get(), "round " + round + ": every task cancelled once");
      assertEquals(0, rt.metrics().numAliveTasks(), "round " + round);
      assertTrue(polls.get() <= n, "each task polled at most once before shutdown");
    }
  }

  /**
   * The failure that shut the runtime down is the cause of what {@code blockOn} throws, and its
   * message names the task: before, the caller saw only "the runtime was shut down while blockOn
   * was waiting", and the failure surfaced, if ever, in the unjoined-failure warning at a GC.
   */
  @ParameterizedTest
  @EnumSource(Flavor.class)
  void shutdownPolicyStopsTheRuntimeOnAFailedTaskAndNamesTheFailure(Flavor flavor)
      throws Exception {
    try (Runtime rt =
        Runtime.builder()
            .flavor(flavor)
            .workerThreads(2)
            .unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME)
            .build()) {
      IOException fatal = new IOException("fatal");
      JoinHandle<Object> failing = rt.spawn(Futures.failed(fatal));
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> rt.blockOn(Futures.pollFn(cx -> Poll.pending())));
      // On a multi-thread runtime the task may fail, and shut the runtime down, before blockOn
      // starts waiting: "the runtime is shut down" then; the reason is the same.
      String reason =
          ": task "
              + failing.id()
              + " failed (java.io.IOException: fatal) and the runtime's UnhandledExceptionPolicy"
              + " is SHUTDOWN_RUNTIME";
      assertTrue(
          e.getMessage().equals("the runtime was shut down while blockOn was waiting" + reason)
              || e.getMessage().equals("the runtime is shut down" + reason),
          e.getMessage());
      assertSame(fatal, e.getCause());
      IllegalStateException later =
          assertThrows(IllegalStateException.class, () -> rt.blockOn(Futures.ready(1)));
      assertTrue(
          later.getMessage().startsWith("the runtime is shut down: task " + failing.id()),
          later.getMessage());
      assertSame(fatal, later.getCause());
    }
  }

  /**
   * The javadoc's old example: a lazy {@code joinAll()} returned from a try-with-resources block
   * finds the set closed and its tasks aborted. It returned an empty list, as if every task had
   * been joined; it fails now, saying why.
   */
  @Test
  void aJoinPolledAfterCloseAbortedTheTasksFailsInsteadOfReportingNone() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            try (JoinSet<Integer> set = new JoinSet<>()) {
                              for (int i = 0; i < 3; i++) {
                                set.spawn(Time.sleep(Duration.ofMillis(10)).map(v -> 1));
                              }
                              return set.joinAll();
                            }
                          })));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "this JoinSet was closed before this join was polled, which aborted its 3"
                      + " task(s)"),
          e.getMessage());
      // Scoped with Futures.using, the same code joins every task; a set emptied by joining and
      // then closed still reports an empty set.
      List<Integer> values =
          rt.blockOn(
              Futures.using(
                  new JoinSet<Integer>(),
                  set -> {
                    for (int i = 0; i < 3; i++) {
                      set.spawn(Time.sleep(Duration.ofMillis(10)).map(v -> 1));
                    }
                    return set.joinAll();
                  }));
      assertEquals(List.of(1, 1, 1), values);
      JoinSet<Integer> joined = new JoinSet<>();
      joined.close();
      assertEquals(java.util.Optional.empty(), rt.blockOn(joined.joinNext()));
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void joinSetYieldsInCompletionOrderAndAbortsOnClose(Flavor flavor) throws Exception {
    try (Runtime rt = Runtime.builder().flavor(flavor).workerThreads(2).enableTime().build()) {
      List<Integer> order =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinSet<Integer> set = new JoinSet<>();
                    set.spawn(Time.sleep(Duration.ofMillis(300)).map(v -> 3));
                    set.spawn(Time.sleep(Duration.ofMillis(20)).map(v -> 1));
                    set.spawn(Time.sleep(Duration.ofMillis(150)).map(v -> 2));
                    List<Integer> out = new ArrayList<>();
                    return Futures.loop(
                        out,
                        acc ->
                            set.joinNext()
                                .map(
                                    next -> {
                                      if (next.isEmpty()) {
                                        return Futures.Step.<List<Integer>, List<Integer>>done(acc);
                                      }
                                      acc.add(next.get());
                                      return Futures.Step.next(acc);
                                    }));
                  }));
      assertEquals(List.of(1, 2, 3), order);
      AtomicInteger cancels = new AtomicInteger();
      rt.blockOn(
          Futures.lazy(
              () -> {
                try (JoinSet<Void> set = new JoinSet<>()) {
                  for (int i = 0; i < 5; i++) {
                    set.spawn(Time.sleep(Duration.ofDays(1)).inspect(v -> cancels.addAndGet(100)));
                  }
                }
                return Task.yieldNow();
              }));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (rt.metrics().numAliveTasks() > 0 && System.nanoTime() < deadline) {
        rt.blockOn(Time.sleep(Duration.ofMillis(5)));
      }
      assertEquals(0, rt.metrics().numAliveTasks(), "closing the set aborted its tasks");
      assertEquals(0, cancels.get());
    }
  }

  @Test
  void aJoinSetOfVoidTasksIsJoinedByLoopingWhileItIsNotEmpty() throws Exception {
    // joinNext() yields Optional.empty() for a task whose value is null, as for an empty set: the
    // documented loop is on isEmpty(), and every joinNext() removes one finished task.
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      AtomicInteger ran = new AtomicInteger();
      int joined =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinSet<Void> set = new JoinSet<>();
                    for (int i = 1; i <= 4; i++) {
                      set.spawn(
                          Time.sleep(Duration.ofMillis(i)).inspect(v -> ran.incrementAndGet()));
                    }
                    return Futures.loop(
                        0,
                        n ->
                            set.isEmpty()
                                ? Futures.ready(Futures.Step.<Integer, Integer>done(n))
                                : set.joinNext()
                                    .map(
                                        v -> {
                                          assertTrue(v.isEmpty(), "a Void task's value is null");
                                          return Futures.Step.<Integer, Integer>next(n + 1);
                                        }));
                  }));
      assertEquals(4, joined);
      assertEquals(4, ran.get());
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void joinAllYieldsEveryValueInCompletionOrder(Flavor flavor) throws Exception {
    // The sleeps complete in deadline order, whatever the spawn order.
    try (Runtime rt = Runtime.builder().flavor(flavor).workerThreads(2).enableTime().build()) {
      List<Integer> values =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinSet<Integer> set = new JoinSet<>();
                    set.spawn(Time.sleep(Duration.ofMillis(300)).map(v -> 3));
                    set.spawn(Time.sleep(Duration.ofMillis(20)).map(v -> 1));
                    set.spawn(Time.sleep(Duration.ofMillis(150)).map(v -> 2));
                    return set.joinAll().inspect(v -> assertTrue(set.isEmpty()));
                  }));
      assertEquals(List.of(1, 2, 3), values);
      List<Void> voids =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinSet<Void> set = new JoinSet<>();
                    for (int i = 0; i < 3; i++) {
                      set.spawn(Time.sleep(Duration.ofMillis(1)));
                    }
                    return set.joinAll();
                  }));
      assertEquals(Arrays.asList(null, null, null), voids, "one null per Void task");
      assertEquals(List.of(), rt.blockOn(Futures.lazy(() -> new JoinSet<Integer>().joinAll())));
    }
  }

  @Test
  void aJoinSetJoinsBlockingJobsWithItsTasks() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableTime().build()) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      List<Integer> values =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinSet<Integer> set = new JoinSet<>();
                    set.spawnBlocking(
                        () -> {
                          threads.add(Thread.currentThread().getName());
                          Thread.sleep(50);
                          return 2;
                        });
                    set.spawn(Time.sleep(Duration.ofMillis(1)).map(v -> 1));
                    return set.joinAll();
                  }));
      assertEquals(List.of(1, 2), values);
      assertEquals(1, threads.size());
      assertTrue(threads.iterator().next().contains("blocking"), threads.toString());
    }
  }

  @Test
  void aJoinSetScopedByFuturesUsingAbortsItsTasksWhenTheScopeIsCancelled() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableTime().build()) {
      AtomicInteger finished = new AtomicInteger();
      assertThrows(
          java.util.concurrent.TimeoutException.class,
          () ->
              rt.blockOn(
                  Futures.using(
                          new JoinSet<Integer>(),
                          set -> {
                            for (int i = 0; i < 4; i++) {
                              set.spawn(
                                  Time.sleep(Duration.ofDays(1))
                                      .map(v -> finished.incrementAndGet()));
                            }
                            return set.joinAll();
                          })
                      .timeout(Duration.ofMillis(20))));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (rt.metrics().numAliveTasks() > 0 && System.nanoTime() < deadline) {
        rt.blockOn(Time.sleep(Duration.ofMillis(5)));
      }
      assertEquals(0, rt.metrics().numAliveTasks(), "the scope's tasks were aborted with it");
      assertEquals(0, finished.get());
    }
  }

  @Test
  void joinAllFailsWithTheFirstFailureAndAbortsTheRest() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      AtomicInteger finished = new AtomicInteger();
      JoinSet<Integer> set = new JoinSet<>();
      JoinException e =
          assertThrows(
              JoinException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            set.spawn(Time.sleep(Duration.ofMillis(1)).map(v -> 1));
                            set.spawn(
                                Time.sleep(Duration.ofMillis(5))
                                    .map(
                                        v -> {
                                          throw new IllegalStateException("task failed");
                                        }));
                            for (int i = 0; i < 3; i++) {
                              set.spawn(
                                  Time.sleep(Duration.ofDays(1))
                                      .map(v -> finished.incrementAndGet()));
                            }
                            return set.joinAll();
                          })));
      assertInstanceOf(IllegalStateException.class, e.getCause(), e.toString());
      assertEquals(3, set.size(), "the aborted tasks stay in the set until joined");
      rt.blockOn(set.shutdown());
      assertEquals(0, set.size());
      assertEquals(0, finished.get(), "the rest were aborted, not run to the end");
    }
  }

  @Test
  void cancellingAnOlderJoinNextDoesNotLoseTheWakeOfANewerOne() throws Exception {
    // Two joinNext() futures polled in turn; the older one is cancelled after the newer one
    // registered its waker. The newer one must still be woken when a task completes.
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).build();
        JoinSet<Integer> set = new JoinSet<>()) {
      java.util.concurrent.CompletableFuture<Integer> gate =
          new java.util.concurrent.CompletableFuture<>();
      set.spawnOn(rt.handle(), Futures.fromCompletionStage(gate));
      Future<Optional<Integer>> older = set.joinNext();
      Future<Optional<Integer>> newer = set.joinNext();
      CountDownLatch olderWoken = new CountDownLatch(1);
      CountDownLatch newerWoken = new CountDownLatch(1);
      Context olderCx = new Context(olderWoken::countDown);
      Context newerCx = new Context(newerWoken::countDown);
      assertTrue(older.poll(olderCx).isPending());
      assertTrue(newer.poll(newerCx).isPending());
      older.cancel();
      gate.complete(7);
      assertTrue(newerWoken.await(10, TimeUnit.SECONDS), "the newer joinNext was never woken");
      assertEquals(Optional.of(7), newer.poll(newerCx).value());
    }
  }

  @Test
  void joinSetShutdownAbortsOnlyWhenPolled() throws Exception {
    // A future is lazy: building set.shutdown() (say, as a select branch that then loses) must not
    // abort the set's tasks; tokio's shutdown is an async fn that aborts at its first poll.
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      List<Integer> seen =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    JoinSet<Integer> set = new JoinSet<>();
                    set.spawn(Time.sleep(Duration.ofSeconds(1)).map(v -> 7));
                    Future<Void> notPolled = set.shutdown();
                    List<Integer> out = new ArrayList<>();
                    return set.joinNext()
                        .flatMap(
                            first -> {
                              out.add(first.orElseThrow());
                              set.spawn(Futures.pollFn(cx -> Poll.pending())); // never completes
                              return notPolled;
                            })
                        .map(
                            v -> {
                              out.add(set.size());
                              return out;
                            });
                  }));
      assertEquals(
          List.of(7, 0), seen, "the task ran to completion; shutdown aborted the later one");
    }
  }

  @Test
  void taskLocalsAreScopedAndNotInherited() throws Exception {
    TaskLocal<String> id = TaskLocal.create();
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      String seen =
          rt.blockOn(
              id.scope(
                  "req-1",
                  Futures.lazy(
                      () -> {
                        String inside = id.get();
                        return Task.spawn(Futures.fromSupplier(id::isBound))
                            .map(childBound -> inside + ",child-bound=" + childBound);
                      })));
      assertEquals("req-1,child-bound=false", seen);
      assertFalse(id.isBound());
    }
  }

  @Test
  void builderRejectsBadOptionsWithClearMessages() {
    assertEquals(
        "Worker threads cannot be set to 0",
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().workerThreads(0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Runtime.builder().eventInterval(0));
    assertThrows(IllegalArgumentException.class, () -> Runtime.builder().maxBlockingThreads(0));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Runtime.builder().multiThread().startPaused(true).build());
    assertTrue(
        e.getMessage().contains("requires the CURRENT_THREAD runtime flavor"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void metricsCountWorkersTasksAndPolls(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      rt.blockOn(Futures.lazy(() -> Task.spawn(Futures.ready(1))));
      RuntimeMetrics m = rt.metrics();
      assertEquals(flavor == Flavor.MULTI_THREAD ? 2 : 1, m.numWorkers());
      assertEquals(1, m.spawnedTasksCount());
      long polls = 0;
      for (int i = 0; i < m.numWorkers(); i++) {
        polls += m.workerPollCount(i);
      }
      assertTrue(polls >= 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void manyTasksPingPongAcrossWorkers(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      int tasks = 10_000;
      long total =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    List<Future<? extends Integer>> hs = new ArrayList<>();
                    for (int i = 0; i < tasks; i++) {
                      hs.add(
                          Task.spawn(
                              Task.yieldNow()
                                  .flatMap(v -> Task.spawn(Futures.ready(1)))
                                  .flatMap(v -> Task.yieldNow().map(w -> v))));
                    }
                    return Futures.join(hs).map(l -> l.stream().mapToLong(x -> x).sum());
                  }));
      assertEquals(tasks, total);
      assertEquals(0, rt.metrics().numAliveTasks());
    }
  }

  @Test
  void aTimerRegisteredOffTheDriverThreadWakesTheDriver() throws Exception {
    // Regression: the blockOn thread (not a worker) registers a sleep while a worker waits in the
    // reactor without a timeout; the driver must be woken to shorten its wait.
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      for (int i = 0; i < 20; i++) {
        rt.blockOn(Time.sleep(Duration.ofMillis(5)));
        rt.blockOn(rt.spawn(Time.sleep(Duration.ofMillis(5))));
      }
    }
  }

  @Test
  void aPollThatBlocksTheWorkerIsDetectedAndCounted() throws Exception {
    try (Runtime rt =
        Runtime.builder()
            .multiThread()
            .workerThreads(1)
            .blockingPollThreshold(Duration.ofMillis(20))
            .build()) {
      rt.blockOn(
          rt.spawn(
              Futures.fromSupplier(
                  () -> {
                    Thread.sleep(300); // the bug the detector exists for
                    return null;
                  })));
      assertTrue(rt.metrics().blockingPollCount() >= 1, "the blocked poll was not reported");
      long before = rt.metrics().blockingPollCount();
      rt.blockOn(rt.spawn(Futures.fromSupplier(() -> 1)));
      assertEquals(before, rt.metrics().blockingPollCount());
    }
  }

  @Test
  void aCurrentThreadBlockOnFutureThatBlocksIsDetectedToo() throws Exception {
    // On a current-thread runtime the blockOn thread is the runtime's only thread: a blocking call
    // in the future given to blockOn (an @AsyncTest body) stops every task, as one in a task does.
    try (Runtime rt =
        Runtime.builder()
            .currentThread()
            .enableTime()
            .blockingPollThreshold(Duration.ofMillis(20))
            .build()) {
      rt.blockOn(
          Futures.fromSupplier(
              () -> {
                Thread.sleep(300);
                return null;
              }));
      assertTrue(rt.metrics().blockingPollCount() >= 1, "the blocked blockOn poll was reported");
      long before = rt.metrics().blockingPollCount();
      rt.blockOn(Time.sleep(Duration.ofMillis(100))); // waiting is not blocking
      assertEquals(before, rt.metrics().blockingPollCount());
    }
  }

  @Test
  @Timeout(60)
  void blockOnLosesNoWakeRacingItsPollOrItsPark() throws Exception {
    // The future wakes itself while it is polled, or another thread wakes it at once or after a
    // short spin: the wake lands during the poll, between the poll and the park, or during the
    // park. A lost wake hangs the test.
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).build()) {
      java.util.concurrent.ExecutorService waker =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        for (int i = 0; i < 20_000; i++) {
          int spins = i % 64;
          int[] polls = {0};
          int result =
              rt.blockOn(
                  cx -> {
                    if (polls[0]++ > 0) {
                      return Poll.ready(polls[0]);
                    }
                    Waker w = cx.waker();
                    if (spins % 2 == 0) {
                      w.wake(); // while it is being polled
                      return Poll.pending();
                    }
                    waker.execute(
                        () -> {
                          for (int k = 0; k < spins; k++) {
                            Thread.onSpinWait();
                          }
                          w.wake();
                        });
                    return Poll.pending();
                  });
          assertTrue(result >= 2);
        }
      } finally {
        waker.shutdownNow();
      }
    }
  }

  @Test
  void aSlowBacklogWokenByOneDriverTurnSpreadsToAnIdlePeer() throws Exception {
    // Four tasks woken by one timer tick, each with a slow poll. The worker that turns the driver
    // does not wake its peer for a short backlog at once, but it must once the backlog outlasts its
    // grace: the tasks may not all run one after another on that worker.
    try (Runtime rt =
        Runtime.builder()
            .multiThread()
            .workerThreads(2)
            .enableAll()
            .blockingPollThreshold(Duration.ZERO)
            .build()) {
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      rt.blockOn(
          rt.spawn(
              Futures.lazy(
                  () -> {
                    long deadline = Time.now() + TimeUnit.MILLISECONDS.toNanos(50);
                    List<Future<Void>> tasks = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                      tasks.add(
                          Task.spawn(
                              Time.sleepUntil(deadline)
                                  .map(
                                      v -> {
                                        threads.add(Thread.currentThread());
                                        Thread.sleep(30); // a slow poll, on purpose
                                        return v;
                                      })));
                    }
                    return Futures.join(tasks);
                  })));
      assertEquals(2, threads.size(), "all four tasks ran on one worker: " + threads);
    }
  }

  @Test
  void aTaskThatSpendsItsBudgetIsForcedToYieldAndCounted() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      int[] operations = {0};
      rt.blockOn(
          rt.spawn(
              cx -> {
                // An "always ready" resource: it proceeds while the budget lasts.
                while (operations[0] < 1000) {
                  if (!cx.tryConsumeBudget()) {
                    cx.waker().wake();
                    return Poll.pending();
                  }
                  operations[0]++;
                }
                return Poll.ready(null);
              }));
      assertEquals(1000, operations[0]);
      assertEquals(1000 / Context.INITIAL_BUDGET, rt.metrics().budgetForcedYieldCount());
    }
  }

  @Test
  void aSecondBlockOnOnACurrentThreadRuntimePollsItsFutureWhileTheFirstDrives() throws Exception {
    // As tokio: the thread that does not hold the core still polls its own future, so the first
    // thread's future, which waits for the second's, completes (serialising them would deadlock).
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      var ch = io.kyoto.runtime.sync.Oneshot.<Integer>channel();
      CountDownLatch firstDriving = new CountDownLatch(1);
      java.util.concurrent.atomic.AtomicReference<Object> first =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread a =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      first.set(
                          rt.blockOn(
                              Futures.lazy(
                                  () -> {
                                    firstDriving.countDown();
                                    return ch.rx();
                                  })));
                    } catch (Exception e) {
                      first.set(e);
                    }
                  });
      assertTrue(firstDriving.await(10, TimeUnit.SECONDS));
      rt.blockOn(
          Futures.fromSupplier(
              () -> {
                ch.tx().send(42);
                return null;
              }));
      a.join(10_000);
      assertEquals(42, first.get());
    }
  }
}
