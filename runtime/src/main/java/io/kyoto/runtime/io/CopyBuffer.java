package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The state of one copy from a reader to a writer, as tokio's {@code CopyBuffer}: the bytes in
 * {@code buf} from {@code pos} to {@code cap} are read but not yet written.
 *
 * <p>The loop reads while there is space, writes what it has, and when the reader is pending with
 * nothing left to write it flushes the writer first, so a writer that buffers (a {@link BufWriter})
 * never holds back bytes the peer is waiting for. At end of stream it flushes and completes.
 *
 * <p>The buffer is a direct buffer from {@link BufferPool#shared()}, taken at the first poll and
 * returned by {@link #release()}, which the owning future calls when it completes, fails or is
 * cancelled: an echo server with thousands of idle connections holds no copy buffers for the
 * connections that have not started, and the leak detector sees any copy that is abandoned.
 */
final class CopyBuffer {
  private final int size;
  private PooledBuffer pooled;
  private ByteBuffer buf;
  private int pos;
  private int cap;
  private long amount;
  private boolean readDone;
  private boolean needFlush;
  private int lastWritten;

  CopyBuffer(int size) {
    this.size = size;
  }

  /** Returns the buffer to the pool; idempotent. The copy must not be polled afterwards. */
  void release() {
    PooledBuffer p = pooled;
    if (p != null) {
      pooled = null;
      buf = null;
      p.close();
    }
  }

  /** {@return ready with the total copied once the reader ended and the writer was flushed} */
  Poll<Long> poll(Context cx, AsyncRead reader, AsyncWrite writer) throws IOException {
    if (buf == null) {
      BufferPool pool = BufferPool.shared();
      if (pool.bufferSize() >= size) {
        pooled = pool.acquire();
        buf = pooled.buffer();
        buf.clear().limit(size);
      } else {
        buf = ByteBuffer.allocate(size);
      }
    }
    try {
      Poll<Long> p = pollCopy(cx, reader, writer);
      if (p.isReady()) {
        release();
      }
      return p;
    } catch (IOException | RuntimeException e) {
      release();
      throw e;
    }
  }

  private Poll<Long> pollCopy(Context cx, AsyncRead reader, AsyncWrite writer) throws IOException {
    while (true) {
      // A reader and a writer that are always ready would never yield: spend budget per round.
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      if (cap < size && !readDone && fill(cx, reader).isPending() && pos == cap) {
        // Nothing to write and nothing to read: hand on what the writer holds, then wait.
        if (needFlush) {
          if (writer.pollFlush(cx).isPending()) {
            return Poll.pending();
          }
          needFlush = false;
        }
        return Poll.pending();
      }
      while (pos < cap) {
        if (writeSome(cx, reader, writer).isPending()) {
          return Poll.pending();
        }
        if (lastWritten == 0) {
          throw new IOException("write zero byte into writer");
        }
        pos += lastWritten;
        amount += lastWritten;
        needFlush = true;
      }
      pos = 0;
      cap = 0;
      if (readDone) {
        if (writer.pollFlush(cx).isPending()) {
          return Poll.pending();
        }
        return Poll.ready(amount);
      }
    }
  }

  private Poll<Void> fill(Context cx, AsyncRead reader) throws IOException {
    buf.limit(size).position(cap);
    Poll<Void> p = reader.pollRead(cx, buf);
    if (p.isReady()) {
      if (buf.position() == cap) {
        readDone = true;
      }
      cap = buf.position();
    }
    return p;
  }

  private Poll<Void> writeSome(Context cx, AsyncRead reader, AsyncWrite writer) throws IOException {
    buf.limit(cap).position(pos);
    Poll<Void> p = writer.pollWrite(cx, buf);
    if (p.isPending()) {
      // Top the buffer up while the writer is busy: a larger write comes next.
      if (!readDone && cap < size) {
        fill(cx, reader);
      }
      return p;
    }
    lastWritten = buf.position() - pos;
    return p;
  }
}
