package io.kyoto.web.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.AsyncRead;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The input side of an HTTP/1 connection: a heap buffer in read mode whose {@code [position,
 * limit)} holds bytes received but not yet parsed, refilled from the transport.
 */
public final class InBuffer {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final AsyncRead reader;
  private final int maxCapacity;
  private ByteBuffer buf; // null while released to the BufferCache

  /**
   * Creates the buffer.
   *
   * @param reader the transport
   * @param maxCapacity the most it may grow to beyond the {@link BufferCache} size (a head that
   *     does not fit is a limit error)
   */
  public InBuffer(AsyncRead reader, int maxCapacity) {
    this.reader = reader;
    this.maxCapacity = Math.max(BufferCache.SIZE, maxCapacity);
  }

  /** {@return the unparsed bytes, in read mode; parsers advance its position} */
  public ByteBuffer buffer() {
    return buf == null ? EMPTY : buf;
  }

  /** Forgets every unparsed byte. */
  public void discard() {
    if (buf != null) buf.position(buf.limit());
  }

  /**
   * Gives the buffer back to the {@link BufferCache} if it holds no unparsed byte, so an idle
   * connection holds none; the next {@link #fill} takes one again.
   */
  public void releaseIfEmpty() {
    if (buf != null && !buf.hasRemaining()) {
      BufferCache.give(buf);
      buf = null;
    }
  }

  /** {@return whether {@link #fill} can add a byte: the buffer is not full at its maximum} */
  public boolean hasRoom() {
    return buf == null
        || buf.limit() < buf.capacity()
        || buf.position() > 0
        || buf.capacity() < maxCapacity;
  }

  /**
   * Reads once more from the transport, compacting or growing the buffer first when it is full.
   *
   * @param cx the task's context
   * @return the number of bytes added: 0 at end of stream or when the buffer is at its maximum and
   *     full, -1 when pending
   * @throws IOException if the read fails
   */
  public int fill(Context cx) throws IOException {
    if (buf == null) buf = BufferCache.take().flip();
    if (buf.limit() == buf.capacity()) {
      if (buf.position() > 0) {
        buf.compact().flip();
      } else if (buf.capacity() < maxCapacity) {
        buf = ByteBuffer.allocate(Math.min(buf.capacity() * 2, maxCapacity)).put(buf).flip();
      } else {
        return 0;
      }
    } else if (buf.position() == buf.limit()) {
      buf.clear().flip();
    }
    int pos = buf.position();
    int lim = buf.limit();
    buf.position(lim).limit(buf.capacity());
    Poll<Void> p;
    try {
      p = reader.pollRead(cx, buf);
    } finally {
      int end = buf.position();
      buf.limit(end).position(pos);
    }
    return p.isPending() ? -1 : buf.limit() - lim;
  }

  /**
   * {@return the unparsed bytes moved out (for a connection handed to another protocol), or null}
   */
  public ByteBuffer takeRemaining() {
    if (buf == null || !buf.hasRemaining()) return null;
    ByteBuffer rest = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
    return rest;
  }
}
