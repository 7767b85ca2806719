package io.kyoto.runtime.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Objects;

/**
 * A growable byte buffer with separate read and write indexes: what {@link Encoder}s append to, and
 * what {@link FramedRead} and {@link FramedWrite} buffer in (tokio's {@code BytesMut}, in short).
 *
 * <p>The readable bytes run from the read index to the write index; {@code put} methods append at
 * the write index and grow the array as needed (doubling, compacting consumed bytes away first).
 * Multi-byte values are big-endian unless a {@link ByteOrder} is given.
 *
 * <p><b>Thread safety:</b> not thread safe.
 */
public final class BytesBuffer {
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private byte[] array;
  private int readIndex;
  private int writeIndex;
  private ByteBuffer view;
  private ByteBuffer fillView;

  private BytesBuffer(int initialCapacity) {
    this.array = new byte[initialCapacity];
  }

  /**
   * {@return an empty buffer with room for {@code initialCapacity} bytes}
   *
   * @param initialCapacity the initial array size, at least 0
   */
  public static BytesBuffer allocate(int initialCapacity) {
    if (initialCapacity < 0 || initialCapacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("invalid initial capacity: " + initialCapacity);
    }
    return new BytesBuffer(initialCapacity);
  }

  /** {@return the number of readable bytes} */
  public int readableBytes() {
    return writeIndex - readIndex;
  }

  /** {@return whether there are readable bytes} */
  public boolean isReadable() {
    return writeIndex > readIndex;
  }

  /** {@return the number of bytes that can be appended without growing} */
  public int writableBytes() {
    return array.length - writeIndex;
  }

  /** {@return the size of the backing array} */
  public int capacity() {
    return array.length;
  }

  /**
   * Makes room to append {@code n} bytes without growing again.
   *
   * @param n the number of bytes about to be appended
   * @return this buffer
   * @throws IllegalStateException if the buffer would exceed the largest Java array
   */
  public BytesBuffer ensureWritable(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative size: " + n);
    }
    if (writableBytes() >= n) {
      return this;
    }
    int readable = readableBytes();
    long needed = (long) readable + n;
    if (needed > MAX_CAPACITY) {
      throw new IllegalStateException(
          "a BytesBuffer cannot grow past " + MAX_CAPACITY + " bytes (" + needed + " needed)");
    }
    if (array.length >= needed && readIndex >= array.length / 2) {
      compact(); // plenty of consumed space: reuse it rather than grow
      return this;
    }
    int size = (int) Math.min(MAX_CAPACITY, Math.max(needed, Math.max(64L, 2L * array.length)));
    byte[] bigger = new byte[size];
    System.arraycopy(array, readIndex, bigger, 0, readable);
    setArray(bigger, readable);
    return this;
  }

  private void compact() {
    int readable = readableBytes();
    System.arraycopy(array, readIndex, array, 0, readable);
    readIndex = 0;
    writeIndex = readable;
  }

  private void setArray(byte[] a, int readable) {
    array = a;
    readIndex = 0;
    writeIndex = readable;
    view = null;
    fillView = null;
  }

  /**
   * Appends one byte.
   *
   * @param b the byte
   * @return this buffer
   */
  public BytesBuffer put(byte b) {
    ensureWritable(1);
    array[writeIndex++] = b;
    return this;
  }

  /**
   * Appends bytes from an array.
   *
   * @param src the bytes
   * @return this buffer
   */
  public BytesBuffer put(byte[] src) {
    return put(src, 0, src.length);
  }

  /**
   * Appends {@code length} bytes of {@code src} from {@code offset}.
   *
   * @param src the bytes
   * @param offset the first byte
   * @param length how many
   * @return this buffer
   */
  public BytesBuffer put(byte[] src, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, src.length);
    ensureWritable(length);
    System.arraycopy(src, offset, array, writeIndex, length);
    writeIndex += length;
    return this;
  }

  /**
   * Appends the remaining bytes of {@code src}, advancing its position to its limit.
   *
   * @param src the bytes
   * @return this buffer
   */
  public BytesBuffer put(ByteBuffer src) {
    int n = src.remaining();
    ensureWritable(n);
    src.get(array, writeIndex, n);
    writeIndex += n;
    return this;
  }

  /**
   * Appends the low {@code width} bytes of {@code value} as an unsigned integer.
   *
   * @param value the value
   * @param width the number of bytes, 1 to 8
   * @param order the byte order
   * @return this buffer
   */
  public BytesBuffer putUnsigned(long value, int width, ByteOrder order) {
    if (width < 1 || width > 8) {
      throw new IllegalArgumentException("width must be 1 to 8 bytes: " + width);
    }
    ensureWritable(width);
    boolean big = order == ByteOrder.BIG_ENDIAN;
    for (int i = 0; i < width; i++) {
      int shift = 8 * (big ? width - 1 - i : i);
      array[writeIndex + i] = (byte) (value >>> shift);
    }
    writeIndex += width;
    return this;
  }

  /**
   * Appends a big-endian 16-bit value.
   *
   * @param value the value; its low 16 bits are written
   * @return this buffer
   */
  public BytesBuffer putShort(int value) {
    return putUnsigned(value, 2, ByteOrder.BIG_ENDIAN);
  }

  /**
   * Appends a big-endian 32-bit value.
   *
   * @param value the value
   * @return this buffer
   */
  public BytesBuffer putInt(int value) {
    return putUnsigned(value, 4, ByteOrder.BIG_ENDIAN);
  }

  /**
   * Appends a big-endian 64-bit value.
   *
   * @param value the value
   * @return this buffer
   */
  public BytesBuffer putLong(long value) {
    return putUnsigned(value, 8, ByteOrder.BIG_ENDIAN);
  }

  /**
   * Appends {@code text} encoded with {@code charset} (unmappable characters are replaced).
   *
   * @param text the text
   * @param charset the encoding
   * @return this buffer
   */
  public BytesBuffer putString(CharSequence text, Charset charset) {
    return put(text.toString().getBytes(charset));
  }

  /**
   * Discards {@code n} readable bytes.
   *
   * @param n how many, at most {@link #readableBytes()}
   */
  public void skip(int n) {
    if (n < 0 || n > readableBytes()) {
      throw new IllegalArgumentException(
          "cannot skip " + n + " bytes: " + readableBytes() + " are readable");
    }
    consumeTo(readIndex + n);
  }

  /** {@return a read-only view of the readable bytes; reading it does not consume them} */
  public ByteBuffer readable() {
    return ByteBuffer.wrap(array, readIndex, readableBytes()).slice().asReadOnlyBuffer();
  }

  /** {@return a copy of the readable bytes} */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(array, readIndex, writeIndex);
  }

  /** Discards every byte; the capacity stays. */
  public void clear() {
    readIndex = 0;
    writeIndex = 0;
  }

  @Override
  public String toString() {
    return "BytesBuffer{readable=" + readableBytes() + ", capacity=" + array.length + "}";
  }

  // ---- for FramedRead and FramedWrite: allocation-free views over the array ----

  /** {@return a shared view whose position is the read index and limit the write index} */
  ByteBuffer view() {
    ByteBuffer v = view;
    if (v == null) {
      v = view = ByteBuffer.wrap(array);
    }
    v.order(ByteOrder.BIG_ENDIAN);
    return v.limit(writeIndex).position(readIndex);
  }

  /** Marks the bytes up to {@code position} (an index of {@link #view()}) as consumed. */
  void consumeTo(int position) {
    if (position < readIndex || position > writeIndex) {
      throw new IllegalStateException("the decoder moved the position outside the readable bytes");
    }
    readIndex = position;
    if (readIndex == writeIndex) {
      readIndex = 0;
      writeIndex = 0;
    }
  }

  /** {@return a shared view over the writable space: position the write index, limit the end} */
  ByteBuffer fillView() {
    ByteBuffer v = fillView;
    if (v == null) {
      v = fillView = ByteBuffer.wrap(array);
    }
    return v.limit(array.length).position(writeIndex);
  }

  /** Marks the bytes up to {@code position} (an index of {@link #fillView()}) as written. */
  void fillTo(int position) {
    writeIndex = position;
  }

  /**
   * Keeps only the first {@code readable} readable bytes: undoes appends made since {@link
   * #readableBytes()} was {@code readable} (indexes may have moved since, the count has not).
   */
  void truncateTo(int readable) {
    writeIndex = readIndex + Math.min(readable, readableBytes());
  }

  /** Swaps a large, empty array for a small one, so a burst does not pin memory for good. */
  void shrinkIfEmpty(int capacity) {
    if (!isReadable() && array.length > 4 * Math.max(capacity, 64)) {
      setArray(new byte[capacity], 0);
    }
  }
}
