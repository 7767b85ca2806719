package io.kyoto.runtime.process;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A child's standard input, piped: tokio's {@code ChildStdin}. {@link #shutdown()} or {@link
 * #closeAsync()} closes the pipe, so the child reads end of input; {@link Child#waitFor()} does
 * that too. A write once the child (and every descendant that inherited the pipe) has closed its
 * end fails with {@code Broken pipe}.
 *
 * <p>How it is written depends on the reactor backend in effect when the child was {@linkplain
 * Command#spawn() spawned} (the spawning runtime's, or the JVM's default outside a runtime):
 *
 * <ul>
 *   <li><b>epoll</b> (the default on Linux): a pipe of Kyoto's own, as tokio's. A write completes
 *       once the pipe took some of its bytes and waits, without a thread, while the pipe is full;
 *       nothing is buffered here, so {@link #flush()} has nothing to wait for. The descriptor is
 *       released by the shutdown, by {@link #close()}, or once this object is unreachable. (Written
 *       on a runtime whose reactor is not epoll, the same pipe is written on the blocking pool.)
 *   <li><b>nio</b> (or where {@code /proc/self/fd} is missing): the JDK's pipe. A write completes
 *       once its bytes (at most 64 KiB) are handed to the blocking pool; {@link #flush()} waits
 *       until the child's pipe took them and reports a failed write. A kill makes the JDK close the
 *       pipe: a later write fails.
 * </ul>
 *
 * <p><b>Thread safety:</b> one task writes at a time.
 */
public final class ChildStdin implements AsyncWrite, AsyncCloseable {
  private final WritingEnd pipe;

  ChildStdin(WritingEnd pipe) {
    this.pipe = pipe;
    if (pipe.ownsPipe()) {
      OwnPipes.releaseWhenUnreachable(this, pipe::release);
    }
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return pipe.pollWrite(cx, src);
  }

  /** {@inheritDoc} On the JDK's pipe, waits for the write on the blocking pool. */
  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    return pipe.pollFlush(cx);
  }

  /** Takes back the waker a cancelled operation left waiting for the pipe (or a blocking write). */
  @Override
  public void withdrawWrite(Waker waker) {
    pipe.withdrawWrite(waker);
  }

  /** Waits for the write in flight, if any, then closes the pipe: the child reads end of input. */
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
