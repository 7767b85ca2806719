package io.kyoto.benchmarks;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Task;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
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
public class RuntimeJmh extends JmhRuntime {
  static final int SPAWN = 10_000;
  static final int YIELD_TASKS = 50;
  static final int YIELDS = 100;
  static final int CHAIN = 1_000;

  /** Creates the JMH state. */
  public RuntimeJmh() {}

  /**
   * spawn_many: spawn {@value #SPAWN} empty tasks from a task, wait for all.
   *
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(SPAWN)
  public void spawnMany() throws Exception {
    rt.blockOn(RtBench.spawnManyFuture(SPAWN));
  }

  /**
   * yield_many: {@value #YIELD_TASKS} tasks yield {@value #YIELDS} times each.
   *
   * @return null, once every task has finished
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(YIELD_TASKS * YIELDS)
  public Void yieldMany() throws Exception {
    return rt.blockOn(RtBench.stepTasks(YIELD_TASKS, YIELDS, Task::yieldNow));
  }

  /**
   * chained_spawn: each task spawns the next, {@value #CHAIN} deep.
   *
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public void chainedSpawn() throws Exception {
    rt.blockOn(RtBench.chainedSpawnFuture(CHAIN));
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
