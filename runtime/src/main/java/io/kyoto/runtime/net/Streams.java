package io.kyoto.runtime.net;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.internal.io.StreamCore;
import java.io.IOException;

/** Helpers shared by the stream types of this package. */
final class Streams {
  private Streams() {}

  static void closeQuietly(StreamCore core) {
    try {
      core.close();
    } catch (IOException ignored) {
      // close() on a socket reports nothing useful to a caller that is done with it.
    }
  }

  /** {@return a future that shuts down the write side (idempotent; done if already closed)} */
  static Future<Void> shutdownFuture(StreamCore core) {
    return Futures.pollFn(
        cx -> {
          if (!core.isClosed()) {
            try {
              core.pollShutdown();
            } catch (java.nio.channels.ClosedChannelException alreadyClosed) {
              // closing twice is fine
            }
          }
          return io.kyoto.runtime.Poll.ready(null);
        });
  }
}
