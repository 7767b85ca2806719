package io.kyoto.runtime.codec;

import java.nio.ByteBuffer;

/**
 * Passes bytes through unframed: tokio-util's {@code BytesCodec}. Each decode yields whatever has
 * been read (a new heap buffer); each encode appends the item's remaining bytes, leaving the item
 * untouched. Stateless: one instance may serve any number of streams.
 */
public final class BytesCodec implements Decoder<ByteBuffer>, Encoder<ByteBuffer> {
  private static final BytesCodec INSTANCE = new BytesCodec();

  private BytesCodec() {}

  /** {@return the codec} */
  public static BytesCodec create() {
    return INSTANCE;
  }

  /** {@return the readable bytes as a new buffer, or {@code null} if there are none} */
  @Override
  public ByteBuffer decode(ByteBuffer src) {
    if (!src.hasRemaining()) {
      return null;
    }
    ByteBuffer frame = ByteBuffer.allocate(src.remaining());
    return frame.put(src).flip();
  }

  @Override
  public void encode(ByteBuffer item, BytesBuffer dst) {
    dst.put(item.duplicate());
  }

  @Override
  public String toString() {
    return "BytesCodec";
  }
}
