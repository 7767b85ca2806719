package io.kyoto.runtime.internal.blocking;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.rt.BlockingJob;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The engine of {@code ChildStdin}, {@code Io.stdout()} and {@code Io.stderr()}: writes to a
 * blocking pipe, one at a time on the blocking pool. A write completes once its bytes are copied
 * (as {@link io.kyoto.runtime.fs.File}'s); its failure is reported by the next write, flush or
 * shutdown. An operation that waited for the write in flight and was cancelled {@linkplain
 * #withdrawWrite withdraws} the waker it left with that write's job.
 */
public final class BlockingWriter {
  /** The most bytes one write takes. */
  static final int MAX_WRITE = 64 * 1024;

  private final OutputStream out;
  private final String name;
  private BlockingJob<IOException> inFlight;
  private volatile boolean inFlightDone;
  private IOException failed;
  private boolean closed;

  /**
   * Wraps a blocking stream.
   *
   * @param stream the stream, used from the blocking pool from now on
   * @param name what the stream is, for error messages
   */
  public BlockingWriter(OutputStream out, String name) {
    this.out = out;
    this.name = name;
  }

  /**
   * As {@link io.kyoto.runtime.io.AsyncWrite#pollWrite}.
   *
   * @param cx the task's context
   * @param src the bytes
   * @return ready once they are taken, or pending
   * @throws IOException if an earlier write failed or the stream is closed
   */
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    ensureOpen();
    if (!src.hasRemaining()) {
      return Poll.ready(null);
    }
    if (awaitIdle(cx)) {
      return Poll.pending();
    }
    byte[] b = new byte[Math.min(src.remaining(), MAX_WRITE)];
    src.get(b);
    // Mandatory: the caller was told the write is done, so shutdown must not drop it (tokio's
    // spawn_mandatory_blocking for stdout and a child's stdin).
    inFlightDone = false;
    inFlight =
        BlockingJob.spawnMandatory(
            () -> {
              try {
                out.write(b);
                out.flush();
                return null;
              } catch (IOException e) {
                return e;
              } finally {
                inFlightDone = true;
              }
            });
    return Poll.ready(null);
  }

  /**
   * As {@link io.kyoto.runtime.io.AsyncWrite#pollFlush}.
   *
   * @param cx the task's context
   * @return ready once the writes are done, or pending
   * @throws IOException if a write failed
   */
  public Poll<Void> pollFlush(Context cx) throws IOException {
    ensureOpen();
    return awaitIdle(cx) ? Poll.pending() : Poll.ready(null);
  }

  /**
   * Waits for the write in flight, then closes the stream (a child process reads end of input).
   *
   * @param cx the task's context
   * @return ready once closed, or pending
   * @throws IOException if a write failed
   */
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    if (closed) {
      return Poll.ready(null);
    }
    try {
      if (awaitIdle(cx)) {
        return Poll.pending();
      }
    } catch (IOException e) {
      close();
      throw e;
    }
    close();
    return Poll.ready(null);
  }

  /**
   * As {@link io.kyoto.runtime.io.AsyncWrite#withdrawWrite}: takes {@code waker} back from the
   * write in flight, unless a later operation left its own there.
   *
   * @param waker the waker of the cancelled operation's last pending poll
   */
  public void withdrawWrite(Waker waker) {
    BlockingJob<IOException> job = inFlight;
    if (job != null) {
      job.withdraw(waker);
    }
  }

  /** {@return whether the stream was closed} */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes the pipe without blocking. With a write in flight (which may be stuck on a full pipe the
   * child does not read, holding the stream's lock), the close is left to the blocking pool, where
   * it happens once that write ends.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (inFlight != null && !inFlightDone && Handle.tryCurrent().isPresent()) {
      BlockingJob.spawnMandatory(
          () -> {
            closeNow();
            return null;
          });
      return;
    }
    closeNow();
  }

  private void closeNow() {
    try {
      out.close();
    } catch (IOException ignored) {
      // a child that exited already: nothing to tell it
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException(name + " is closed");
    }
  }

  /** {@return true while a write is in flight}; reports a failed write once. */
  private boolean awaitIdle(Context cx) throws IOException {
    if (inFlight != null) {
      Poll<IOException> p;
      try {
        p = inFlight.poll(cx);
      } catch (Exception e) {
        inFlight = null;
        throw new IOException("writing " + name + " did not complete", e);
      }
      if (p.isPending()) {
        return true;
      }
      inFlight = null;
      if (p.value() != null && failed == null) {
        failed = p.value();
      }
    }
    IOException e = failed;
    if (e != null) {
      failed = null;
      throw e;
    }
    return false;
  }
}
