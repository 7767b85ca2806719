package io.kyoto.web.internal.server;

import io.kyoto.runtime.Future;

/** What a connection needs from its server. */
public interface ServerContext {
  /** {@return whether graceful shutdown has begun} */
  boolean isShuttingDown();

  /** {@return a future that completes when graceful shutdown begins} */
  Future<Void> shutdownSignal();
}
