package io.kyoto.reactor;

import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A non-blocking TCP connection.
 *
 * <p>Obtained from {@link TcpListener#accept()} or {@link #connect(InetSocketAddress)}. Register it
 * for the readiness you need and, on each event, read or write until the operation returns {@link
 * IoResult#WOULD_BLOCK} (the draining rule of {@link Poll}).
 *
 * <h2>Connecting</h2>
 *
 * <p>{@code connect} returns at once with the connection in progress. Register for {@link
 * Interest#WRITABLE}; on the writable event call {@link #finishConnect()}: it returns true once
 * connected, false if the event was spurious, and throws the failure (refused, unreachable).
 *
 * <p>
 *
 * {@snippet :
 * TcpStream stream = TcpStream.connect(address);
 * poll.registry().register(stream, token, Interest.WRITABLE);
 * // ... on the writable event for token:
 * if (stream.finishConnect()) {
 *   poll.registry().reregister(stream, token, Interest.READABLE_WRITABLE);
 * }
 * }
 *
 * <p><b>Thread safety:</b> thread safe; one thread may read while another writes. Concurrent reads
 * (or concurrent writes) interleave bytes unpredictably.
 */
public final class TcpStream implements Source {
  private final StreamHandle handle;

  TcpStream(StreamHandle handle) {
    this.handle = handle;
  }

  /**
   * Starts connecting to {@code address} on the default backend.
   *
   * @param address the peer
   * @return the stream, connecting; see {@link #finishConnect()}
   * @throws IOException if the connect fails at once (for example, network unreachable)
   */
  public static TcpStream connect(InetSocketAddress address) throws IOException {
    return connect(Backend.current(), address);
  }

  /**
   * Starts connecting to {@code address} on {@code backend}.
   *
   * @param backend the backend of the stream
   * @param address the peer
   * @return the stream, connecting; see {@link #finishConnect()}
   * @throws IOException if the connect fails at once
   */
  public static TcpStream connect(Backend backend, InetSocketAddress address) throws IOException {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address is unresolved: " + address);
    }
    return new TcpStream(backend.provider().connectTcp(address));
  }

  /**
   * Completes a connect started by {@link #connect}. Call it after a writable event.
   *
   * @return true when connected (also on every later call); false while still in progress
   * @throws IOException the reason the connect failed: on both backends a {@link
   *     java.net.ConnectException} for a refused or timed-out connect and a {@link
   *     java.net.NoRouteToHostException} for an unreachable host (on epoll with the {@link
   *     NativeIoException} and its errno as cause)
   */
  public boolean finishConnect() throws IOException {
    return handle.finishConnect();
  }

  /**
   * Reads into the buffer's remaining space, advancing its position.
   *
   * @param dst the buffer (direct buffers avoid a copy)
   * @return the number of bytes read; {@link IoResult#EOF} at end of stream; {@link
   *     IoResult#WOULD_BLOCK} if no data is available; 0 only if {@code dst} has no space
   * @throws IOException if the connection failed (for example, reset by the peer)
   */
  public int read(ByteBuffer dst) throws IOException {
    return handle.read(dst);
  }

  /**
   * Reads into several buffers in order (a scattering read, {@code readv}).
   *
   * @param dsts the buffers
   * @return as {@link #read(ByteBuffer)}, summed over the buffers
   * @throws IOException if the connection failed
   */
  public long read(ByteBuffer... dsts) throws IOException {
    return handle.read(dsts, 0, dsts.length);
  }

  /**
   * Writes the buffer's remaining bytes, as many as the socket takes, advancing its position.
   *
   * @param src the bytes to write
   * @return the number of bytes written (possibly fewer than remaining), or {@link
   *     IoResult#WOULD_BLOCK} if the send buffer is full
   * @throws IOException if the connection failed (reset, or the write half is shut down)
   */
  public int write(ByteBuffer src) throws IOException {
    return handle.write(src);
  }

  /**
   * Writes from several buffers in order (a gathering write, {@code writev}).
   *
   * @param srcs the buffers
   * @return as {@link #write(ByteBuffer)}, summed over the buffers
   * @throws IOException if the connection failed
   */
  public long write(ByteBuffer... srcs) throws IOException {
    return handle.write(srcs, 0, srcs.length);
  }

  /**
   * Shuts down the read half: later reads return {@link IoResult#EOF}.
   *
   * @throws IOException if the stream is not connected
   */
  public void shutdownInput() throws IOException {
    handle.shutdown(true, false);
  }

  /**
   * Shuts down the write half, sending FIN: the peer reads end of stream. Reading continues.
   *
   * @throws IOException if the stream is not connected
   */
  public void shutdownOutput() throws IOException {
    handle.shutdown(false, true);
  }

  /**
   * Sets {@code TCP_NODELAY}: on, small writes are sent at once instead of being coalesced.
   *
   * @param on whether to disable Nagle's algorithm
   * @throws IOException if the stream is closed
   */
  public void setNoDelay(boolean on) throws IOException {
    handle.setNoDelay(on);
  }

  /**
   * Whether {@code TCP_NODELAY} is set.
   *
   * @return whether {@code TCP_NODELAY} is set
   * @throws IOException if the stream is closed
   */
  public boolean noDelay() throws IOException {
    return handle.noDelay();
  }

  /**
   * Sets {@code SO_KEEPALIVE}: on, the kernel probes a connection that has been idle (for two hours
   * by default on Linux, {@code net.ipv4.tcp_keepalive_time}) and reports a dead peer as an error.
   *
   * @param on whether to send keep-alive probes
   * @throws IOException if the stream is closed
   */
  public void setKeepAlive(boolean on) throws IOException {
    handle.setKeepAlive(on);
  }

  /**
   * Whether {@code SO_KEEPALIVE} is set.
   *
   * @return whether keep-alive probes are on
   * @throws IOException if the stream is closed
   */
  public boolean keepAlive() throws IOException {
    return handle.keepAlive();
  }

  /**
   * Sets the kernel's receive buffer size ({@code SO_RCVBUF}). Linux caps it at {@code
   * net.core.rmem_max} and reserves as much again for its bookkeeping; {@link #receiveBufferSize()}
   * reads back the value in effect without that share, as the JDK's sockets do.
   *
   * @param bytes the size, positive
   * @throws IOException if the stream is closed
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public void setReceiveBufferSize(int bytes) throws IOException {
    handle.setBufferSize(true, positive(bytes));
  }

  /**
   * The kernel's receive buffer size ({@code SO_RCVBUF}).
   *
   * @return the size in bytes
   * @throws IOException if the stream is closed
   */
  public int receiveBufferSize() throws IOException {
    return handle.bufferSize(true);
  }

  /**
   * Sets the kernel's send buffer size ({@code SO_SNDBUF}); as {@link #setReceiveBufferSize},
   * capped at {@code net.core.wmem_max}.
   *
   * @param bytes the size, positive
   * @throws IOException if the stream is closed
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public void setSendBufferSize(int bytes) throws IOException {
    handle.setBufferSize(false, positive(bytes));
  }

  /**
   * The kernel's send buffer size ({@code SO_SNDBUF}).
   *
   * @return the size in bytes
   * @throws IOException if the stream is closed
   */
  public int sendBufferSize() throws IOException {
    return handle.bufferSize(false);
  }

  private static int positive(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("buffer size must be positive: " + bytes);
    }
    return bytes;
  }

  /**
   * The local address.
   *
   * @return the local address; on the nio backend, null while a connect is pending (the JDK learns
   *     it when the connect is finished by {@link #finishConnect()}), as mio's only on epoll
   * @throws IOException if the stream is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) handle.localAddress();
  }

  /**
   * The peer's address.
   *
   * @return the peer's address
   * @throws IOException if the stream is not connected (still connecting, or failed)
   */
  public InetSocketAddress peerAddress() throws IOException {
    return (InetSocketAddress) handle.peerAddress();
  }

  /**
   * Reads and clears the socket's pending error ({@code SO_ERROR}), typically after an {@link
   * Event#isError()} event.
   *
   * @return the pending error, or {@code null}
   * @throws IOException if the stream is closed
   */
  public IOException takeError() throws IOException {
    return handle.takeError();
  }

  @Override
  public boolean isOpen() {
    return handle.isOpen();
  }

  @Override
  public void close() throws IOException {
    handle.close();
  }

  StreamHandle handle() {
    return handle;
  }

  @Override
  public String toString() {
    return "TcpStream{" + handle + "}";
  }
}
