package io.kyoto.benchmarks;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
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
import org.openjdk.jmh.annotations.TearDown;
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
public class ChannelJmh {
  static final int PING_PONGS = 1_000;
  static final int PRODUCERS = 4;
  static final int PER_PRODUCER = 2_500;

  private static final Context CX = new Context(Waker.noop());

  private Runtime rt;
  private Mpsc.Channel<Integer> local;

  /** Creates the JMH state. */
  public ChannelJmh() {}

  /** Builds the runtime and the single-thread channel. */
  @Setup
  public void setUp() {
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().name("jmh").build();
    local = Mpsc.channel(1024);
  }

  /** Shuts the runtime down. */
  @TearDown
  public void tearDown() {
    rt.close();
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
    rt.blockOn(
        rt.spawn(
            Futures.loop(
                0,
                i -> {
                  if (i == PING_PONGS) {
                    return Futures.ready(Step.<Integer, Integer>done(i));
                  }
                  var ping = Oneshot.<Void>channel();
                  var pong = Oneshot.<Void>channel();
                  Task.spawn(
                      ping.rx()
                          .map(
                              v -> {
                                pong.tx().send(null);
                                return null;
                              }));
                  ping.tx().send(null);
                  return pong.rx().map(v -> Step.<Integer, Integer>next(i + 1));
                })));
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
    return rt.blockOn(
        Futures.lazy(
            () -> {
              var ch = Mpsc.<Integer>channel(1024);
              for (int p = 0; p < PRODUCERS; p++) {
                Mpsc.Sender<Integer> tx = ch.tx().clone();
                Task.spawn(produce(tx).inspect(v -> tx.close()));
              }
              ch.tx().close();
              Mpsc.Receiver<Integer> rx = ch.rx();
              return Futures.loop(
                  0L,
                  k -> rx.recv().map(v -> v == null ? Step.<Long, Long>done(k) : Step.next(k + 1)));
            }));
  }

  private static Future<Void> produce(Mpsc.Sender<Integer> tx) {
    return Futures.loop(
        0,
        i ->
            i == PER_PRODUCER
                ? Futures.ready(Step.<Integer, Void>done(null))
                : tx.send(i).map(v -> Step.next(i + 1)));
  }
}
