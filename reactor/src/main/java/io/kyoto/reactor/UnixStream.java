package io.kyoto.reactor;

import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A non-blocking Unix domain stream connection.
 *
 * <p>Reads, writes, shutdown and connecting work as on {@link TcpStream}: "would block" is {@link
 * IoResult#WOULD_BLOCK}, end of stream is {@link IoResult#EOF}, and a connect completes with {@link
 * #finishConnect()} after a writable event.
 *
 * <p><b>Thread safety:</b> thread safe; one thread may read while another writes.
 */
public final class UnixStream implements Source {
  private final StreamHandle handle;

  UnixStream(StreamHandle handle) {
    this.handle = handle;
  }

  /**
   * Starts connecting to the socket at {@code path} on the default backend.
   *
   * @param path the listener's socket file
   * @return the stream, connecting or connected; see {@link #finishConnect()}
   * @throws IOException if nothing listens at {@code path}
   */
  public static UnixStream connect(Path path) throws IOException {
    return connect(Backend.current(), path);
  }

  /**
   * Starts connecting to the socket at {@code path} on {@code backend}.
   *
   * @param backend the backend of the stream
   * @param path the listener's socket file
   * @return the stream, connecting or connected; see {@link #finishConnect()}
   * @throws IOException if nothing listens at {@code path}
   */
  public static UnixStream connect(Backend backend, Path path) throws IOException {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(path, "path");
    return new UnixStream(backend.provider().connectUnix(path));
  }

  /**
   * Completes a connect; see {@link TcpStream#finishConnect()}.
   *
   * @return true when connected; false while still in progress
   * @throws IOException the reason the connect failed
   */
  public boolean finishConnect() throws IOException {
    return handle.finishConnect();
  }

  /**
   * Reads into the buffer's remaining space; see {@link TcpStream#read(ByteBuffer)}.
   *
   * @param dst the buffer
   * @return bytes read, {@link IoResult#EOF} or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if the connection failed
   */
  public int read(ByteBuffer dst) throws IOException {
    return handle.read(dst);
  }

  /**
   * Scattering read; see {@link TcpStream#read(ByteBuffer...)}.
   *
   * @param dsts the buffers
   * @return bytes read, {@link IoResult#EOF} or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if the connection failed
   */
  public long read(ByteBuffer... dsts) throws IOException {
    return handle.read(dsts, 0, dsts.length);
  }

  /**
   * Writes the buffer's remaining bytes; see {@link TcpStream#write(ByteBuffer)}.
   *
   * @param src the bytes
   * @return bytes written or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if the connection failed
   */
  public int write(ByteBuffer src) throws IOException {
    return handle.write(src);
  }

  /**
   * Gathering write; see {@link TcpStream#write(ByteBuffer...)}.
   *
   * @param srcs the buffers
   * @return bytes written or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if the connection failed
   */
  public long write(ByteBuffer... srcs) throws IOException {
    return handle.write(srcs, 0, srcs.length);
  }

  /**
   * Shuts down the read half.
   *
   * @throws IOException if the stream is not connected
   */
  public void shutdownInput() throws IOException {
    handle.shutdown(true, false);
  }

  /**
   * Shuts down the write half: the peer reads end of stream.
   *
   * @throws IOException if the stream is not connected
   */
  public void shutdownOutput() throws IOException {
    handle.shutdown(false, true);
  }

  /**
   * The local address (unnamed for a connecting client).
   *
   * @return the local address (unnamed for a connecting client)
   * @throws IOException if the stream is closed
   */
  public SocketAddress localAddress() throws IOException {
    return handle.localAddress();
  }

  /**
   * The peer's address.
   *
   * @return the peer's address
   * @throws IOException if the stream is not connected
   */
  public SocketAddress peerAddress() throws IOException {
    return handle.peerAddress();
  }

  /**
   * Reads and clears the pending socket error.
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
    return "UnixStream{" + handle + "}";
  }
}
