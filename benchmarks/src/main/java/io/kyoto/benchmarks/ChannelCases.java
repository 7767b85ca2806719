package io.kyoto.benchmarks;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.runtime.sync.Oneshot;

/** The rtbench cases built on channels: oneshot ping-pong and bounded mpsc. */
final class ChannelCases {
  private ChannelCases() {}

  /** ping_pong: 100k oneshot round trips between a driver task and a freshly spawned task. */
  static void pingPong(Runtime rt) throws Exception {
    int n = 100_000;
    long t = RtBench.start();
    rt.blockOn(rt.spawn(pingPongLoop(n)));
    RtBench.report("ping_pong", n, t);
  }

  /**
   * {@return ping_pong's driver loop: {@code n} oneshot round trips with a fresh task each} The
   * loop is {@link Futures#repeat}, tokio's {@code for _ in 0..n}: an iteration allocates its two
   * channels, the task and the futures it awaits, nothing for the loop itself.
   */
  static Future<Void> pingPongLoop(int n) {
    return Futures.repeat(
        n,
        i -> {
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
          return pong.rx();
        });
  }

  /** mpsc_bounded_4x250k: 4 producer tasks into bounded(1024), the consumer in blockOn. */
  static void mpsc(Runtime rt) throws Exception {
    int producers = 4;
    int perProducer = 250_000;
    long t = RtBench.start();
    long received = rt.blockOn(mpscFuture(producers, perProducer));
    if (received != (long) producers * perProducer) {
      throw new AssertionError("received " + received);
    }
    RtBench.report("mpsc_bounded_4x250k", received, t);
  }

  /**
   * {@return the mpsc case: producer tasks into bounded(1024); completes with the count received}
   * The consumer is {@code rx.stream().count()}, Kyoto's spelling of tokio's {@code while
   * rx.recv().await.is_some() { n += 1 }}: a loop of {@code recv().map(...)} steps allocates a
   * combinator, a step and a boxed count per message (168 B/op against 72).
   */
  static Future<Long> mpscFuture(int producers, int perProducer) {
    return Futures.lazy(
        () -> {
          var ch = Mpsc.<Integer>channel(1024);
          for (int p = 0; p < producers; p++) {
            Mpsc.Sender<Integer> tx = ch.tx().clone();
            Task.spawn(produce(tx, perProducer).inspect(v -> tx.close()));
          }
          ch.tx().close();
          // tokio's `while rx.recv().await.is_some() { n += 1 }`: count() keeps a primitive
          // counter and allocates nothing per message.
          return ch.rx().stream().count();
        });
  }

  private static Future<Void> produce(Mpsc.Sender<Integer> tx, int count) {
    return Futures.repeat(count, i -> tx.send((int) i)); // for i in 0..count { tx.send(i).await }
  }
}
