/**
 * Operating-system signals as futures: tokio's {@code signal} module, for graceful shutdown.
 *
 * {@snippet :
 * Future<Void> stop = Signals.shutdown(); // Ctrl-C or SIGTERM
 * }
 */
package io.kyoto.runtime.signal;
