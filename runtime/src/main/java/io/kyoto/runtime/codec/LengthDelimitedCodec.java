package io.kyoto.runtime.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Frames prefixed with their length: tokio-util's {@code LengthDelimitedCodec}.
 *
 * <p>The default frame is a 4-byte big-endian length followed by that many bytes, at most {@value
 * #DEFAULT_MAX_FRAME_LENGTH} bytes. The {@link #builder()} describes other headers as tokio's does:
 *
 * <ul>
 *   <li>{@code lengthFieldOffset}: header bytes before the length field;
 *   <li>{@code lengthFieldLength}: 1 to 8 bytes, in {@code byteOrder} (big endian by default);
 *   <li>{@code lengthAdjustment}: added to the field's value to get the frame length (e.g. {@code
 *       -4} when the field counts itself);
 *   <li>{@code numSkip}: header bytes dropped before the frame (default: up to the end of the
 *       length field; 0 keeps the header in the frame).
 * </ul>
 *
 * <p>A decoded frame is the {@code fieldValue + lengthAdjustment} bytes that follow the skipped
 * bytes, in a new heap buffer. A frame longer than {@code maxFrameLength} fails with a {@link
 * CodecException} ("frame size too big") as soon as its header is read, before anything is
 * allocated or buffered for it. Encoding writes the length field ({@code item.remaining() -
 * lengthAdjustment}) and the item's bytes; the offset and skipped bytes are not written.
 *
 * <p><b>Thread safety:</b> not thread safe; it keeps decoding state: one instance per stream.
 */
public final class LengthDelimitedCodec implements Decoder<ByteBuffer>, Encoder<ByteBuffer> {
  /** The default maximum frame length: 8 MiB, as tokio's. */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final int offset;
  private final int fieldLength;
  private final long adjustment;
  private final int numSkip;
  private final int maxFrameLength;
  private final ByteOrder order;
  // The length of the frame whose header was consumed, or -1 while reading a header.
  private int pending = -1;

  private LengthDelimitedCodec(Builder b) {
    this.offset = b.offset;
    this.fieldLength = b.fieldLength;
    this.adjustment = b.adjustment;
    this.numSkip = b.numSkip >= 0 ? b.numSkip : b.offset + b.fieldLength;
    this.order = b.order;
    // No frame can be longer than the largest field value allows (tokio's adjust_max_frame_len).
    long largestField = fieldLength == 8 ? Long.MAX_VALUE : (1L << (8 * fieldLength)) - 1;
    long largest =
        adjustment > 0 && largestField > Long.MAX_VALUE - adjustment
            ? Long.MAX_VALUE // saturate, as tokio does, instead of overflowing to a negative max
            : largestField + adjustment;
    this.maxFrameLength = (int) Math.max(0, Math.min(b.maxFrameLength, largest));
  }

  /** {@return a codec with the defaults: 4-byte big-endian length, 8 MiB maximum} */
  public static LengthDelimitedCodec create() {
    return builder().build();
  }

  /** {@return a builder, with the defaults of {@link #create()}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the longest accepted frame} */
  public int maxFrameLength() {
    return maxFrameLength;
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException ("frame size too big") if the header announces a frame longer than the
   *     maximum, or a negative length after adjustment
   */
  @Override
  public ByteBuffer decode(ByteBuffer src) throws CodecException {
    if (pending < 0) {
      int head = Math.max(offset + fieldLength, numSkip);
      if (src.remaining() < head) {
        return null;
      }
      long field = readField(src, src.position() + offset);
      long length = field + adjustment;
      if (field < 0 || length > maxFrameLength) {
        throw new CodecException(
            "frame size too big: the header announces "
                + (field < 0 ? Long.toUnsignedString(field) : Long.toString(length))
                + " bytes, the maximum is "
                + maxFrameLength);
      }
      if (length < 0) {
        throw new CodecException(
            "provided length would overflow after adjustment: field "
                + field
                + ", adjustment "
                + adjustment);
      }
      if (numSkip + length < offset + fieldLength) {
        // The frame would not even cover its own length field: decoding it would consume
        // nothing (or re-read the header) and repeat forever. Netty refuses the same.
        throw new CodecException(
            "frame of "
                + length
                + " bytes after skipping "
                + numSkip
                + " does not cover its length field (bytes "
                + offset
                + " to "
                + (offset + fieldLength)
                + ")");
      }
      src.position(src.position() + numSkip);
      pending = (int) length;
    }
    if (src.remaining() < pending) {
      return null;
    }
    ByteBuffer frame = ByteBuffer.allocate(pending);
    int limit = src.limit();
    frame.put(src.limit(src.position() + pending)).flip();
    src.limit(limit);
    pending = -1;
    return frame;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A frame whose header was already consumed is partial even when no byte of it remains
   * buffered: the stream ended right after a header.
   *
   * @throws CodecException ("bytes remaining on stream") if the stream ended inside a frame
   */
  @Override
  public ByteBuffer decodeEof(ByteBuffer src) throws CodecException {
    ByteBuffer frame = decode(src);
    if (frame == null && (src.hasRemaining() || pending >= 0)) {
      throw new CodecException("bytes remaining on stream");
    }
    return frame;
  }

  private long readField(ByteBuffer src, int at) {
    long value = 0;
    for (int i = 0; i < fieldLength; i++) {
      int b = src.get(at + (order == ByteOrder.BIG_ENDIAN ? i : fieldLength - 1 - i)) & 0xff;
      value = (value << 8) | b;
    }
    return value;
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException ("frame size too big") if the item is longer than the maximum, or its
   *     length does not fit the length field after adjustment
   */
  @Override
  public void encode(ByteBuffer item, BytesBuffer dst) throws CodecException {
    int n = item.remaining();
    if (n > maxFrameLength) {
      throw new CodecException(
          "frame size too big: " + n + " bytes, the maximum is " + maxFrameLength);
    }
    long field = n - adjustment;
    if (field < 0 || (fieldLength < 8 && field >= 1L << (8 * fieldLength))) {
      throw new CodecException(
          "provided length would overflow after adjustment: "
              + n
              + " bytes do not fit a "
              + fieldLength
              + "-byte length field with adjustment "
              + adjustment);
    }
    dst.ensureWritable(fieldLength + n);
    dst.putUnsigned(field, fieldLength, order);
    dst.put(item.duplicate());
  }

  @Override
  public String toString() {
    return "LengthDelimitedCodec{offset="
        + offset
        + ", fieldLength="
        + fieldLength
        + ", adjustment="
        + adjustment
        + ", numSkip="
        + numSkip
        + ", maxFrameLength="
        + maxFrameLength
        + ", order="
        + order
        + "}";
  }

  /** Configures a {@link LengthDelimitedCodec}; the defaults are those of tokio's builder. */
  public static final class Builder {
    private int offset;
    private int fieldLength = 4;
    private long adjustment;
    private int numSkip = -1;
    private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;

    private Builder() {}

    /**
     * Sets the number of header bytes before the length field. Default 0.
     *
     * @param offset at least 0
     * @return this builder
     */
    public Builder lengthFieldOffset(int offset) {
      if (offset < 0) {
        throw new IllegalArgumentException("lengthFieldOffset must not be negative: " + offset);
      }
      this.offset = offset;
      return this;
    }

    /**
     * Sets the size of the length field. Default 4.
     *
     * @param bytes 1 to 8
     * @return this builder
     */
    public Builder lengthFieldLength(int bytes) {
      if (bytes < 1 || bytes > 8) {
        throw new IllegalArgumentException("lengthFieldLength must be 1 to 8 bytes: " + bytes);
      }
      this.fieldLength = bytes;
      return this;
    }

    /**
     * Sets the value added to the length field to get the frame length. Default 0.
     *
     * @param adjustment the adjustment, may be negative
     * @return this builder
     */
    public Builder lengthAdjustment(int adjustment) {
      this.adjustment = adjustment;
      return this;
    }

    /**
     * Sets the number of bytes dropped from the start of each frame before it is returned. Default:
     * the offset plus the length field, i.e. the frame is what follows the length field.
     *
     * @param numSkip at least 0
     * @return this builder
     */
    public Builder numSkip(int numSkip) {
      if (numSkip < 0) {
        throw new IllegalArgumentException("numSkip must not be negative: " + numSkip);
      }
      this.numSkip = numSkip;
      return this;
    }

    /**
     * Sets the longest accepted frame. Default 8 MiB.
     *
     * @param maxFrameLength positive
     * @return this builder
     */
    public Builder maxFrameLength(int maxFrameLength) {
      if (maxFrameLength <= 0 || maxFrameLength > MAX_ARRAY) {
        throw new IllegalArgumentException("invalid maxFrameLength: " + maxFrameLength);
      }
      this.maxFrameLength = maxFrameLength;
      return this;
    }

    /**
     * Sets the byte order of the length field. Default big endian (network order).
     *
     * @param order the order
     * @return this builder
     */
    public Builder byteOrder(ByteOrder order) {
      this.order = Objects.requireNonNull(order, "order");
      return this;
    }

    /** {@return this builder, with a big-endian length field} */
    public Builder bigEndian() {
      return byteOrder(ByteOrder.BIG_ENDIAN);
    }

    /** {@return this builder, with a little-endian length field} */
    public Builder littleEndian() {
      return byteOrder(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@return this builder, with the platform's byte order} */
    public Builder nativeEndian() {
      return byteOrder(ByteOrder.nativeOrder());
    }

    /** {@return a new codec with this configuration} */
    public LengthDelimitedCodec build() {
      return new LengthDelimitedCodec(this);
    }
  }
}
