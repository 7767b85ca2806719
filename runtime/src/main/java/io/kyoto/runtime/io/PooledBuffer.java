package io.kyoto.runtime.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * A direct buffer lent by a {@link BufferPool}; {@link #close()} gives it back.
 *
 * <p>Close it exactly once, normally with try-with-resources or in the {@code close()} of the
 * object that owns it. A second {@code close()} fails with {@link IllegalStateException}, and so
 * does {@link #buffer()} after close. A reference to the {@link ByteBuffer} kept past close cannot
 * be detected: after close the memory belongs to the next borrower, so never keep one.
 *
 * <p>A {@code PooledBuffer} that becomes unreachable without {@code close()} is a leak: its memory
 * is freed by the garbage collector, but it does not return to the pool, and the pool reports it
 * (see {@link LeakDetection}).
 *
 * <p><b>Thread safety:</b> {@link #close()} may be called from any thread, once; the buffer itself
 * is not thread safe.
 */
public final class PooledBuffer implements AutoCloseable {
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(PooledBuffer.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final BufferPool pool;
  private final ByteBuffer buffer;
  private final Tracker tracker;
  private final Cleaner.Cleanable cleanable;

  private volatile boolean closed;

  PooledBuffer(BufferPool pool, ByteBuffer buffer, Tracker tracker, Cleaner cleaner) {
    this.pool = pool;
    this.buffer = buffer;
    this.tracker = tracker;
    // The tracker must not reach this object, or it would never become unreachable.
    this.cleanable = tracker == null ? null : cleaner.register(this, tracker);
  }

  /**
   * {@return the buffer, cleared when it was acquired: position 0, limit its capacity, big-endian}
   * Its bytes are whatever the previous borrower left.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public ByteBuffer buffer() {
    if (closed) {
      throw new IllegalStateException(
          "this PooledBuffer was closed and its memory went back to the pool; it must not be used");
    }
    return buffer;
  }

  /** {@return the buffer's capacity in bytes} */
  public int capacity() {
    return buffer.capacity();
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Gives the buffer back to its pool.
   *
   * @throws IllegalStateException if already closed: a buffer must be released exactly once
   */
  @Override
  public void close() {
    if (!CLOSED.compareAndSet(this, false, true)) {
      throw new IllegalStateException(
          "this PooledBuffer was already closed; a pooled buffer must be released exactly once");
    }
    try {
      if (tracker != null) {
        tracker.released = true;
        cleanable.clean(); // deregisters; the action sees released and reports nothing
      }
      pool.release(buffer);
    } finally {
      // Until here this object must count as reachable, or the cleaner could report a false leak.
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public String toString() {
    return "PooledBuffer{capacity=" + buffer.capacity() + ", closed=" + closed + "}";
  }

  /**
   * The cleaner's action for a tracked buffer: reports a leak unless the buffer was released. It
   * holds the pool and the acquisition trace, never the {@code PooledBuffer}.
   */
  static final class Tracker implements Runnable {
    private final BufferPool pool;
    private final Throwable acquiredAt;
    volatile boolean released;

    Tracker(BufferPool pool, Throwable acquiredAt) {
      this.pool = pool;
      this.acquiredAt = acquiredAt;
    }

    @Override
    public void run() {
      if (!released) {
        pool.reportLeak(acquiredAt);
      }
    }
  }
}
