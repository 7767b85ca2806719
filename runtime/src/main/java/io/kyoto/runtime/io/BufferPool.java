package io.kyoto.runtime.io;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A pool of equally sized direct buffers, with leak detection: the pooled buffers that the
 * runtime's I/O reads into and writes from.
 *
 * <p>Direct buffers are costly to allocate and are freed only by the garbage collector; reusing
 * them keeps both costs off the I/O path. {@link #acquire()} lends a {@link PooledBuffer}, taking
 * an idle buffer or allocating a new one; {@link PooledBuffer#close()} returns it, and the pool
 * keeps at most {@link #maxPooled()} idle buffers (more are left to the garbage collector).
 *
 * <p>
 *
 * {@snippet :
 * try (PooledBuffer pooled = BufferPool.shared().acquire()) {
 *   ByteBuffer buf = pooled.buffer();
 *   // read into buf, write from it ...
 * }
 * }
 *
 * <h2>Leak detection</h2>
 *
 * <p>A {@link PooledBuffer} that becomes unreachable without {@code close()} is found through a
 * {@link Cleaner}, counted in {@link #leaks()}, and logged at {@code ERROR} through the {@link
 * System.Logger} named {@code io.kyoto.runtime.io.BufferPool}; with {@link LeakDetection#PARANOID}
 * the log carries the stack trace of the acquisition. See {@link LeakDetection} for the levels.
 *
 * <p><b>Thread safety:</b> thread safe; buffers may be acquired and closed on any thread.
 */
public final class BufferPool {
  /** The buffer size of {@link #shared()}: 16 KiB, one TLS record. */
  public static final int DEFAULT_BUFFER_SIZE = 16 * 1024;

  /** The number of idle buffers {@link #shared()} keeps. */
  public static final int DEFAULT_MAX_POOLED = 256;

  /** Under {@link LeakDetection#SIMPLE}, one acquisition in this many is tracked, as Netty's. */
  public static final int SAMPLING_INTERVAL = 128;

  /** Looked up on first report: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(BufferPool.class.getName());

    private Log() {}
  }

  private final int bufferSize;
  private final int maxPooled;
  private final LeakDetection leakDetection;
  private final ConcurrentLinkedDeque<ByteBuffer> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger pooled = new AtomicInteger();
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLong allocated = new AtomicLong();
  private final AtomicLong leaks = new AtomicLong();
  // Tests listen to leak reports here; set before buffers leak.
  volatile Consumer<String> leakListener;

  private BufferPool(Builder b) {
    this.bufferSize = b.bufferSize;
    this.maxPooled = b.maxPooled;
    this.leakDetection = b.leakDetection != null ? b.leakDetection : Defaults.LEVEL;
  }

  /** {@return the JVM-wide pool: {@value #DEFAULT_BUFFER_SIZE}-byte buffers, default level} */
  public static BufferPool shared() {
    return SharedPool.POOL;
  }

  /**
   * {@return a pool of {@code bufferSize}-byte buffers that keeps at most {@code maxPooled} idle}
   *
   * @param bufferSize the size of every buffer, positive
   * @param maxPooled the most idle buffers kept, at least 0
   */
  public static BufferPool create(int bufferSize, int maxPooled) {
    return builder().bufferSize(bufferSize).maxPooled(maxPooled).build();
  }

  /** {@return a builder with the defaults of {@link #shared()}} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Lends a buffer: an idle one if there is one, else a newly allocated one.
   *
   * @return the buffer, cleared; close it exactly once
   */
  public PooledBuffer acquire() {
    ByteBuffer buf = idle.pollFirst();
    if (buf != null) {
      pooled.decrementAndGet();
      buf.clear().order(ByteOrder.BIG_ENDIAN);
    } else {
      buf = ByteBuffer.allocateDirect(bufferSize);
      allocated.incrementAndGet();
    }
    outstanding.incrementAndGet();
    PooledBuffer.Tracker tracker =
        switch (leakDetection) {
          case DISABLED -> null;
          case SIMPLE ->
              ThreadLocalRandom.current().nextInt(SAMPLING_INTERVAL) == 0
                  ? new PooledBuffer.Tracker(this, null)
                  : null;
          case PARANOID -> new PooledBuffer.Tracker(this, new AcquiredAt());
        };
    return new PooledBuffer(this, buf, tracker, tracker == null ? null : Cleaners.CLEANER);
  }

  void release(ByteBuffer buf) {
    outstanding.decrementAndGet();
    if (pooled.incrementAndGet() <= maxPooled) {
      idle.offerFirst(buf); // LIFO: the most recently used buffer is the warmest
    } else {
      pooled.decrementAndGet();
    }
  }

  void reportLeak(Throwable acquiredAt) {
    String message =
        "LEAK: a PooledBuffer of "
            + bufferSize
            + " bytes was garbage-collected without close(); it did not return to its pool."
            + (acquiredAt == null
                ? " Run with -D"
                    + LeakDetection.PROPERTY
                    + "=paranoid to see where it was acquired."
                : " It was acquired at:");
    Log.LOG.log(System.Logger.Level.ERROR, message, acquiredAt);
    Consumer<String> listener = leakListener;
    if (listener != null) {
      StringBuilder report = new StringBuilder(message);
      if (acquiredAt != null) {
        for (StackTraceElement e : acquiredAt.getStackTrace()) {
          report.append("\n\tat ").append(e);
        }
      }
      listener.accept(report.toString());
    }
    // Counted last, so that whoever sees the count also sees the report.
    outstanding.decrementAndGet();
    leaks.incrementAndGet();
  }

  /** {@return the size of every buffer of this pool} */
  public int bufferSize() {
    return bufferSize;
  }

  /** {@return the most idle buffers this pool keeps} */
  public int maxPooled() {
    return maxPooled;
  }

  /** {@return this pool's leak detection level} */
  public LeakDetection leakDetection() {
    return leakDetection;
  }

  /** {@return the number of idle buffers in the pool now} */
  public int pooled() {
    return pooled.get();
  }

  /**
   * {@return the number of buffers lent and not yet closed} A leaked buffer counts until its leak
   * is reported, so untracked leaks stay counted here.
   */
  public long outstanding() {
    return outstanding.get();
  }

  /** {@return the number of direct buffers this pool has allocated} */
  public long allocated() {
    return allocated.get();
  }

  /** {@return the number of leaks reported: buffers collected without close()} */
  public long leaks() {
    return leaks.get();
  }

  @Override
  public String toString() {
    return "BufferPool{bufferSize="
        + bufferSize
        + ", pooled="
        + pooled()
        + ", outstanding="
        + outstanding()
        + ", leaks="
        + leaks()
        + ", leakDetection="
        + leakDetection
        + "}";
  }

  /** Builds a {@link BufferPool}. */
  public static final class Builder {
    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private int maxPooled = DEFAULT_MAX_POOLED;
    private LeakDetection leakDetection;

    private Builder() {}

    /**
     * Sets the size of every buffer.
     *
     * @param bufferSize the size in bytes, positive
     * @return this builder
     */
    public Builder bufferSize(int bufferSize) {
      if (bufferSize <= 0) {
        throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
      }
      this.bufferSize = bufferSize;
      return this;
    }

    /**
     * Sets the most idle buffers the pool keeps.
     *
     * @param maxPooled the limit, at least 0 (0 pools nothing, for tests)
     * @return this builder
     */
    public Builder maxPooled(int maxPooled) {
      if (maxPooled < 0) {
        throw new IllegalArgumentException("maxPooled must not be negative: " + maxPooled);
      }
      this.maxPooled = maxPooled;
      return this;
    }

    /**
     * Sets the leak detection level, overriding the system property.
     *
     * @param level the level
     * @return this builder
     */
    public Builder leakDetection(LeakDetection level) {
      this.leakDetection = Objects.requireNonNull(level, "level");
      return this;
    }

    /** {@return the pool} */
    public BufferPool build() {
      return new BufferPool(this);
    }
  }

  /** Where a leaked buffer was acquired: recorded under {@link LeakDetection#PARANOID}. */
  private static final class AcquiredAt extends Throwable {
    private static final long serialVersionUID = 1L;

    AcquiredAt() {
      super("the leaked PooledBuffer was acquired here", null, false, true);
    }
  }

  /** The default level, read once from the system properties. */
  private static final class Defaults {
    static final LeakDetection LEVEL = LeakDetection.fromSystemProperties();
  }

  /** The cleaner thread, started on the first tracked acquisition. */
  private static final class Cleaners {
    static final Cleaner CLEANER =
        Cleaner.create(r -> Thread.ofPlatform().name("kyoto-leak-detector").daemon().unstarted(r));
  }

  /** The JVM-wide pool, created on first use. */
  private static final class SharedPool {
    static final BufferPool POOL = builder().build();
  }
}
