package io.kyoto.runtime.codec;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Cuts frames out of a byte stream: tokio-util's {@code Decoder}.
 *
 * <p>{@link FramedRead} calls {@link #decode} with the bytes it has buffered, from {@code src}'s
 * position to its limit. The decoder either consumes one frame's bytes (advancing the position) and
 * returns the frame, or returns {@code null} to ask for more bytes; it may consume bytes it has
 * looked at (a header) and remember what it learnt. At end of stream {@link #decodeEof} is called
 * until it returns {@code null}.
 *
 * <p>{@code null} is the "incomplete" signal, so a decoder never produces {@code null} as a frame.
 * The {@code src} buffer is only valid during the call and must not be kept; its byte order is big
 * endian and the decoder must leave it so.
 *
 * <p>A decoder must bound what it asks to be buffered: return {@code null} only while a frame can
 * still be complete within its limit, and throw a {@link CodecException} otherwise, so that a peer
 * cannot make the reader's buffer grow without bound.
 *
 * @param <T> the frame type
 */
@FunctionalInterface
public interface Decoder<T> {
  /**
   * Decodes one frame from {@code src}, if it holds a whole one.
   *
   * @param src the buffered bytes, from its position to its limit; advance the position past what
   *     is consumed
   * @return the frame, or {@code null} if more bytes are needed
   * @throws IOException (normally a {@link CodecException}) if the bytes are not a valid frame; the
   *     stream ends with this failure
   */
  T decode(ByteBuffer src) throws IOException;

  /**
   * Decodes a frame after the stream has ended; called until it returns {@code null}. The default
   * calls {@link #decode} and fails if bytes remain that make no frame ("bytes remaining on
   * stream"), as tokio's.
   *
   * @param src the remaining bytes
   * @return the frame, or {@code null} when no more frames remain
   * @throws IOException if the remaining bytes are not a valid frame
   */
  default T decodeEof(ByteBuffer src) throws IOException {
    T frame = decode(src);
    if (frame == null && src.hasRemaining()) {
      throw new CodecException("bytes remaining on stream");
    }
    return frame;
  }
}
