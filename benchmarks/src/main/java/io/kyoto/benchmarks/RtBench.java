package io.kyoto.benchmarks;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runtime micro-benchmarks of {@code ../shared/anchors} {@code rtbench} (after tokio's own
 * {@code benches/}), on Kyoto: same cases, same sizes, a multi-thread runtime with 2 workers.
 * Prints one line per case and round, {@code name ops=N ns/op=X B/op=Y gc=N/Tms jit=Tms} (see
 * {@link #report}), three rounds; compare the third.
 *
 * <p>Run with {@code benchmarks/rtbench.sh}, which runs tokio's and the JDK's versions in the same
 * run and prints the table.
 */
public final class RtBench {
  private RtBench() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
  private static final java.lang.management.CompilationMXBean JIT =
      java.lang.management.ManagementFactory.getCompilationMXBean();
  private static final List<java.lang.management.GarbageCollectorMXBean> GCS =
      java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
  private static long allocatedAtStart;
  private static long gcsAtStart;
  private static long gcMillisAtStart;
  private static long jitMillisAtStart;

  /**
   * Starts a case: records the JVM's total allocated bytes, collections and compile time; returns
   * the start time.
   */
  static long start() {
    allocatedAtStart = THREADS.getTotalThreadAllocatedBytes();
    gcsAtStart = collections();
    gcMillisAtStart = collectionMillis();
    jitMillisAtStart = JIT.getTotalCompilationTime();
    return System.nanoTime();
  }

  private static long collections() {
    long n = 0;
    for (var gc : GCS) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long collectionMillis() {
    long ms = 0;
    for (var gc : GCS) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /**
   * Prints ns/op and the heap bytes allocated per operation (all threads) since {@link #start},
   * then what else the JVM did meanwhile: the garbage collections ({@code gc=}count{@code /}ms, the
   * collectors' own accounting) and the JIT compilers' time ({@code jit=}ms, summed over the
   * compiler threads, which share the two cores with the case). A slow third round usually shows
   * one or the other.
   */
  static void report(String name, long ops, long t0) {
    long nanos = System.nanoTime() - t0;
    long bytes = THREADS.getTotalThreadAllocatedBytes() - allocatedAtStart;
    System.out.printf(
        "%-28s ops=%-9d ns/op=%.1f B/op=%.0f gc=%d/%dms jit=%dms%n",
        name,
        ops,
        nanos / (double) ops,
        bytes / (double) ops,
        collections() - gcsAtStart,
        collectionMillis() - gcMillisAtStart,
        JIT.getTotalCompilationTime() - jitMillisAtStart);
  }

  /**
   * Runs the cases.
   *
   * @param args optional: the number of rounds (default 3)
   * @throws Exception if a case fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    String only = args.length > 1 ? args[1] : null;
    if (only != null) {
      try (Runtime rt =
          Runtime.builder().multiThread().workerThreads(2).enableAll().name("rtbench").build()) {
        for (int round = 0; round < rounds; round++) {
          switch (only) {
            case "spawn_many" -> spawnMany(rt);
            case "yield_many" -> yieldMany(rt);
            case "ping_pong" -> ChannelCases.pingPong(rt);
            case "chained_spawn" -> chainedSpawn(rt);
            case "mpsc" -> ChannelCases.mpsc(rt);
            case "timeout" -> timeoutNeverFires(rt);
            case "sleep" -> sleepFire(rt);
            default -> throw new IllegalArgumentException("unknown case " + only);
          }
        }
      }
      return;
    }
    try (Runtime rt =
        Runtime.builder().multiThread().workerThreads(2).enableAll().name("rtbench").build()) {
      for (int round = 0; round < rounds; round++) {
        spawnMany(rt);
        yieldMany(rt);
        ChannelCases.pingPong(rt);
        chainedSpawn(rt);
        ChannelCases.mpsc(rt);
        timeoutNeverFires(rt);
        sleepFire(rt);
      }
    }
  }

  static void spawnMany(Runtime rt) throws Exception {
    int n = 1_000_000;
    long t = RtBench.start();
    rt.blockOn(spawnManyFuture(n));
    report("spawn_many", n, t);
  }

  /** {@return spawn_many: spawns {@code n} empty tasks, then waits for all of them} */
  static Future<Void> spawnManyFuture(int n) {
    return Futures.lazy(
        () -> {
          Latch done = new Latch(n);
          Future<Void> body =
              cx -> {
                done.countDown();
                return Poll.ready(null);
              };
          for (int i = 0; i < n; i++) {
            Task.spawn(body);
          }
          return done.await();
        });
  }

  static void yieldMany(Runtime rt) throws Exception {
    int tasks = 200;
    int yields = 1000;
    long t = RtBench.start();
    rt.blockOn(stepTasks(tasks, yields, Task::yieldNow));
    report("yield_many", (long) tasks * yields, t);
  }

  /**
   * {@return {@code tasks} spawned tasks that each await {@code steps} futures from {@code step}
   * one after the other (yield_many with {@code yieldNow}, the sleep case with a 1 ms sleep), then
   * awaited in spawn order} Each task is {@code Futures.repeat(steps, k -> step.get())}, tokio's
   * {@code for _ in 0..steps { step().await }}, and the handles are awaited one after the other, as
   * tokio's {@code for h in hs { h.await.unwrap() }} (a join of all of them would wake the {@code
   * blockOn} thread once per finished task instead of once per awaited one).
   */
  static Future<Void> stepTasks(int tasks, int steps, Supplier<? extends Future<?>> step) {
    return Futures.lazy(
        () -> {
          List<JoinHandle<Void>> hs = new ArrayList<>(tasks);
          for (int i = 0; i < tasks; i++) {
            hs.add(Task.spawn(Futures.repeat(steps, k -> step.get())));
          }
          return Futures.repeat(tasks, k -> hs.get((int) k));
        });
  }

  static void chainedSpawn(Runtime rt) throws Exception {
    int n = 100_000;
    long t = RtBench.start();
    rt.blockOn(chainedSpawnFuture(n));
    report("chained_spawn", n, t);
  }

  /** {@return chained_spawn: each task spawns the next, {@code n} deep} */
  static Future<Void> chainedSpawnFuture(int n) {
    return Futures.lazy(
        () -> {
          Latch done = new Latch(1);
          Task.spawn(chain(done, n));
          return done.await();
        });
  }

  private static Future<Void> chain(Latch done, int n) {
    return cx -> {
      if (n == 0) {
        done.countDown();
      } else {
        Task.spawn(chain(done, n - 1));
      }
      return Poll.ready(null);
    };
  }

  static void timeoutNeverFires(Runtime rt) throws Exception {
    int n = 1_000_000;
    long t = RtBench.start();
    rt.blockOn(rt.spawn(timeoutLoop(n))); // a timeout that fired would fail it
    report("timeout_never_fires", n, t);
  }

  /**
   * {@return timeout_never_fires: {@code n} one-second timeouts around ready futures, in turn}
   * tokio's {@code for i in 0..n { timeout(1s, async { i }).await.unwrap() }}: {@link
   * Futures#repeat} awaits each step and drops its value; a timeout that fired fails the loop.
   */
  static Future<Void> timeoutLoop(long n) {
    Duration second = Duration.ofSeconds(1);
    return Futures.repeat(n, i -> Time.timeout(second, Futures.ready(i)));
  }

  static void sleepFire(Runtime rt) throws Exception {
    int tasks = 10_000;
    int reps = 10;
    Duration ms = Duration.ofMillis(1);
    long t = RtBench.start();
    rt.blockOn(stepTasks(tasks, reps, () -> Time.sleep(ms)));
    report("sleep_1ms_10k_tasks_x10", (long) tasks * reps, t);
  }
}
