package io.kyoto.runtime.net;

import io.kyoto.runtime.internal.io.StreamCore;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Closes a split stream's socket when both halves are closed. */
final class SplitState {
  private final StreamCore core;
  private final AtomicInteger open = new AtomicInteger(2);

  SplitState(StreamCore core) {
    this.core = core;
  }

  StreamCore core() {
    return core;
  }

  void release() {
    if (open.decrementAndGet() == 0) {
      Streams.closeQuietly(core);
    }
  }

  static void shutdownQuietly(StreamCore core) {
    try {
      if (!core.isClosed()) {
        core.pollShutdown();
      }
    } catch (IOException ignored) {
      // Already shut down or reset: the peer sees the end either way.
    }
  }
}
