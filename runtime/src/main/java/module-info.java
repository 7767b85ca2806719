/**
 * Kyoto's runtime: what tokio is to Rust.
 *
 * <p>The exported package {@link io.kyoto.runtime} holds the user-facing API (futures, tasks, the
 * runtime and its builder, time). The engines (schedulers, run queues, the timer wheel, the task
 * harness) live in {@code io.kyoto.runtime.internal.*} and are not exported.
 */
module io.kyoto.runtime {
  requires transitive io.kyoto.reactor;
  requires jdk.unsupported; // sun.misc.Signal, for io.kyoto.runtime.signal

  exports io.kyoto.runtime;
  exports io.kyoto.runtime.io;
  exports io.kyoto.runtime.net;
  exports io.kyoto.runtime.codec;
  exports io.kyoto.runtime.signal;
}
