package io.kyoto.web.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The output side of an HTTP/1 connection: a growable heap buffer for heads and small bodies, plus
 * at most one large buffer written after it without a copy (gathering when the transport supports
 * it), plus a few bytes to append once that large buffer is out (a chunk's CRLF).
 */
public final class OutBuffer {
  private static final int MAX_BUFFERED = 2 * 1024 * 1024;
  private static final int SMALL_COPY = 4096;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private ByteBuffer buf; // fill mode; an empty placeholder while released to the BufferCache
  private ByteBuffer extra;
  private byte[] afterExtra;
  private final ByteBuffer[] pair = new ByteBuffer[2];
  private long written; // bytes the transport accepted, ever
  private final byte[] digits = new byte[20];

  /** Creates the buffer; it takes a heap buffer from the {@link BufferCache} when first used. */
  public OutBuffer() {
    buf = EMPTY;
  }

  /** Gives the buffer back to the {@link BufferCache} when nothing is queued. */
  public void releaseIfEmpty() {
    if (buf != EMPTY && buf.position() == 0 && extra == null) {
      BufferCache.give(buf);
      buf = EMPTY;
    }
  }

  /** {@return whether nothing is waiting to be written} */
  public boolean isEmpty() {
    return buf.position() == 0 && extra == null;
  }

  /** {@return whether a large buffer is queued} */
  public boolean hasLarge() {
    return extra != null;
  }

  /** {@return the bytes buffered in the heap buffer} */
  public int buffered() {
    return buf.position();
  }

  /** {@return how many bytes the transport has accepted from this buffer so far} */
  public long written() {
    return written;
  }

  /**
   * {@return a mark for the end of what is queued now: the byte offset, counted from the first byte
   * ever written, where whatever is queued next will start} Valid for {@link #truncate} only while
   * no large buffer is queued, which is how heads are written.
   */
  public long mark() {
    if (extra != null) throw new IllegalStateException("a large buffer is queued");
    return written + buf.position();
  }

  /**
   * Drops everything queued after {@code mark} (a value of {@link #mark}), if none of it has been
   * written yet.
   *
   * @param mark where to cut
   * @return true if the output now ends at {@code mark}; false (nothing changed) if the transport
   *     already took bytes past it
   */
  public boolean truncate(long mark) {
    long keep = mark - written;
    if (keep < 0 || keep > buf.position()) return false;
    buf.position((int) keep);
    extra = null;
    afterExtra = null;
    return true;
  }

  /** Drops everything queued. */
  public void clear() {
    if (buf != EMPTY) buf.clear();
    extra = null;
    afterExtra = null;
  }

  /**
   * Appends one byte.
   *
   * @param b the byte
   */
  public void put(byte b) {
    ensure(1);
    buf.put(b);
  }

  /**
   * Appends bytes.
   *
   * @param bytes the bytes
   */
  public void put(byte[] bytes) {
    ensure(bytes.length);
    buf.put(bytes);
  }

  /**
   * Appends a string as ISO-8859-1 (header values were checked to hold no CR or LF).
   *
   * @param s the text
   */
  public void putAscii(String s) {
    int n = s.length();
    ensure(n);
    byte[] a = buf.array();
    int pos = buf.arrayOffset() + buf.position();
    for (int i = 0; i < n; i++) a[pos + i] = (byte) s.charAt(i);
    buf.position(buf.position() + n);
  }

  /**
   * Appends a non-negative decimal number.
   *
   * @param v the number
   */
  public void putDigits(long v) {
    int i = digits.length;
    do {
      digits[--i] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    ensure(digits.length - i);
    buf.put(digits, i, digits.length - i);
  }

  /**
   * Appends a number in lower-case hexadecimal (a chunk size).
   *
   * @param v the number, non-negative
   */
  public void putHex(long v) {
    int i = digits.length;
    do {
      int d = (int) (v & 15);
      digits[--i] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
      v >>>= 4;
    } while (v > 0);
    ensure(digits.length - i);
    buf.put(digits, i, digits.length - i);
  }

  /**
   * Queues {@code content}: copied if small, otherwise written after the buffer without a copy
   * (then it must stay valid and unchanged until {@link #flush} returns true).
   *
   * @param content the bytes
   * @param after bytes to append once {@code content} is out, or null
   */
  public void putBody(ByteBuffer content, byte[] after) {
    if (extra != null) throw new IllegalStateException("flush before queueing another body");
    int n = content.remaining();
    if (n <= SMALL_COPY && n <= buf.remaining()) {
      buf.put(content.duplicate());
      if (after != null) put(after);
    } else {
      extra = content.duplicate();
      afterExtra = after;
    }
  }

  private void ensure(int n) {
    if (buf.remaining() >= n) return;
    if (buf == EMPTY) {
      buf = BufferCache.take();
      if (buf.remaining() >= n) return;
    }
    int need = buf.position() + n;
    if (need > MAX_BUFFERED) {
      throw new IllegalStateException("more than " + MAX_BUFFERED + " bytes of output buffered");
    }
    buf = ByteBuffer.allocate(Math.max(need, buf.capacity() * 2)).put(buf.flip());
  }

  /**
   * Writes everything queued.
   *
   * @param cx the task's context
   * @param writer the transport
   * @return true once all is written; false when the transport is not writable (a wake-up is
   *     arranged)
   * @throws IOException if the write fails
   */
  public boolean flush(Context cx, AsyncWrite writer) throws IOException {
    if (buf == EMPTY && extra != null) buf = BufferCache.take(); // never mutate the shared EMPTY
    while (buf.position() > 0 || extra != null) {
      buf.flip();
      long before = buf.remaining() + (extra == null ? 0 : extra.remaining());
      Poll<Void> p;
      try {
        if (extra == null) {
          p = writer.pollWrite(cx, buf);
        } else if (!buf.hasRemaining()) {
          p = writer.pollWrite(cx, extra);
        } else if (writer.isWriteVectored()) {
          pair[0] = buf;
          pair[1] = extra;
          p = writer.pollWriteVectored(cx, pair, 0, 2);
          pair[0] = null;
          pair[1] = null;
        } else {
          p = writer.pollWrite(cx, buf);
        }
      } finally {
        written += before - buf.remaining() - (extra == null ? 0 : extra.remaining());
        buf.compact();
      }
      if (p.isPending()) return false;
      if (extra != null && !extra.hasRemaining() && buf.position() == 0) {
        extra = null;
        byte[] after = afterExtra;
        afterExtra = null;
        if (after != null) put(after);
      }
    }
    return true;
  }
}
