package io.kyoto.benchmarks;

import io.kyoto.runtime.Runtime;

/** The rtbench cases built on channels (oneshot ping-pong, bounded mpsc). */
final class ChannelCases {
  private ChannelCases() {}

  static void pingPong(Runtime rt) {
    // Filled in once io.kyoto.runtime.sync lands.
  }

  static void mpsc(Runtime rt) {
    // Filled in once io.kyoto.runtime.sync lands.
  }
}
