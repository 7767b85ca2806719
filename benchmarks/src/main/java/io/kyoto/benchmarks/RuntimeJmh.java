package io.kyoto.benchmarks;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH versions of the scheduler cases of {@link RtBench} (tokio's {@code rt_multi_threaded}
 * benches), scaled down so one invocation takes about a millisecond; the score is ns per task,
 * yield or spawn. A multi-thread runtime with 2 workers per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RuntimeJmh {
  static final int SPAWN = 10_000;
  static final int YIELD_TASKS = 50;
  static final int YIELDS = 100;
  static final int CHAIN = 1_000;

  private Runtime rt;

  /** Creates the JMH state. */
  public RuntimeJmh() {}

  /** Builds the runtime. */
  @Setup
  public void setUp() {
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().name("jmh").build();
  }

  /** Shuts the runtime down. */
  @TearDown
  public void tearDown() {
    rt.close();
  }

  /**
   * spawn_many: spawn {@value #SPAWN} empty tasks from a task, wait for all.
   *
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(SPAWN)
  public void spawnMany() throws Exception {
    rt.blockOn(
        Futures.lazy(
            () -> {
              Latch done = new Latch(SPAWN);
              Future<Void> body =
                  cx -> {
                    done.countDown();
                    return Poll.ready(null);
                  };
              for (int i = 0; i < SPAWN; i++) {
                Task.spawn(body);
              }
              return done.await();
            }));
  }

  /**
   * yield_many: {@value #YIELD_TASKS} tasks yield {@value #YIELDS} times each.
   *
   * @return a checksum
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(YIELD_TASKS * YIELDS)
  public int yieldMany() throws Exception {
    List<Integer> all =
        rt.blockOn(
            Futures.lazy(
                () -> {
                  List<JoinHandle<Integer>> hs = new ArrayList<>(YIELD_TASKS);
                  for (int i = 0; i < YIELD_TASKS; i++) {
                    hs.add(
                        Task.spawn(
                            Futures.loop(
                                0,
                                k ->
                                    k == YIELDS
                                        ? Futures.ready(Futures.Step.<Integer, Integer>done(k))
                                        : Task.yieldNow().map(v -> Futures.Step.next(k + 1)))));
                  }
                  return Futures.join(hs);
                }));
    return all.size();
  }

  /**
   * chained_spawn: each task spawns the next, {@value #CHAIN} deep.
   *
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public void chainedSpawn() throws Exception {
    rt.blockOn(
        Futures.lazy(
            () -> {
              Latch done = new Latch(1);
              Task.spawn(chain(done, CHAIN));
              return done.await();
            }));
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

  /**
   * block_on of a ready future: the cost of entering and leaving the runtime from outside.
   *
   * @return the value
   * @throws Exception if the runtime fails
   */
  @Benchmark
  public int blockOnReady() throws Exception {
    return rt.blockOn(Futures.ready(1));
  }
}
