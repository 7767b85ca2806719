package io.kyoto.runtime.process;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.blocking.BlockingWriter;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A child's standard input, piped: tokio's {@code ChildStdin}. A write completes once its bytes (at
 * most 64 KiB) are handed to the blocking pool; {@link #flush()} waits until the child's pipe took
 * them and reports a failed write ({@code Broken pipe} once the child has exited). {@link
 * #shutdown()} or {@link #closeAsync()} closes the pipe, so the child reads end of input; {@link
 * Child#waitFor()} does that too.
 *
 * <p><b>Thread safety:</b> one task writes at a time.
 */
public final class ChildStdin implements AsyncWrite, AsyncCloseable {
  private final BlockingWriter pipe;

  ChildStdin(OutputStream out, long pid) {
    this.pipe = new BlockingWriter(out, "stdin of process " + pid);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return pipe.pollWrite(cx, src);
  }

  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    return pipe.pollFlush(cx);
  }

  /** Takes back the waker a cancelled operation left with the blocking write in flight. */
  @Override
  public void withdrawWrite(Waker waker) {
    pipe.withdrawWrite(waker);
  }

  /** Waits for the write in flight, then closes the pipe: the child reads end of input. */
  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    return pipe.pollShutdown(cx);
  }

  /** Flushes, reporting a failed write, and closes the pipe. */
  @Override
  public Future<Void> closeAsync() {
    return this::pollShutdown;
  }

  /** Closes the pipe without waiting for a write in flight. Idempotent. */
  @Override
  public void close() {
    pipe.close();
  }

  boolean isClosed() {
    return pipe.isClosed();
  }
}
