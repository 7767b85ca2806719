package io.kyoto.runtime.codec;

import java.io.IOException;

/**
 * Turns items into bytes: tokio-util's {@code Encoder}.
 *
 * <p>{@link FramedWrite} calls {@link #encode} for each item sent, with its write buffer. If {@code
 * encode} throws, whatever it appended is removed again, so a failed item never leaves half a frame
 * on the stream.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface Encoder<T> {
  /**
   * Appends the encoding of {@code item} to {@code dst}.
   *
   * @param item the item
   * @param dst the buffer, which grows as needed
   * @throws IOException (normally a {@link CodecException}) if the item cannot be encoded
   */
  void encode(T item, BytesBuffer dst) throws IOException;
}
