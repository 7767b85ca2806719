package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Buffers both directions of a stream: tokio's {@code BufStream}, a {@link BufReader} and a {@link
 * BufWriter} over the same stream.
 *
 * <p>Remember to flush: written bytes stay in the write buffer until it fills, {@link #flush()} or
 * {@link #shutdown()}.
 *
 * <p><b>Thread safety:</b> one task reads at a time and one task writes at a time.
 *
 * @param <S> the stream's type
 */
public final class BufStream<S extends AsyncRead & AsyncWrite>
    implements AsyncBufRead, AsyncWrite, AsyncCloseable {
  private final S inner;
  private final BufReader<S> reader;
  private final BufWriter<S> writer;

  private BufStream(int readCapacity, int writeCapacity, S inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.reader = BufReader.withCapacity(readCapacity, inner);
    this.writer = BufWriter.withCapacity(writeCapacity, inner);
  }

  /**
   * {@return a stream over {@code inner} with 8 KiB buffers each way}
   *
   * @param inner the stream
   * @param <S> the stream's type
   */
  public static <S extends AsyncRead & AsyncWrite> BufStream<S> create(S inner) {
    return new BufStream<>(Io.DEFAULT_BUF_SIZE, Io.DEFAULT_BUF_SIZE, inner);
  }

  /**
   * {@return a stream over {@code inner} with the given buffer sizes}
   *
   * @param readCapacity the read buffer's size, positive
   * @param writeCapacity the write buffer's size, positive
   * @param inner the stream
   * @param <S> the stream's type
   */
  public static <S extends AsyncRead & AsyncWrite> BufStream<S> withCapacity(
      int readCapacity, int writeCapacity, S inner) {
    return new BufStream<>(readCapacity, writeCapacity, inner);
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    return reader.pollRead(cx, dst);
  }

  /** Forwards to the inner stream, which holds the waiter. */
  @Override
  public void withdrawRead(Waker waker) {
    reader.withdrawRead(waker);
  }

  @Override
  public Poll<ByteBuffer> pollFillBuf(Context cx) throws IOException {
    return reader.pollFillBuf(cx);
  }

  @Override
  public void consume(int n) {
    reader.consume(n);
  }

  /** Forwards to the inner stream, which holds the waiter. */
  @Override
  public void withdrawWrite(Waker waker) {
    writer.withdrawWrite(waker);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    return writer.pollWrite(cx, src);
  }

  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    return writer.pollWriteVectored(cx, srcs, offset, length);
  }

  /** {@return true: vectored writes are gathered into the write buffer} */
  @Override
  public boolean isWriteVectored() {
    return true;
  }

  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    return writer.pollFlush(cx);
  }

  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    return writer.pollShutdown(cx);
  }

  /** {@return the stream under the buffers} */
  public S inner() {
    return inner;
  }

  /**
   * {@return a future that writes out the write buffer, then closes the stream gracefully} As
   * {@link BufWriter#closeAsync()}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, part of the buffer may have been
   * written; what remains stays buffered.
   */
  @Override
  public Future<Void> closeAsync() {
    return writer.closeAsync();
  }

  /** Drops both buffers and closes the stream if it is an {@link AsyncCloseable}. Idempotent. */
  @Override
  public void close() {
    reader.close();
    writer.close();
  }
}
