package io.kyoto.reactor.internal;

import java.io.IOException;

/** A backend's non-blocking socket. Thread safe: any operation may come from any thread. */
public interface SourceHandle {
  /** Whether {@link #close()} has not been called yet. */
  boolean isOpen();

  /**
   * Deregisters the handle from its selector, if any, and releases the socket. Idempotent.
   *
   * @throws IOException if the operating system reports an error while closing
   */
  void close() throws IOException;

  /** The name of the backend that made this handle, for error messages. */
  String backendName();
}
