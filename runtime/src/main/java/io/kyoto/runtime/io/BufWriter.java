package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Adds a buffer to an {@link AsyncWrite}: tokio's {@code BufWriter}.
 *
 * <p>Small writes are gathered in the buffer (8 KiB by default) and handed on in large writes; a
 * write at least as large as the buffer, made while the buffer is empty, goes straight through.
 * {@link #pollFlush} writes everything buffered, then flushes the inner writer; {@link
 * #pollShutdown} does the same before shutting the inner writer down.
 *
 * <p>Bytes are only handed on when the buffer fills or on flush: call {@link #flush()} (or use
 * {@link #closeAsync()} through {@link Io#using}) before dropping a {@code BufWriter}, or the
 * buffered bytes are lost.
 *
 * <p><b>Thread safety:</b> one task writes at a time.
 *
 * @param <W> the inner writer's type
 */
public final class BufWriter<W extends AsyncWrite> implements AsyncWrite, AsyncCloseable {
  private final W inner;
  private final ByteBuffer buf;
  // Buffered bytes are buf[start, end): start moves as a flush writes them out.
  private int start;
  private int end;

  private BufWriter(int capacity, W inner) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.inner = Objects.requireNonNull(inner, "inner");
    this.buf = ByteBuffer.allocate(capacity);
  }

  /**
   * {@return a writer over {@code inner} with the default 8 KiB buffer}
   *
   * @param inner the writer to buffer
   * @param <W> the inner writer's type
   */
  public static <W extends AsyncWrite> BufWriter<W> create(W inner) {
    return new BufWriter<>(Io.DEFAULT_BUF_SIZE, inner);
  }

  /**
   * {@return a writer over {@code inner} with a buffer of {@code capacity} bytes}
   *
   * @param capacity the buffer size, positive
   * @param inner the writer to buffer
   * @param <W> the inner writer's type
   */
  public static <W extends AsyncWrite> BufWriter<W> withCapacity(int capacity, W inner) {
    return new BufWriter<>(capacity, inner);
  }

  private int capacity() {
    return buf.capacity();
  }

  private int spare() {
    return capacity() - (end - start);
  }

  /** Writes out every buffered byte. */
  private Poll<Void> flushBuf(Context cx) throws IOException {
    while (start < end) {
      buf.limit(end).position(start);
      if (inner.pollWrite(cx, buf).isPending()) {
        return Poll.pending();
      }
      int n = buf.position() - start;
      if (n == 0) {
        throw new IOException("failed to write the buffered data");
      }
      start += n;
    }
    start = 0;
    end = 0;
    return Poll.ready(null);
  }

  /** Appends {@code n} bytes of {@code src}; the caller made sure they fit. */
  private void append(ByteBuffer src, int n) {
    if (end + n > capacity()) {
      buf.limit(end).position(start);
      buf.compact();
      end -= start;
      start = 0;
    }
    buf.limit(end + n).position(end);
    int limit = src.limit();
    buf.put(src.limit(src.position() + n));
    src.limit(limit);
    end += n;
  }

  /** Forwards to the inner writer, which holds the waiter. */
  @Override
  public void withdrawWrite(Waker waker) {
    inner.withdrawWrite(waker);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    int n = src.remaining();
    if (n > spare() && flushBuf(cx).isPending()) {
      return Poll.pending();
    }
    if (n >= capacity()) {
      return inner.pollWrite(cx, src);
    }
    append(src, n);
    return Poll.ready(null);
  }

  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    if (inner.isWriteVectored()) {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += srcs[i].remaining();
      }
      if (total > spare() && flushBuf(cx).isPending()) {
        return Poll.pending();
      }
      if (total >= capacity()) {
        return inner.pollWriteVectored(cx, srcs, offset, length);
      }
      for (int i = offset; i < offset + length; i++) {
        append(srcs[i], srcs[i].remaining());
      }
      return Poll.ready(null);
    }
    int i = offset;
    while (i < offset + length && !srcs[i].hasRemaining()) {
      i++;
    }
    if (i == offset + length) {
      return Poll.ready(null);
    }
    int first = srcs[i].remaining();
    if (first > spare() && flushBuf(cx).isPending()) {
      return Poll.pending();
    }
    if (first >= capacity()) {
      return inner.pollWrite(cx, srcs[i]);
    }
    // Gather as many whole buffers as fit.
    append(srcs[i], first);
    for (i++; i < offset + length && srcs[i].remaining() <= spare(); i++) {
      append(srcs[i], srcs[i].remaining());
    }
    return Poll.ready(null);
  }

  /** {@return true: vectored writes are gathered into the buffer} */
  @Override
  public boolean isWriteVectored() {
    return true;
  }

  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    if (flushBuf(cx).isPending()) {
      return Poll.pending();
    }
    return inner.pollFlush(cx);
  }

  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    if (flushBuf(cx).isPending()) {
      return Poll.pending();
    }
    return inner.pollShutdown(cx);
  }

  /** {@return a read-only view of the bytes not yet handed to the inner writer} */
  public ByteBuffer buffer() {
    return buf.asReadOnlyBuffer().limit(end).position(start);
  }

  /** {@return the inner writer; writing to it directly overtakes the buffered bytes} */
  public W inner() {
    return inner;
  }

  /**
   * {@return a future that writes out the buffer, then runs the inner writer's graceful close if it
   * is an {@link AsyncCloseable}, or else flushes and shuts it down}
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, part of the buffer may have been
   * written; what remains stays buffered.
   */
  @Override
  public Future<Void> closeAsync() {
    Future<Void> buffered = this::flushBuf;
    return buffered.flatMap(
        v -> inner instanceof AsyncCloseable c ? c.closeAsync() : Io.shutdown(inner));
  }

  /**
   * Drops the buffered bytes and closes the inner writer if it is an {@link AsyncCloseable}.
   * Idempotent.
   */
  @Override
  public void close() {
    start = 0;
    end = 0;
    if (inner instanceof AsyncCloseable c) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return "BufWriter{buffered=" + (end - start) + ", capacity=" + buf.capacity() + "}";
  }
}
