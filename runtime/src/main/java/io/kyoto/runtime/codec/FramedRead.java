package io.kyoto.runtime.codec;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A source of frames decoded from an {@link AsyncRead}: tokio-util's {@code FramedRead}.
 *
 * <p>{@link #next()} yields the next frame, or {@link java.util.Optional#empty()} once the stream
 * has ended ({@link #pollNext} returns {@link Stream#end()}): the reader reached end of stream and
 * {@link Decoder#decodeEof} has no more frames. A failure (of the reader or the decoder) is thrown
 * once; after it the source is ended and yields the end, as tokio's.
 *
 * <p>
 *
 * {@snippet :
 * FramedRead<String> lines = FramedRead.create(stream, LinesCodec.create());
 * Future<Integer> count =
 *     Futures.loop(0, n -> lines.next().map(line -> line.isEmpty() ? Step.done(n) : Step.next(n + 1)));
 * }
 *
 * <h2>Buffering</h2>
 *
 * <p>Bytes are read into a buffer of 8 KiB (or the given capacity) and decoded from there. The
 * buffer grows only while the decoder asks for more bytes than it holds, so it is bounded by the
 * decoder's frame limit plus one read; once emptied after a burst it shrinks back.
 *
 * <p><b>Thread safety:</b> one task reads at a time.
 *
 * @param <T> the frame type
 */
public final class FramedRead<T> implements Stream<T> {
  /** The initial buffer size: 8 KiB, as tokio's. */
  public static final int DEFAULT_CAPACITY = 8 * 1024;

  private final AsyncRead reader;
  private final Decoder<? extends T> decoder;
  private final BytesBuffer buffer;
  private final int capacity;
  private boolean readable;
  private boolean eof;
  private boolean ended;

  private FramedRead(AsyncRead reader, Decoder<? extends T> decoder, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.reader = Objects.requireNonNull(reader, "reader");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.capacity = capacity;
    this.buffer = BytesBuffer.allocate(capacity);
  }

  /**
   * {@return a source of the frames {@code decoder} finds in {@code reader}}
   *
   * @param reader the bytes
   * @param decoder the framing
   * @param <T> the frame type
   */
  public static <T> FramedRead<T> create(AsyncRead reader, Decoder<? extends T> decoder) {
    return new FramedRead<>(reader, decoder, DEFAULT_CAPACITY);
  }

  /**
   * {@return a source of frames with an initial buffer of {@code capacity} bytes}
   *
   * @param reader the bytes
   * @param decoder the framing
   * @param capacity the initial buffer size, positive
   * @param <T> the frame type
   */
  public static <T> FramedRead<T> withCapacity(
      AsyncRead reader, Decoder<? extends T> decoder, int capacity) {
    return new FramedRead<>(reader, decoder, capacity);
  }

  /** Forwards to the reader, where a pending {@link #pollNext} waits. */
  @Override
  public void withdrawNext(Waker waker) {
    reader.withdrawRead(waker);
  }

  /**
   * Attempts to decode the next frame, reading more bytes as needed.
   *
   * @param cx the polling task's context
   * @return ready with the frame, or {@link Stream#end()} once the stream has ended; pending after
   *     arranging a wake-up
   * @throws IOException if reading fails or the decoder rejects the bytes (then the source ends)
   */
  public Poll<T> pollNext(Context cx) throws IOException {
    if (ended) {
      return Stream.end();
    }
    try {
      while (true) {
        if (readable) {
          ByteBuffer src = buffer.view();
          T frame = eof ? decoder.decodeEof(src) : decoder.decode(src);
          buffer.consumeTo(src.position());
          if (frame != null) {
            return Poll.ready(frame);
          }
          if (eof) {
            ended = true;
            return Stream.end();
          }
          readable = false;
        }
        buffer.shrinkIfEmpty(capacity);
        buffer.ensureWritable(Math.min(capacity, 4096));
        ByteBuffer dst = buffer.fillView();
        int before = dst.position();
        if (reader.pollRead(cx, dst).isPending()) {
          return Poll.pending();
        }
        buffer.fillTo(dst.position());
        if (dst.position() == before) {
          eof = true;
        }
        readable = true;
      }
    } catch (IOException | RuntimeException e) {
      ended = true;
      throw e;
    }
  }

  /** {@return whether the stream has ended (the end was returned, or a failure thrown)} */
  public boolean isEnded() {
    return ended;
  }

  /** {@return a read-only copy-free view of the bytes read but not yet decoded} */
  public ByteBuffer readBuffer() {
    return buffer.readable();
  }

  /** {@return the reader the bytes come from} */
  public AsyncRead reader() {
    return reader;
  }

  /** {@return the decoder} */
  public Decoder<? extends T> decoder() {
    return decoder;
  }

  @Override
  public String toString() {
    return "FramedRead{buffered=" + buffer.readableBytes() + ", ended=" + ended + "}";
  }
}
