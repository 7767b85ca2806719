package io.kyoto.reactor;

import java.io.IOException;

/**
 * A non-blocking socket or pipe end that a {@link Registry} can register: {@link TcpListener},
 * {@link TcpStream}, {@link UdpSocket}, {@link UnixListener}, {@link UnixStream}, {@link
 * PipeSender} or {@link PipeReceiver}.
 *
 * <p>Every source is created in non-blocking mode by a {@link Backend} and can only be registered
 * with a {@link Poll} of the same backend. Closing a source deregisters it.
 */
public sealed interface Source extends AutoCloseable
    permits TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream, PipeSender, PipeReceiver {
  /** {@return whether the source is still open} */
  boolean isOpen();

  /**
   * Closes the source and deregisters it from its poll. Operations racing with close either finish
   * or fail with a closed error; the descriptor is released once the last of them returns.
   * Idempotent.
   *
   * @throws IOException if the operating system reports an error while closing
   */
  @Override
  void close() throws IOException;
}
