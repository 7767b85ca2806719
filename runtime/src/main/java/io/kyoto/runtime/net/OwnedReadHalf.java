package io.kyoto.runtime.net;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncRead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The read half of a split stream ({@link TcpStream#split()}, {@link UnixStream#split()}).
 *
 * <p><b>Thread safety:</b> one reading task at a time.
 */
public final class OwnedReadHalf implements AsyncRead, AutoCloseable {
  private final SplitState state;
  private final AtomicBoolean closed = new AtomicBoolean();

  OwnedReadHalf(SplitState state) {
    this.state = state;
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    return state.core().pollRead(cx, dst);
  }

  @Override
  public void withdrawRead(Waker waker) {
    state.core().withdrawRead(waker);
  }

  /** Releases this half; the socket closes once the write half is closed too. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      state.release();
    }
  }
}
