package io.kyoto.benchmarks;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.runtime.sync.Oneshot;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channels: oneshot and bounded mpsc, both uncontended on one thread (the cost of the data
 * structure) and across tasks on a 2-worker runtime (rtbench's ping_pong and mpsc cases, scaled
 * down). Scores are ns per message or round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ChannelJmh extends JmhRuntime {
  static final int PING_PONGS = 1_000;
  static final int PRODUCERS = 4;
  static final int PER_PRODUCER = 2_500;

  private static final Context CX = new Context(Waker.noop());

  private Mpsc.Channel<Integer> local;

  /** Creates the JMH state. */
  public ChannelJmh() {}

  /** Builds the single-thread channel (the runtime is {@link JmhRuntime}'s). */
  @Setup
  public void setUpLocal() {
    local = Mpsc.channel(1024);
  }

  /**
   * A oneshot created, sent and received by polling, on one thread.
   *
   * @return the value
   * @throws Exception if the channel fails
   */
  @Benchmark
  public Integer oneshotLocal() throws Exception {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    ch.tx().send(42);
    return ch.rx().poll(CX).value();
  }

  /**
   * trySend then tryRecv on a bounded(1024) mpsc, on one thread.
   *
   * @return the value
   * @throws Exception if the channel fails
   */
  @Benchmark
  public Integer mpscLocal() throws Exception {
    local.tx().trySend(42);
    return local.rx().tryRecv();
  }

  /**
   * ping_pong: oneshot round trips between a driver task and a freshly spawned task.
   *
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(PING_PONGS)
  public void pingPong() throws Exception {
    rt.blockOn(rt.spawn(ChannelCases.pingPongLoop(PING_PONGS)));
  }

  /**
   * mpsc: 4 producer tasks into bounded(1024), the consumer in blockOn.
   *
   * @return the number of messages received
   * @throws Exception if the runtime fails
   */
  @Benchmark
  @OperationsPerInvocation(PRODUCERS * PER_PRODUCER)
  public long mpscTasks() throws Exception {
    return rt.blockOn(ChannelCases.mpscFuture(PRODUCERS, PER_PRODUCER));
  }
}
