package io.kyoto.reactor.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Creates selectors and sockets for one backend. */
public interface BackendProvider {
  /** The backend's name, as in {@code kyoto.reactor.backend}. */
  String name();

  /** Opens a new multiplexer. */
  SelectorHandle openSelector() throws IOException;

  /** Creates, configures, binds and listens a TCP socket. */
  ListenerHandle bindTcp(InetSocketAddress address, ListenOptions options) throws IOException;

  /** Starts a non-blocking TCP connect; completion is observed with {@code finishConnect}. */
  StreamHandle connectTcp(InetSocketAddress address) throws IOException;

  /** Creates, binds and listens a Unix domain stream socket at {@code path}. */
  ListenerHandle bindUnix(Path path, int backlog) throws IOException;

  /** Starts a non-blocking connect to a Unix domain stream socket. */
  StreamHandle connectUnix(Path path) throws IOException;

  /**
   * Creates a pipe, both ends non-blocking and close-on-exec.
   *
   * @return the read end at index 0 and the write end at index 1, as {@code pipe(2)}
   */
  PipeHandle[] openPipe() throws IOException;

  /** Creates and binds a UDP socket. */
  DatagramHandle bindUdp(InetSocketAddress address, boolean reuseAddress, boolean reusePort)
      throws IOException;
}
