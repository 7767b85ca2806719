package io.kyoto.runtime.net;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.io.StreamCore;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A Unix domain stream socket on the runtime's I/O driver: tokio's {@code UnixStream}.
 *
 * <p><b>Thread safety:</b> one reading task and one writing task at a time.
 */
public final class UnixStream implements AsyncRead, AsyncWrite, AsyncCloseable {
  private final StreamCore core;
  private final io.kyoto.reactor.UnixStream raw;

  UnixStream(StreamCore core) {
    this.core = core;
    this.raw = ((UnixRaw) core.raw()).stream();
  }

  /**
   * Connects to the socket at {@code path}.
   *
   * <p><b>Cancel safety:</b> cancel safe: cancelling closes the socket being connected.
   *
   * @param path the socket's path
   * @return a future of the connected stream
   */
  public static Future<UnixStream> connect(Path path) {
    Objects.requireNonNull(path, "path");
    return Futures.lazy(
        () ->
            new Connecting<>(
                List.of(path),
                (backend, p) -> new UnixRaw(io.kyoto.reactor.UnixStream.connect(backend, p)),
                UnixStream::new));
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    return core.pollRead(cx, dst);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return core.pollWrite(cx, src);
  }

  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    return core.pollWriteVectored(cx, srcs, offset, length);
  }

  /** {@return true: gathering writes use one {@code writev}} */
  @Override
  public boolean isWriteVectored() {
    return true;
  }

  /** {@return ready at once: a socket has no user-space buffer} */
  @Override
  public Poll<Void> pollFlush(Context cx) {
    return Poll.ready(null);
  }

  /** Shuts down the write side: the peer reads end of stream. */
  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    return core.pollShutdown();
  }

  /**
   * {@return the local address}
   *
   * @throws IOException if the socket is closed
   */
  public SocketAddress localAddress() throws IOException {
    return raw.localAddress();
  }

  /**
   * {@return the peer's address}
   *
   * @throws IOException if the socket is closed
   */
  public SocketAddress peerAddress() throws IOException {
    return raw.peerAddress();
  }

  /**
   * Splits the stream into halves owned by different tasks; the socket closes when both are closed.
   *
   * @return the halves
   */
  public Split split() {
    SplitState state = new SplitState(core);
    return new Split(new OwnedReadHalf(state), new OwnedWriteHalf(state));
  }

  /**
   * Shuts down the write side so the peer reads end of stream; then call {@link #close()}.
   *
   * <p><b>Cancel safety:</b> cancel safe.
   */
  @Override
  public Future<Void> closeAsync() {
    return Streams.shutdownFuture(core);
  }

  /** Closes the socket; tasks waiting on it fail with a closed error. Idempotent. */
  @Override
  public void close() {
    try {
      core.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "UnixStream{" + raw + "}";
  }
}
