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
 */
final class CopyBuffer {
  private final ByteBuffer buf;
  private int pos;
  private int cap;
  private long amount;
  private boolean readDone;
  private boolean needFlush;
  private int lastWritten;

  CopyBuffer(int size) {
    this.buf = ByteBuffer.allocate(size);
  }

  /** {@return ready with the total copied once the reader ended and the writer was flushed} */
  Poll<Long> poll(Context cx, AsyncRead reader, AsyncWrite writer) throws IOException {
    while (true) {
      // A reader and a writer that are always ready would never yield: spend budget per round.
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      if (cap < buf.capacity() && !readDone && fill(cx, reader).isPending() && pos == cap) {
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
    buf.limit(buf.capacity()).position(cap);
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
      if (!readDone && cap < buf.capacity()) {
        fill(cx, reader);
      }
      return p;
    }
    lastWritten = buf.position() - pos;
    return p;
  }
}
