package io.kyoto.runtime.codec;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.util.Objects;

/**
 * Frames in both directions over one stream: tokio-util's {@code Framed}, a {@link FramedRead} and
 * a {@link FramedWrite} sharing the stream.
 *
 * <p>
 *
 * {@snippet :
 * Framed<String, String> chat = Framed.create(stream, LinesCodec.create());
 * Future<Void> greet = chat.send("hello").flatMap(v -> chat.next()).discard();
 * }
 *
 * <p><b>Thread safety:</b> one task reads at a time and one task writes at a time.
 *
 * @param <I> the type of the frames read
 * @param <O> the type of the items written
 */
public final class Framed<I, O> implements Stream<I>, AsyncCloseable {
  private final FramedRead<I> read;
  private final FramedWrite<O> write;

  private Framed(FramedRead<I> read, FramedWrite<O> write) {
    this.read = read;
    this.write = write;
  }

  /**
   * {@return frames over {@code stream} with one codec for both directions}
   *
   * @param stream the stream
   * @param codec the codec: a decoder of {@code I} and an encoder of {@code O}
   * @param <S> the stream's type
   * @param <C> the codec's type
   * @param <I> the type of the frames read
   * @param <O> the type of the items written
   */
  public static <S extends AsyncRead & AsyncWrite, C extends Decoder<I> & Encoder<O>, I, O>
      Framed<I, O> create(S stream, C codec) {
    return create(stream, codec, codec);
  }

  /**
   * {@return frames over {@code stream} with a separate decoder and encoder}
   *
   * @param stream the stream
   * @param decoder the framing of what is read
   * @param encoder the framing of what is written
   * @param <S> the stream's type
   * @param <I> the type of the frames read
   * @param <O> the type of the items written
   */
  public static <S extends AsyncRead & AsyncWrite, I, O> Framed<I, O> create(
      S stream, Decoder<? extends I> decoder, Encoder<? super O> encoder) {
    Objects.requireNonNull(stream, "stream");
    return new Framed<>(FramedRead.create(stream, decoder), FramedWrite.create(stream, encoder));
  }

  /**
   * Attempts to decode the next frame, as {@link FramedRead#pollNext}.
   *
   * @param cx the polling task's context
   * @return ready with the frame, or {@link Stream#end()} once the stream has ended
   * @throws IOException if reading or decoding fails
   */
  public Poll<I> pollNext(Context cx) throws IOException {
    return read.pollNext(cx);
  }

  /** Forwards to the read side, as {@link FramedRead#withdrawNext}. */
  @Override
  public void withdrawNext(Waker waker) {
    read.withdrawNext(waker);
  }

  /**
   * {@return a future that buffers {@code item} without flushing}
   *
   * <p><b>Cancel safety:</b> not cancel safe, as {@link FramedWrite#feed}.
   *
   * @param item the item
   */
  public Future<Void> feed(O item) {
    return write.feed(item);
  }

  /**
   * {@return a future that buffers {@code item} and flushes}
   *
   * <p><b>Cancel safety:</b> not cancel safe, as {@link FramedWrite#send}.
   *
   * @param item the item
   */
  public Future<Void> send(O item) {
    return write.send(item);
  }

  /**
   * {@return a future that writes out everything buffered and flushes}
   *
   * <p><b>Cancel safety:</b> cancel safe, as {@link FramedWrite#flush()}.
   */
  public Future<Void> flush() {
    return write.flush();
  }

  /**
   * {@return a future that flushes and shuts down the write side}
   *
   * <p><b>Cancel safety:</b> cancel safe, as {@link FramedWrite#closeAsync()}.
   */
  @Override
  public Future<Void> closeAsync() {
    return write.closeAsync();
  }

  /** Drops what is buffered and closes the stream if it is an {@link AsyncCloseable}. */
  @Override
  public void close() {
    write.close();
  }

  /** {@return the reading half} */
  public FramedRead<I> reader() {
    return read;
  }

  /** {@return the writing half} */
  public FramedWrite<O> writer() {
    return write;
  }
}
