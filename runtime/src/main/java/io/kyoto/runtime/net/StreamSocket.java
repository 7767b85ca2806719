package io.kyoto.runtime.net;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.io.StreamCore;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** What {@link TcpStream} and {@link UnixStream} share: the async read/write/close contract. */
abstract sealed class StreamSocket implements AsyncRead, AsyncWrite, AsyncCloseable
    permits TcpStream, UnixStream {
  final StreamCore core;

  StreamSocket(StreamCore core) {
    this.core = core;
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    return core.pollRead(cx, dst);
  }

  @Override
  public void withdrawRead(Waker waker) {
    core.withdrawRead(waker);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return core.pollWrite(cx, src);
  }

  @Override
  public void withdrawWrite(Waker waker) {
    core.withdrawWrite(waker);
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
   * Splits the stream into a read half and a write half that different tasks own; the socket closes
   * when both halves are closed. Do not use this stream afterwards.
   *
   * @return the halves
   */
  public Split split() {
    SplitState state = new SplitState(core);
    return new Split(new OwnedReadHalf(state), new OwnedWriteHalf(state));
  }

  /**
   * Shuts down the write side after everything written (nothing is buffered here), so the peer
   * reads end of stream; then call {@link #close()}.
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
}
