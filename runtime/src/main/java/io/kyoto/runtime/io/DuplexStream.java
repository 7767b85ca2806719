package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One end of an in-memory, bidirectional byte pipe: tokio's {@code DuplexStream}, made by {@link
 * Io#duplex(int)}.
 *
 * <p>What one end writes, the other reads. Each direction buffers at most {@code maxBufSize} bytes;
 * a writer facing a full buffer is pending until the peer reads. {@link #pollShutdown} (or {@link
 * #closeAsync()}) shuts down this end's write side: the peer reads the buffered bytes, then end of
 * stream, and can still write back. {@link #close()} closes both directions: the peer reads end of
 * stream and its writes fail with an {@link IOException} ("broken pipe"), and this end can no
 * longer be used.
 *
 * <p>Reads and writes spend one unit of the task's coop budget, as operations on any runtime
 * resource do. Useful as a socket stand-in in tests, and to connect two in-process components.
 *
 * <p><b>Thread safety:</b> the two ends may be used from different tasks and threads; each end is
 * read by one task at a time and written by one task at a time.
 */
public final class DuplexStream implements AsyncRead, AsyncWrite, AsyncCloseable {
  private final Pipe readPipe;
  private final Pipe writePipe;
  // Reused by pollWrite so a plain write allocates nothing; writes come from one task at a time.
  private final ByteBuffer[] single = new ByteBuffer[1];
  private volatile boolean closed;

  /**
   * The two connected ends made by {@link Io#duplex(int)}. They are symmetric: the names follow the
   * usual test set-up, a client talking to a server.
   *
   * @param client one end
   * @param server the other end
   */
  public record Pair(DuplexStream client, DuplexStream server) {}

  private DuplexStream(Pipe readPipe, Pipe writePipe) {
    this.readPipe = readPipe;
    this.writePipe = writePipe;
  }

  static Pair pair(int maxBufSize) {
    if (maxBufSize <= 0) {
      throw new IllegalArgumentException("maxBufSize must be positive: " + maxBufSize);
    }
    Pipe toServer = new Pipe(maxBufSize);
    Pipe toClient = new Pipe(maxBufSize);
    return new Pair(new DuplexStream(toClient, toServer), new DuplexStream(toServer, toClient));
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("this duplex stream is closed");
    }
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    ensureOpen();
    if (!dst.hasRemaining()) {
      return Poll.ready(null);
    }
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    return readPipe.pollRead(cx, dst);
  }

  @Override
  public void withdrawRead(Waker waker) {
    readPipe.withdrawRead(waker);
  }

  @Override
  public void withdrawWrite(Waker waker) {
    writePipe.withdrawWrite(waker);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    single[0] = src;
    try {
      return pollWriteVectored(cx, single, 0, 1);
    } finally {
      single[0] = null;
    }
  }

  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    ensureOpen();
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    return writePipe.pollWrite(cx, srcs, offset, length);
  }

  /** {@return true: a vectored write copies every buffer in one operation} */
  @Override
  public boolean isWriteVectored() {
    return true;
  }

  /** Ready at once: nothing is held back. */
  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    ensureOpen();
    return Poll.ready(null);
  }

  /** Shuts down the write side: the peer reads end of stream after the buffered bytes. */
  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    ensureOpen();
    writePipe.closeWrite();
    return Poll.ready(null);
  }

  /**
   * {@return a future that shuts down the write side} Ready at its first poll; a no-op once closed.
   *
   * <p><b>Cancel safety:</b> cancel safe.
   */
  @Override
  public Future<Void> closeAsync() {
    return cx -> {
      if (!closed) {
        writePipe.closeWrite();
      }
      return Poll.ready(null);
    };
  }

  /** Closes both directions: the peer reads end of stream and its writes fail. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    writePipe.closeWrite();
    readPipe.closeRead();
  }

  /** {@return how many bytes the peer wrote that this end has not read yet} */
  public int available() {
    return readPipe.buffered();
  }

  @Override
  public String toString() {
    return "DuplexStream{closed=" + closed + ", available=" + available() + "}";
  }
}
