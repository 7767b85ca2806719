package io.kyoto.runtime.net;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.internal.io.StreamCore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A TCP connection on the runtime's I/O driver: tokio's {@code TcpStream}.
 *
 * <p>Read with {@link #pollRead} (or the {@code Io} helpers), write with {@link #pollWrite}; a
 * reader task and a writer task may use the stream at the same time, or {@link #split()} it into
 * halves owned by different tasks.
 *
 * <p>Close gracefully with {@link #closeAsync()} (sends a FIN after everything written) and then
 * {@link #close()}; {@code close()} alone releases the socket at once.
 *
 * <p><b>Thread safety:</b> one reading task and one writing task at a time.
 */
public final class TcpStream extends StreamSocket {
  private final io.kyoto.reactor.TcpStream raw;

  TcpStream(StreamCore core) {
    super(core);
    this.raw = ((TcpRaw) core.raw()).stream();
  }

  /**
   * Connects to {@code hostPort}, resolving the host name on the blocking pool, and trying each of
   * its addresses in turn.
   *
   * <p><b>Cancel safety:</b> cancel safe: cancelling closes the socket being connected.
   *
   * @param hostPort {@code "host:port"}
   * @return a future of the connected stream; it fails with the last connect error
   */
  public static Future<TcpStream> connect(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    return Resolver.resolve(hostPort).flatMap(TcpStream::connectAny);
  }

  /**
   * Connects to {@code address}.
   *
   * <p><b>Cancel safety:</b> cancel safe: cancelling closes the socket being connected.
   *
   * @param address a resolved address
   * @return a future of the connected stream
   */
  public static Future<TcpStream> connect(InetSocketAddress address) {
    return connectAny(List.of(Resolver.requireResolved(address)));
  }

  /**
   * Connects to {@code address}, failing with {@link java.util.concurrent.TimeoutException} if not
   * connected within {@code timeout} (the runtime needs time enabled).
   *
   * <p><b>Cancel safety:</b> cancel safe.
   *
   * @param address a resolved address
   * @param timeout the longest wait
   * @return a future of the connected stream
   */
  public static Future<TcpStream> connect(InetSocketAddress address, Duration timeout) {
    return Time.timeout(timeout, connect(address));
  }

  static Future<TcpStream> connectAny(List<InetSocketAddress> addresses) {
    return new Connecting<>(
        addresses,
        (backend, a) -> new TcpRaw(io.kyoto.reactor.TcpStream.connect(backend, a)),
        TcpStream::new);
  }

  /**
   * Sets {@code TCP_NODELAY} (disables Nagle's algorithm).
   *
   * @param on whether to disable coalescing of small writes
   * @throws IOException if the socket is closed
   */
  public void setNoDelay(boolean on) throws IOException {
    raw.setNoDelay(on);
  }

  /**
   * {@return whether {@code TCP_NODELAY} is set}
   *
   * @throws IOException if the socket is closed
   */
  public boolean noDelay() throws IOException {
    return raw.noDelay();
  }

  /**
   * Sets {@code SO_KEEPALIVE}: the kernel probes an idle connection (after two hours by default on
   * Linux) and a dead peer then fails reads and writes.
   *
   * @param on whether to send keep-alive probes
   * @throws IOException if the socket is closed
   */
  public void setKeepAlive(boolean on) throws IOException {
    raw.setKeepAlive(on);
  }

  /**
   * {@return whether {@code SO_KEEPALIVE} is set}
   *
   * @throws IOException if the socket is closed
   */
  public boolean keepAlive() throws IOException {
    return raw.keepAlive();
  }

  /**
   * Sets the kernel's receive buffer size ({@code SO_RCVBUF}), capped by Linux at {@code
   * net.core.rmem_max}.
   *
   * @param bytes the size, positive
   * @throws IOException if the socket is closed
   */
  public void setReceiveBufferSize(int bytes) throws IOException {
    raw.setReceiveBufferSize(bytes);
  }

  /**
   * {@return the kernel's receive buffer size ({@code SO_RCVBUF}), in bytes}
   *
   * @throws IOException if the socket is closed
   */
  public int receiveBufferSize() throws IOException {
    return raw.receiveBufferSize();
  }

  /**
   * Sets the kernel's send buffer size ({@code SO_SNDBUF}), capped by Linux at {@code
   * net.core.wmem_max}.
   *
   * @param bytes the size, positive
   * @throws IOException if the socket is closed
   */
  public void setSendBufferSize(int bytes) throws IOException {
    raw.setSendBufferSize(bytes);
  }

  /**
   * {@return the kernel's send buffer size ({@code SO_SNDBUF}), in bytes}
   *
   * @throws IOException if the socket is closed
   */
  public int sendBufferSize() throws IOException {
    return raw.sendBufferSize();
  }

  /**
   * {@return the local address}
   *
   * @throws IOException if the socket is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return raw.localAddress();
  }

  /**
   * {@return the peer's address}
   *
   * @throws IOException if the socket is closed or not connected
   */
  public InetSocketAddress peerAddress() throws IOException {
    return raw.peerAddress();
  }

  @Override
  public String toString() {
    return "TcpStream{" + raw + "}";
  }
}
