package io.kyoto.runtime.process;

import io.kyoto.reactor.PipeReceiver;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.blocking.BlockingReader;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.io.StreamCore;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The engine of {@link ChildStdout} and {@link ChildStderr}: reads the parent's end of a child's
 * output pipe, one way or the other.
 *
 * <ul>
 *   <li><b>Its own pipe</b> ({@link OwnPipes}, epoll): the end is registered, at the first read,
 *       with the reactor of the runtime that reads, and read when it is ready, through the engine
 *       of the runtime's sockets ({@link StreamCore}: coop budget, one waiter, a cancelled read's
 *       waker withdrawn). Should that runtime's reactor not be epoll (a child spawned outside a
 *       runtime, read on a nio runtime or one without I/O), the end is reopened through {@code
 *       /proc/self/fd} as a blocking stream read on the blocking pool instead. Either way the end
 *       of the stream comes when every writer closed the pipe, a killed child's unread output stays
 *       readable, and the descriptor is released at the end of the stream.
 *   <li><b>The JDK's stream</b> ({@link Process#getInputStream()}), on the blocking pool: the nio
 *       fallback, unchanged.
 * </ul>
 *
 * <p>One task reads at a time; {@link #close()} and {@link #release()} may come from any thread.
 */
final class ReadingEnd {
  private final String name;
  private final PipeReceiver receiver; // own pipe, or null: the JDK's stream
  private volatile StreamCore core; // own pipe on an epoll runtime, from the first read
  private volatile BlockingReader reader; // the JDK's stream, or the reopened own pipe
  private volatile boolean closed;
  private boolean eof;

  private ReadingEnd(String name, PipeReceiver receiver, BlockingReader reader) {
    this.name = name;
    this.receiver = receiver;
    this.reader = reader;
  }

  /** Reads the parent's end of a pipe {@link Command} made. */
  static ReadingEnd own(PipeReceiver receiver, String name) {
    return new ReadingEnd(name, receiver, null);
  }

  /**
   * Reads the JDK's stream; {@code killed} as {@link BlockingReader}'s {@code closedUnderneath}.
   */
  static ReadingEnd jdk(InputStream in, String name, BooleanSupplier killed) {
    return new ReadingEnd(name, null, new BlockingReader(in, name, killed));
  }

  /** {@return whether this reads a pipe of its own (which {@link #release()} must close)} */
  boolean ownsPipe() {
    return receiver != null;
  }

  Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    if (receiver == null) {
      return reader.pollRead(cx, dst);
    }
    if (closed) {
      throw new IOException(name + " is closed");
    }
    if (eof || !dst.hasRemaining()) {
      return Poll.ready(null);
    }
    StreamCore c = core;
    BlockingReader r = reader;
    if (c == null && r == null) {
      attach();
      c = core;
      r = reader;
    }
    int before = dst.position();
    Poll<Void> p = c != null ? c.pollRead(cx, dst) : r.pollRead(cx, dst);
    if (p.isReady() && dst.position() == before) {
      eof = true; // every writer closed it: nothing more can come, so let the descriptor go
      release();
    }
    return p;
  }

  /** Registers the end with the reading runtime's reactor, or reopens it as a blocking stream. */
  private void attach() throws IOException {
    IoDriver driver = OwnPipes.epollDriverOrNull();
    if (driver != null) {
      core = new StreamCore(driver, PipeRaw.reading(receiver)); // closes it if that fails
      return;
    }
    InputStream in = new FileInputStream(OwnPipes.reopenPath(receiver, name));
    OwnPipes.closeQuietly(receiver); // the reopened stream holds the pipe now
    reader = new BlockingReader(in, name);
  }

  void withdrawRead(Waker waker) {
    StreamCore c = core;
    if (c != null) {
      c.withdrawRead(waker);
      return;
    }
    BlockingReader r = reader;
    if (r != null) {
      r.withdrawRead(waker);
    }
  }

  /** Closes the pipe; later reads fail. Idempotent. */
  void close() {
    closed = true;
    release();
  }

  /** Releases the descriptor (the end of the stream was read, or the owner is gone). Idempotent. */
  void release() {
    StreamCore c = core;
    if (c != null) {
      try {
        c.close(); // deregisters, then closes the receiver
      } catch (IOException e) {
        // close(2) released the descriptor anyway
      }
    }
    BlockingReader r = reader;
    if (r != null) {
      r.close();
    }
    OwnPipes.closeQuietly(receiver);
  }
}
