package io.kyoto.web.internal.server;

import io.kyoto.runtime.Future;

/** What a connection needs from its server. */
public interface ServerContext {
  /** {@return whether graceful shutdown has begun} */
  boolean isShuttingDown();

  /** {@return a future that completes when graceful shutdown begins} */
  Future<Void> shutdownSignal();

  /**
   * Runs the protocol a connection was upgraded to as a task the server can abort: graceful
   * shutdown waits for it until its deadline and then cancels it, {@code close()} of the server
   * cancels it at once, and {@code closeConnection} runs once whether the protocol completes, fails
   * or is cancelled.
   *
   * @param protocol the upgraded protocol's future
   * @param closeConnection closes the upgraded connection
   */
  void spawnUpgraded(Future<Void> protocol, Runnable closeConnection);

  /** {@return the server's counters; the default counts into counters nobody reads} */
  default ServerCounters counters() {
    return ServerCounters.DISCARDED;
  }
}
