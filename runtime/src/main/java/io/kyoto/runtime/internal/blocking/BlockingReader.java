package io.kyoto.runtime.internal.blocking;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.rt.BlockingJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The engine of {@code ChildStdout}, {@code ChildStderr} and {@code Io.stdin()}: reads of a
 * blocking pipe, one at a time on the blocking pool. Bytes a read brought after its future was
 * cancelled are kept for the next read, and the cancelled read {@linkplain #withdrawRead withdraws}
 * the waker it left with the job, which may wait for input for a long time.
 *
 * <p>A stream its owner may close underneath (the JDK closes a child's pipes when it kills it)
 * comes with a test that says so: once it holds, a failed read is the end of the stream, not an
 * error.
 */
public final class BlockingReader {
  /** The most bytes one blocking read asks for. */
  static final int MAX_READ = 64 * 1024;

  private record Chunk(byte[] bytes, int length) {}

  private final InputStream in;
  private final String name;
  private final BooleanSupplier closedUnderneath;
  private BlockingJob<Chunk> inFlight;
  private byte[] kept;
  private int keptFrom;
  private int keptTo;
  private boolean eof;
  private boolean closed;

  /**
   * Wraps a blocking stream.
   *
   * @param in the stream, used from the blocking pool from now on
   * @param name what the stream is, for error messages
   */
  public BlockingReader(InputStream in, String name) {
    this(in, name, () -> false);
  }

  /**
   * Wraps a blocking stream that its owner may close underneath.
   *
   * @param in the stream, used from the blocking pool from now on
   * @param name what the stream is, for error messages
   * @param closedUnderneath whether the owner closed (or is closing) the stream: a read that fails
   *     once it holds reports the end of the stream instead. The owner makes it hold before it
   *     closes the stream, and it must stay true from then on.
   */
  public BlockingReader(InputStream in, String name, BooleanSupplier closedUnderneath) {
    this.in = in;
    this.name = name;
    this.closedUnderneath = closedUnderneath;
  }

  /**
   * As {@link io.kyoto.runtime.io.AsyncRead#pollRead}.
   *
   * @param cx the task's context
   * @param dst where the bytes go
   * @return ready with bytes or at the end, or pending
   * @throws IOException if the read failed or the stream is closed
   */
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    if (closed) {
      throw new IOException(name + " is closed");
    }
    if (!dst.hasRemaining()) {
      return Poll.ready(null);
    }
    while (true) {
      if (keptFrom < keptTo) {
        int n = Math.min(keptTo - keptFrom, dst.remaining());
        dst.put(kept, keptFrom, n);
        keptFrom += n;
        return Poll.ready(null);
      }
      if (eof) {
        return Poll.ready(null);
      }
      if (inFlight == null) {
        int n = Math.min(dst.remaining(), MAX_READ);
        // Abandonable: the runtime's close does not wait for a read that may wait for ever.
        inFlight =
            BlockingJob.spawnAbandonable(
                () -> {
                  byte[] b = new byte[n];
                  try {
                    return new Chunk(b, in.read(b, 0, n));
                  } catch (IOException e) {
                    if (closedUnderneath.getAsBoolean()) {
                      return new Chunk(b, -1); // closed by the owner: that is where it ends
                    }
                    throw e;
                  }
                });
      }
      Poll<Chunk> p;
      try {
        p = inFlight.poll(cx);
      } catch (IOException e) {
        inFlight = null;
        throw e;
      } catch (Exception e) { // cancelled at shutdown, or a runtime exception of the stream
        inFlight = null;
        throw new IOException("reading " + name + " did not complete", e);
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      inFlight = null;
      Chunk c = p.value();
      if (c.length < 0) {
        eof = true;
      } else {
        kept = c.bytes;
        keptFrom = 0;
        keptTo = c.length;
      }
    }
  }

  /**
   * As {@link io.kyoto.runtime.io.AsyncRead#withdrawRead}: takes {@code waker} back from the read
   * in flight, unless a later read left its own there.
   *
   * @param waker the waker of the cancelled read's last pending poll
   */
  public void withdrawRead(Waker waker) {
    BlockingJob<Chunk> job = inFlight;
    if (job != null) {
      job.withdraw(waker);
    }
  }

  /** Closes the pipe; a read in flight ends when the child writes or closes its end. */
  public void close() {
    if (!closed) {
      closed = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // the pipe is released either way
      }
    }
  }
}
