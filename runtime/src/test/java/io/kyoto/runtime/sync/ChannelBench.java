package io.kyoto.runtime.sync;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A micro-benchmark of the two channel cases of tokio's rtbench comparison, on a 2-worker
 * multi-thread runtime. Not a test: run its {@code main} with the runtime, reactor and test classes
 * on the class path and {@code --enable-native-access=ALL-UNNAMED}.
 *
 * <ul>
 *   <li>{@code ping_pong}: one task, 100k times: create two oneshots, spawn a task that awaits the
 *       first and answers on the second, send on the first, await the answer.
 *   <li>{@code mpsc_bounded_4x250k}: 4 producer tasks send 250k messages each into {@code
 *       Mpsc.channel(1024)}; one consumer counts them.
 * </ul>
 */
public final class ChannelBench {
  private static final int PINGS = 100_000;
  private static final int PRODUCERS = 4;
  private static final int PER_PRODUCER = 250_000;
  private static final int ROUNDS = 3;

  private ChannelBench() {}

  /**
   * Runs each case {@value #ROUNDS} times (after a warm-up) and prints ns/op.
   *
   * @param args ignored
   * @throws Exception if a case fails
   */
  public static void main(String[] args) throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      // Warm-up: let the JIT compile the hot paths before measuring.
      for (int i = 0; i < 3; i++) {
        pingPong(rt);
        mpscBounded(rt);
      }
      for (int round = 1; round <= ROUNDS; round++) {
        long t0 = System.nanoTime();
        pingPong(rt);
        long t1 = System.nanoTime();
        long received = mpscBounded(rt);
        long t2 = System.nanoTime();
        if (received != (long) PRODUCERS * PER_PRODUCER) {
          throw new AssertionError("received " + received);
        }
        System.out.printf(
            "round %d: ping_pong %.1f ns/op, mpsc_bounded_4x250k %.1f ns/op%n",
            round, (t1 - t0) / (double) PINGS, (t2 - t1) / (double) received);
      }
    }
  }

  static void pingPong(Runtime rt) throws Exception {
    JoinHandle<Integer> driver =
        rt.spawn(
            Futures.loop(
                0,
                i -> {
                  if (i == PINGS) {
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
                }));
    rt.blockOn(driver);
  }

  static long mpscBounded(Runtime rt) throws Exception {
    var ch = Mpsc.<Integer>channel(1024);
    List<JoinHandle<Void>> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      Mpsc.Sender<Integer> tx = ch.tx().clone();
      producers.add(rt.spawn(produce(tx).inspect(v -> tx.close())));
    }
    ch.tx().close();
    Mpsc.Receiver<Integer> rx = ch.rx();
    JoinHandle<Long> consumer =
        rt.spawn(
            Futures.loop(
                0L,
                n -> rx.recv().map(v -> v == null ? Step.<Long, Long>done(n) : Step.next(n + 1))));
    long received = rt.blockOn(consumer);
    for (JoinHandle<Void> h : producers) {
      rt.blockOn(h);
    }
    return received;
  }

  private static Future<Void> produce(Mpsc.Sender<Integer> tx) {
    Integer one = 1;
    return Futures.loop(
        0,
        i ->
            i == PER_PRODUCER
                ? Futures.ready(Step.<Integer, Void>done(null))
                : tx.send(one).map(v -> Step.next(i + 1)));
  }
}
