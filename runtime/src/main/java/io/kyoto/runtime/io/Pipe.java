package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of a {@link DuplexStream}: a bounded ring of bytes, one writer, one reader.
 *
 * <p>Every field is guarded by {@code this}. Wakers are taken out under the lock and woken after it
 * is released, so a waker that runs code (or takes locks) can never deadlock with the pipe. The
 * ring starts small and doubles up to {@code maxBufSize}, so an idle pipe with a large limit costs
 * little.
 */
final class Pipe {
  private static final int INITIAL = 1024;

  private final int maxBufSize;
  private byte[] ring;
  private int head;
  private int count;
  private boolean writeClosed;
  private boolean readClosed;
  private Waker readWaker;
  private Waker writeWaker;

  Pipe(int maxBufSize) {
    this.maxBufSize = maxBufSize;
    this.ring = new byte[Math.min(maxBufSize, INITIAL)];
  }

  Poll<Void> pollRead(Context cx, ByteBuffer dst) {
    Waker writer;
    synchronized (this) {
      if (count == 0) {
        if (writeClosed) {
          return Poll.ready(null); // end of stream
        }
        readWaker = cx.waker();
        return Poll.pending();
      }
      int n = Math.min(count, dst.remaining());
      int first = Math.min(n, ring.length - head);
      dst.put(ring, head, first);
      dst.put(ring, 0, n - first);
      head = (head + n) % ring.length;
      count -= n;
      if (count == 0) {
        head = 0;
      }
      writer = writeWaker;
      writeWaker = null;
    }
    if (writer != null) {
      writer.wake();
    }
    return Poll.ready(null);
  }

  Poll<Void> pollWrite(Context cx, ByteBuffer[] srcs, int offset, int length) throws IOException {
    Waker reader;
    synchronized (this) {
      if (writeClosed) {
        throw new IOException("broken pipe: the write side of this duplex stream was shut down");
      }
      if (readClosed) {
        throw new IOException("broken pipe: the peer of this duplex stream was closed");
      }
      long wanted = 0;
      for (int i = offset; i < offset + length; i++) {
        wanted += srcs[i].remaining();
      }
      if (wanted == 0) {
        return Poll.ready(null);
      }
      int avail = maxBufSize - count;
      if (avail == 0) {
        writeWaker = cx.waker();
        return Poll.pending();
      }
      int total = (int) Math.min(wanted, avail);
      reserve(count + total);
      int left = total;
      for (int i = offset; i < offset + length && left > 0; i++) {
        int n = Math.min(left, srcs[i].remaining());
        put(srcs[i], n);
        left -= n;
      }
      reader = readWaker;
      readWaker = null;
    }
    if (reader != null) {
      reader.wake();
    }
    return Poll.ready(null);
  }

  /** A cancelled read's waker leaves, unless a newer reader replaced it (compared by identity). */
  synchronized void withdrawRead(Waker waker) {
    if (readWaker == waker) {
      readWaker = null;
    }
  }

  /** A cancelled write's waker leaves, unless a newer writer replaced it (compared by identity). */
  synchronized void withdrawWrite(Waker waker) {
    if (writeWaker == waker) {
      writeWaker = null;
    }
  }

  private void reserve(int needed) {
    if (needed <= ring.length) {
      return;
    }
    int size = (int) Math.min(maxBufSize, Math.max(needed, 2L * ring.length));
    byte[] bigger = new byte[size];
    int first = Math.min(count, ring.length - head);
    System.arraycopy(ring, head, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, count - first);
    ring = bigger;
    head = 0;
  }

  private void put(ByteBuffer src, int n) {
    int tail = (head + count) % ring.length;
    int first = Math.min(n, ring.length - tail);
    src.get(ring, tail, first);
    src.get(ring, 0, n - first);
    count += n;
  }

  /** The writer shut down or closed: the reader sees end of stream once the bytes are read. */
  void closeWrite() {
    Waker reader;
    synchronized (this) {
      writeClosed = true;
      reader = readWaker;
      readWaker = null;
    }
    if (reader != null) {
      reader.wake();
    }
  }

  /** The reader closed: buffered bytes are dropped and writes fail. */
  void closeRead() {
    Waker writer;
    synchronized (this) {
      readClosed = true;
      count = 0;
      head = 0;
      ring = new byte[0];
      writer = writeWaker;
      writeWaker = null;
    }
    if (writer != null) {
      writer.wake();
    }
  }

  synchronized int buffered() {
    return count;
  }
}
