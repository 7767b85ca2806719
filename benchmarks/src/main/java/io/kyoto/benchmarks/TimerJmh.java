package io.kyoto.benchmarks;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Time;
import java.time.Duration;
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
 * Timers, inside a task of a 2-worker runtime: rtbench's timeout_never_fires (a timeout around a
 * ready future) and a sleep that is registered by its first poll and then cancelled (the timer
 * wheel's insert and remove). Scores are ns per timer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TimerJmh extends JmhRuntime {
  static final int TIMERS = 1_000;
  private static final Duration SECOND = Duration.ofSeconds(1);

  /** Creates the JMH state. */
  public TimerJmh() {}

  /**
   * timeout_never_fires: {@code Time.timeout(1s, ready)} in a loop.
   *
   * @throws Exception if the runtime fails (a timeout that fired fails the loop)
   */
  @Benchmark
  @OperationsPerInvocation(TIMERS)
  public void timeoutNeverFires() throws Exception {
    rt.blockOn(rt.spawn(RtBench.timeoutLoop(TIMERS)));
  }

  /**
   * A one-second sleep polled once (registered in the wheel) and cancelled.
   *
   * @return the number of timers
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(TIMERS)
  public int sleepRegisterCancel() throws Exception {
    return rt.blockOn(
        rt.spawn(
            (Context cx) -> {
              for (int i = 0; i < TIMERS; i++) {
                var sleep = Time.sleep(SECOND);
                if (sleep.poll(cx).isReady()) {
                  throw new AssertionError("a 1 s sleep fired at once");
                }
                sleep.cancel();
              }
              return Poll.ready(TIMERS);
            }));
  }
}
