package io.kyoto.runtime.net;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The write half of a split stream. Closing it shuts down the write side (the peer reads end of
 * stream), as dropping tokio's {@code OwnedWriteHalf} does.
 *
 * <p><b>Thread safety:</b> one writing task at a time.
 */
public final class OwnedWriteHalf implements AsyncWrite, AsyncCloseable {
  private final SplitState state;
  private final AtomicBoolean closed = new AtomicBoolean();

  OwnedWriteHalf(SplitState state) {
    this.state = state;
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return state.core().pollWrite(cx, src);
  }

  @Override
  public void withdrawWrite(Waker waker) {
    state.core().withdrawWrite(waker);
  }

  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    return state.core().pollWriteVectored(cx, srcs, offset, length);
  }

  /** {@return true: gathering writes use one {@code writev}} */
  @Override
  public boolean isWriteVectored() {
    return true;
  }

  /** {@return ready at once: nothing is buffered} */
  @Override
  public Poll<Void> pollFlush(Context cx) {
    return Poll.ready(null);
  }

  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    return state.core().pollShutdown();
  }

  /**
   * Shuts down the write side.
   *
   * <p><b>Cancel safety:</b> cancel safe.
   */
  @Override
  public Future<Void> closeAsync() {
    return Streams.shutdownFuture(state.core());
  }

  /** Shuts down the write side and releases this half. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      SplitState.shutdownQuietly(state.core());
      state.release();
    }
  }
}
