package io.kyoto.runtime.codec;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.io.WithdrawingOp;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A sink of items encoded onto an {@link AsyncWrite}: tokio-util's {@code FramedWrite}.
 *
 * <p>Items are encoded into a write buffer. {@link #feed} buffers an item (writing out first if the
 * buffer holds at least the backpressure boundary, 8 KiB by default); {@link #send} buffers it and
 * flushes; {@link #flush()} writes out everything and flushes the writer; {@link #closeAsync()}
 * flushes and shuts the writer down. Batch with {@code feed} and one {@code flush} to put many
 * items in few writes.
 *
 * <p>The poll-level methods ({@link #pollReady}, {@link #startSend}, {@link #pollFlush}, {@link
 * #pollClose}) follow the {@code Sink} protocol of Rust's futures: {@code pollReady} until ready,
 * then one {@code startSend}.
 *
 * <p>A cancelled {@code feed}, {@code send}, {@code flush} or {@code closeAsync} future withdraws
 * the wake-up it left with the writer ({@link AsyncWrite#withdrawWrite}): a send that lost a select
 * leaves no waker behind on the socket.
 *
 * <p><b>Thread safety:</b> one task writes at a time.
 *
 * @param <T> the item type
 */
public final class FramedWrite<T> implements AsyncCloseable {
  /** The default backpressure boundary and initial buffer size: 8 KiB, as tokio's. */
  public static final int DEFAULT_BACKPRESSURE_BOUNDARY = 8 * 1024;

  private final AsyncWrite writer;
  private final Encoder<? super T> encoder;
  private final BytesBuffer buffer;
  private final int backpressureBoundary;

  private FramedWrite(AsyncWrite writer, Encoder<? super T> encoder, int backpressureBoundary) {
    if (backpressureBoundary <= 0) {
      throw new IllegalArgumentException(
          "the backpressure boundary must be positive: " + backpressureBoundary);
    }
    this.writer = Objects.requireNonNull(writer, "writer");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.backpressureBoundary = backpressureBoundary;
    this.buffer =
        BytesBuffer.allocate(Math.min(backpressureBoundary, DEFAULT_BACKPRESSURE_BOUNDARY));
  }

  /**
   * {@return a sink that encodes items with {@code encoder} onto {@code writer}}
   *
   * @param writer the bytes' destination
   * @param encoder the framing
   * @param <T> the item type
   */
  public static <T> FramedWrite<T> create(AsyncWrite writer, Encoder<? super T> encoder) {
    return new FramedWrite<>(writer, encoder, DEFAULT_BACKPRESSURE_BOUNDARY);
  }

  /**
   * {@return a sink whose {@link #pollReady} writes out once {@code backpressureBoundary} bytes are
   * buffered}
   *
   * @param writer the bytes' destination
   * @param encoder the framing
   * @param backpressureBoundary the buffered bytes that make the sink write out, positive
   * @param <T> the item type
   */
  public static <T> FramedWrite<T> create(
      AsyncWrite writer, Encoder<? super T> encoder, int backpressureBoundary) {
    return new FramedWrite<>(writer, encoder, backpressureBoundary);
  }

  /** Writes buffered bytes once; fails if the writer accepts none. */
  private Poll<Void> writeSome(Context cx) throws IOException {
    ByteBuffer src = buffer.view();
    int before = src.position();
    if (writer.pollWrite(cx, src).isPending()) {
      return Poll.pending();
    }
    if (src.position() == before) {
      throw new IOException("failed to write frame to transport");
    }
    buffer.consumeTo(src.position());
    return Poll.ready(null);
  }

  /**
   * Attempts to make room for one item: writes out while the buffer holds at least the backpressure
   * boundary.
   *
   * @param cx the polling task's context
   * @return ready when {@link #startSend} may be called
   * @throws IOException if writing fails
   */
  public Poll<Void> pollReady(Context cx) throws IOException {
    while (buffer.readableBytes() >= backpressureBoundary) {
      if (writeSome(cx).isPending()) {
        return Poll.pending();
      }
    }
    return Poll.ready(null);
  }

  /**
   * Encodes {@code item} into the write buffer. Call after {@link #pollReady} returned ready. If
   * the encoder fails, nothing of the item stays in the buffer.
   *
   * @param item the item
   * @throws IOException if the encoder rejects the item
   */
  public void startSend(T item) throws IOException {
    int mark = buffer.readableBytes();
    try {
      encoder.encode(item, buffer);
    } catch (IOException | RuntimeException e) {
      buffer.truncateTo(mark);
      throw e;
    }
  }

  /**
   * Attempts to write out every buffered byte and flush the writer.
   *
   * @param cx the polling task's context
   * @return ready once everything was handed on
   * @throws IOException if writing fails, or the writer accepts no more bytes
   */
  public Poll<Void> pollFlush(Context cx) throws IOException {
    while (buffer.isReadable()) {
      if (writeSome(cx).isPending()) {
        return Poll.pending();
      }
    }
    return writer.pollFlush(cx);
  }

  /**
   * Attempts to flush, then shut the writer down.
   *
   * @param cx the polling task's context
   * @return ready once flushed and shut down
   * @throws IOException if writing or shutting down fails
   */
  public Poll<Void> pollClose(Context cx) throws IOException {
    if (pollFlush(cx).isPending()) {
      return Poll.pending();
    }
    return writer.pollShutdown(cx);
  }

  /**
   * {@return a future that buffers {@code item}, writing out first if the buffer is at the
   * backpressure boundary} Nothing is flushed: follow with {@link #flush()}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the item is lost (it was not buffered);
   * a future that completed has buffered it.
   *
   * @param item the item
   */
  public Future<Void> feed(T item) {
    return new WithdrawingOp.Write<Void>(writer) {
      private boolean fed;

      @Override
      protected Poll<Void> pollOperation(Context cx) throws IOException {
        if (!fed) {
          if (pollReady(cx).isPending()) {
            return Poll.pending();
          }
          fed = true;
          startSend(item);
        }
        return Poll.ready(null);
      }
    };
  }

  /**
   * {@return a future that buffers {@code item} and flushes everything buffered}
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled before the item was buffered it is lost;
   * if cancelled after, it stays buffered, and is written by the next flush.
   *
   * @param item the item
   */
  public Future<Void> send(T item) {
    return feed(item).flatMap(v -> flush());
  }

  /**
   * {@return a future that writes out everything buffered and flushes the writer}
   *
   * <p><b>Cancel safety:</b> cancel safe: what was not written stays buffered for the next flush.
   */
  public Future<Void> flush() {
    return new WithdrawingOp.Write<Void>(writer) {
      @Override
      protected Poll<Void> pollOperation(Context cx) throws IOException {
        return pollFlush(cx);
      }
    };
  }

  /**
   * {@return a future that flushes and shuts the writer down}
   *
   * <p><b>Cancel safety:</b> cancel safe: what was not written stays buffered; call it again or
   * {@link #close()}.
   */
  @Override
  public Future<Void> closeAsync() {
    return new WithdrawingOp.Write<Void>(writer) {
      @Override
      protected Poll<Void> pollOperation(Context cx) throws IOException {
        return pollClose(cx);
      }
    };
  }

  /**
   * Drops what is buffered and closes the writer if it is an {@link AsyncCloseable}. Idempotent.
   */
  @Override
  public void close() {
    buffer.clear();
    if (writer instanceof AsyncCloseable c) {
      c.close();
    }
  }

  /** {@return the number of encoded bytes not yet written} */
  public int bufferedBytes() {
    return buffer.readableBytes();
  }

  /** {@return the writer the bytes go to} */
  public AsyncWrite writer() {
    return writer;
  }

  /** {@return the encoder} */
  public Encoder<? super T> encoder() {
    return encoder;
  }

  @Override
  public String toString() {
    return "FramedWrite{buffered=" + buffer.readableBytes() + "}";
  }
}
