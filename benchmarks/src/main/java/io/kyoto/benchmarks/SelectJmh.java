package io.kyoto.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Select over four branches, one ready, with {@link SelectBench}'s four subjects: the select the
 * processor generates from {@code @Select}, a hand-written poll loop, the runtime {@link
 * io.kyoto.runtime.Select} builder, and {@link java.util.concurrent.CompletableFuture#anyOf}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SelectJmh {
  private int i;

  /** Creates the JMH state. */
  public SelectJmh() {}

  /**
   * The generated {@code SelectBench_Four_Select}.
   *
   * @return the winning value
   */
  @Benchmark
  public long generated() {
    return SelectBench.generated(i++);
  }

  /**
   * The hand-written poll loop.
   *
   * @return the winning value
   */
  @Benchmark
  public long handWritten() {
    return SelectBench.handWritten(i++);
  }

  /**
   * {@code Select.builder()} with four branches, built and polled per operation.
   *
   * @return the winning value
   */
  @Benchmark
  public long runtimeSelect() {
    return SelectBench.runtimeSelect(i++);
  }

  /**
   * {@code CompletableFuture.anyOf} of four futures, one completed.
   *
   * @return the winning value
   */
  @Benchmark
  public long completableFutureAnyOf() {
    return SelectBench.anyOf(i++);
  }
}
