package io.kyoto.web.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import io.kyoto.web.Upgraded;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport after a 101 (or a 2xx answer to CONNECT), replaying the bytes read past the head
 * first: the server's and the client's {@link Upgraded}.
 */
public final class UpgradedConnection implements Upgraded {
  private final AsyncRead reader;
  private final AsyncWrite writer;
  private final AutoCloseable closer;
  private ByteBuffer leftover;
  private boolean closed;

  /**
   * Wraps a transport.
   *
   * @param reader the read half
   * @param writer the write half
   * @param closer closes the transport
   * @param leftover bytes read past the head (owned by this object from now on), or null
   */
  public UpgradedConnection(
      AsyncRead reader, AsyncWrite writer, AutoCloseable closer, ByteBuffer leftover) {
    this.reader = reader;
    this.writer = writer;
    this.closer = closer;
    this.leftover = leftover;
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    if (leftover != null) {
      if (!dst.hasRemaining()) return Poll.ready(null);
      int n = Math.min(dst.remaining(), leftover.remaining());
      dst.put(leftover.slice(leftover.position(), n));
      leftover.position(leftover.position() + n);
      if (!leftover.hasRemaining()) leftover = null;
      return Poll.ready(null);
    }
    return reader.pollRead(cx, dst);
  }

  @Override
  public void withdrawRead(Waker waker) {
    reader.withdrawRead(waker);
  }

  @Override
  public void withdrawWrite(Waker waker) {
    writer.withdrawWrite(waker);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return writer.pollWrite(cx, src);
  }

  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    return writer.pollWriteVectored(cx, srcs, offset, length);
  }

  @Override
  public boolean isWriteVectored() {
    return writer.isWriteVectored();
  }

  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    return writer.pollFlush(cx);
  }

  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    return writer.pollShutdown(cx);
  }

  @Override
  public Future<Void> closeAsync() {
    return shutdown()
        .handle(
            (v, e) -> {
              close();
              return null;
            });
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      closer.close();
    } catch (Exception e) {
      // nothing more to do with a transport that failed to close
    }
  }

  @Override
  public String toString() {
    return "Upgraded[" + reader + "]";
  }
}
