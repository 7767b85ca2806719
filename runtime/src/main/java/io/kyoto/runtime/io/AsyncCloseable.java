package io.kyoto.runtime.io;

import io.kyoto.runtime.Future;

/**
 * A resource that must do asynchronous work (flush, send a FIN, a TLS close_notify) before it is
 * closed: the "prepare to drop" that Java's {@link AutoCloseable} cannot express.
 *
 * <p>Call {@link #closeAsync()} and wait for it, then {@link #close()}; {@code Io.using} does both,
 * whatever the body does. {@code close()} alone stays correct but abrupt: buffered bytes may be
 * lost and the peer may see a reset.
 */
public interface AsyncCloseable extends AutoCloseable {
  /**
   * Starts the graceful part of closing: flush what is buffered, shut down the write side.
   *
   * <p><b>Cancel safety:</b> not cancel safe: a cancelled graceful close may have flushed part of
   * the buffer; {@link #close()} must still be called.
   *
   * @return a future that completes when the resource may be closed without losing data
   */
  Future<Void> closeAsync();

  /** Releases the resource at once. Idempotent; never blocks. */
  @Override
  void close();
}
