package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Adds a buffer to an {@link AsyncRead}: tokio's {@code BufReader}.
 *
 * <p>Many small reads from a socket each cost an operation; a {@code BufReader} reads a large chunk
 * (8 KiB by default) into its buffer and serves small reads from it. It is also the way to get an
 * {@link AsyncBufRead} (for {@link Io#readLine}, {@link Io#lines}, {@link Io#copyBuf}) from any
 * reader. As tokio's, a read at least as large as the buffer, made while the buffer is empty, goes
 * straight to the inner reader.
 *
 * <p>Bytes still in the buffer are lost if the {@code BufReader} is dropped for its inner reader.
 *
 * <p><b>Thread safety:</b> one task reads at a time.
 *
 * @param <R> the inner reader's type
 */
public final class BufReader<R extends AsyncRead> implements AsyncBufRead, AsyncCloseable {
  private final R inner;
  private final ByteBuffer buf;
  private final ByteBuffer view;
  private int pos;
  private int filled;

  private BufReader(int capacity, R inner) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.inner = Objects.requireNonNull(inner, "inner");
    this.buf = ByteBuffer.allocate(capacity);
    this.view = buf.asReadOnlyBuffer();
  }

  /**
   * {@return a reader over {@code inner} with the default 8 KiB buffer}
   *
   * @param inner the reader to buffer
   * @param <R> the inner reader's type
   */
  public static <R extends AsyncRead> BufReader<R> create(R inner) {
    return new BufReader<>(Io.DEFAULT_BUF_SIZE, inner);
  }

  /**
   * {@return a reader over {@code inner} with a buffer of {@code capacity} bytes}
   *
   * @param capacity the buffer size, positive
   * @param inner the reader to buffer
   * @param <R> the inner reader's type
   */
  public static <R extends AsyncRead> BufReader<R> withCapacity(int capacity, R inner) {
    return new BufReader<>(capacity, inner);
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    if (!dst.hasRemaining()) {
      return Poll.ready(null);
    }
    if (pos == filled && dst.remaining() >= buf.capacity()) {
      // Nothing buffered and a large read: our buffer would only add a copy.
      Poll<Void> p = inner.pollRead(cx, dst);
      pos = 0;
      filled = 0;
      return p;
    }
    Poll<ByteBuffer> p = pollFillBuf(cx);
    if (p.isPending()) {
      return Poll.pending();
    }
    ByteBuffer rem = p.value();
    int n = Math.min(rem.remaining(), dst.remaining());
    dst.put(rem.limit(rem.position() + n));
    consume(n);
    return Poll.ready(null);
  }

  /** Forwards to the inner reader, which holds the waiter. */
  @Override
  public void withdrawRead(Waker waker) {
    inner.withdrawRead(waker);
  }

  @Override
  public Poll<ByteBuffer> pollFillBuf(Context cx) throws IOException {
    if (pos >= filled) {
      buf.clear();
      Poll<Void> p = inner.pollRead(cx, buf);
      if (p.isPending()) {
        return Poll.pending();
      }
      pos = 0;
      filled = buf.position();
    }
    return Poll.ready(view.limit(filled).position(pos));
  }

  @Override
  public void consume(int n) {
    if (n < 0 || n > filled - pos) {
      throw new IllegalArgumentException(
          "cannot consume " + n + " bytes: " + (filled - pos) + " are buffered");
    }
    pos += n;
  }

  /** {@return a read-only view of the buffered, unread bytes} */
  public ByteBuffer buffer() {
    return buf.asReadOnlyBuffer().limit(filled).position(pos);
  }

  /** {@return the buffer's size} */
  public int capacity() {
    return buf.capacity();
  }

  /** {@return the inner reader; reading from it directly skips the buffered bytes} */
  public R inner() {
    return inner;
  }

  /**
   * {@return the inner reader's graceful close if it is an {@link AsyncCloseable}, else a future
   * that is ready at once}
   *
   * <p><b>Cancel safety:</b> as the inner reader's.
   */
  @Override
  public Future<Void> closeAsync() {
    return inner instanceof AsyncCloseable c ? c.closeAsync() : cx -> Poll.ready(null);
  }

  /** Closes the inner reader if it is an {@link AsyncCloseable}; drops the buffered bytes. */
  @Override
  public void close() {
    pos = 0;
    filled = 0;
    if (inner instanceof AsyncCloseable c) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return "BufReader{buffered=" + (filled - pos) + ", capacity=" + buf.capacity() + "}";
  }
}
