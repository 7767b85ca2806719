package io.kyoto.reactor.internal;

import java.io.IOException;
import java.net.SocketAddress;

/** A listening stream socket: TCP or Unix domain. */
public interface ListenerHandle extends SourceHandle {
  /**
   * Accepts one pending connection, in non-blocking mode.
   *
   * @return the connection, or null if none is pending (would block)
   */
  StreamHandle accept() throws IOException;

  /** The bound address (with the actual port when bound to port 0). */
  SocketAddress localAddress() throws IOException;
}
