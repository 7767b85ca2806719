package io.kyoto.runtime.process;

import io.kyoto.reactor.PipeSender;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.blocking.BlockingWriter;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.io.StreamCore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The engine of {@link ChildStdin}: writes the parent's end of a child's input pipe, one way or the
 * other, as {@link ReadingEnd} reads.
 *
 * <ul>
 *   <li><b>Its own pipe</b> ({@link OwnPipes}, epoll): registered at the first write with the
 *       reactor of the runtime that writes; a write completes once the pipe took bytes (none are
 *       buffered here, so a flush has nothing to wait for) and waits while the pipe is full. On a
 *       runtime whose reactor is not epoll it is reopened through {@code /proc/self/fd} and written
 *       on the blocking pool instead.
 *   <li><b>The JDK's stream</b> ({@link Process#getOutputStream()}), on the blocking pool: the nio
 *       fallback, unchanged.
 * </ul>
 *
 * <p>One task writes at a time; {@link #close()} and {@link #release()} may come from any thread.
 */
final class WritingEnd {
  private final String name;
  private final PipeSender sender; // own pipe, or null: the JDK's stream
  private volatile StreamCore core;
  private volatile BlockingWriter writer;
  private volatile boolean closed;

  private WritingEnd(String name, PipeSender sender, BlockingWriter writer) {
    this.name = name;
    this.sender = sender;
    this.writer = writer;
  }

  /** Writes the parent's end of a pipe {@link Command} made. */
  static WritingEnd own(PipeSender sender, String name) {
    return new WritingEnd(name, sender, null);
  }

  /** Writes the JDK's stream. */
  static WritingEnd jdk(OutputStream out, String name) {
    return new WritingEnd(name, null, new BlockingWriter(out, name));
  }

  /** {@return whether this writes a pipe of its own (which {@link #release()} must close)} */
  boolean ownsPipe() {
    return sender != null;
  }

  Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    if (sender == null) {
      return writer.pollWrite(cx, src);
    }
    ensureOpen();
    StreamCore c = core;
    BlockingWriter w = writer;
    if (c == null && w == null) {
      attach();
      c = core;
      w = writer;
    }
    return c != null ? c.pollWrite(cx, src) : w.pollWrite(cx, src);
  }

  Poll<Void> pollFlush(Context cx) throws IOException {
    if (sender == null) {
      return writer.pollFlush(cx);
    }
    ensureOpen();
    BlockingWriter w = writer;
    return w != null ? w.pollFlush(cx) : Poll.ready(null);
  }

  /** Closes the pipe once what was written is in it: the child reads the end of its input. */
  Poll<Void> pollShutdown(Context cx) throws IOException {
    if (sender == null) {
      return writer.pollShutdown(cx);
    }
    if (closed) {
      return Poll.ready(null);
    }
    BlockingWriter w = writer;
    if (w != null) {
      Poll<Void> p;
      try {
        p = w.pollShutdown(cx);
      } catch (IOException e) {
        close();
        throw e;
      }
      if (p.isPending()) {
        return p;
      }
    }
    close();
    return Poll.ready(null);
  }

  private void attach() throws IOException {
    IoDriver driver = OwnPipes.epollDriverOrNull();
    if (driver != null) {
      core = new StreamCore(driver, PipeRaw.writing(sender)); // closes it if that fails
      return;
    }
    OutputStream out = new FileOutputStream(OwnPipes.reopenPath(sender, name));
    OwnPipes.closeQuietly(sender); // the reopened stream holds the pipe now
    writer = new BlockingWriter(out, name);
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException(name + " is closed");
    }
  }

  void withdrawWrite(Waker waker) {
    StreamCore c = core;
    if (c != null) {
      c.withdrawWrite(waker);
      return;
    }
    BlockingWriter w = writer;
    if (w != null) {
      w.withdrawWrite(waker);
    }
  }

  /** Closes the pipe without waiting; later writes fail. Idempotent. */
  void close() {
    if (sender == null) {
      writer.close();
      return;
    }
    closed = true;
    release();
  }

  boolean isClosed() {
    return sender == null ? writer.isClosed() : closed;
  }

  /** Releases the descriptor (closed, or the owner is gone). Idempotent. */
  void release() {
    StreamCore c = core;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // close(2) released the descriptor anyway
      }
    }
    BlockingWriter w = writer;
    if (w != null) {
      w.close();
    }
    OwnPipes.closeQuietly(sender);
  }
}
