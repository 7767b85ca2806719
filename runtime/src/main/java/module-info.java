/**
 * Kyoto's runtime: what tokio is to Rust.
 *
 * <p>The exported packages hold the user-facing API: {@link io.kyoto.runtime} (futures, tasks, the
 * runtime and its builder, time), {@code io} (async read/write, buffers), {@code net} (sockets),
 * {@code fs} (files), {@code process} (child processes), {@code tls}, {@code sync} (channels,
 * locks, semaphores), {@code stream}, {@code codec} and {@code signal}. The engines (schedulers,
 * run queues, the timer wheel, the task harness, the I/O driver) live in {@code
 * io.kyoto.runtime.internal.*} and are not exported.
 */
module io.kyoto.runtime {
  requires transitive io.kyoto.reactor;
  requires jdk.unsupported; // sun.misc.Signal, for io.kyoto.runtime.signal

  exports io.kyoto.runtime;
  exports io.kyoto.runtime.io;
  exports io.kyoto.runtime.sync;
  exports io.kyoto.runtime.stream;
  exports io.kyoto.runtime.net;
  exports io.kyoto.runtime.codec;
  exports io.kyoto.runtime.signal;
  exports io.kyoto.runtime.fs;
  exports io.kyoto.runtime.process;
  exports io.kyoto.runtime.tls;
  exports io.kyoto.runtime.service;
  exports io.kyoto.runtime.annotation;
}
