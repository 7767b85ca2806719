package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Optional;

/**
 * Permits taken from a {@link Semaphore}; {@link #close()} gives them back (tokio's {@code
 * SemaphorePermit} and {@code OwnedSemaphorePermit} in one type).
 *
 * <p>The permits are returned exactly once: the first {@link #close()} returns them, later calls do
 * nothing, and {@link #forget()} drops them without returning them. Use try-with-resources, or
 * close the permit when the work it guards completes.
 *
 * <p><b>Thread safety:</b> thread safe; {@code close}, {@code forget}, {@code split} and {@code
 * merge} may race from different threads and the permits are still returned at most once.
 */
public final class SemaphorePermit implements AutoCloseable {
  private static final VarHandle PERMITS;

  static {
    try {
      PERMITS = MethodHandles.lookup().findVarHandle(SemaphorePermit.class, "permits", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Semaphore semaphore;
  private volatile int permits; // taken with getAndSet/CAS, so each permit is returned once

  SemaphorePermit(Semaphore semaphore, int permits) {
    this.semaphore = semaphore;
    this.permits = permits;
  }

  /** {@return the semaphore these permits belong to} */
  public Semaphore semaphore() {
    return semaphore;
  }

  /** {@return the number of permits held; 0 once closed or forgotten} */
  public int permits() {
    return permits;
  }

  /** Drops the permits without returning them: the semaphore has that many fewer for good. */
  public void forget() {
    PERMITS.getAndSet(this, 0);
  }

  /**
   * Splits {@code n} permits off into a new permit object (tokio's {@code split}).
   *
   * @param n the permits to move, at least 0
   * @return the new permit, or empty if this one holds fewer than {@code n}
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public Optional<SemaphorePermit> split(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot split off a negative number of permits: " + n);
    }
    int cur = permits;
    while (cur >= n) {
      int witness = (int) PERMITS.compareAndExchange(this, cur, cur - n);
      if (witness == cur) {
        return Optional.of(new SemaphorePermit(semaphore, n));
      }
      cur = witness;
    }
    return Optional.empty();
  }

  /**
   * Moves every permit of {@code other} into this one (tokio's {@code merge}); {@code other} is
   * left empty.
   *
   * @param other a permit of the same semaphore
   * @throws IllegalArgumentException if {@code other} belongs to another semaphore, or the sum
   *     overflows an {@code int}
   */
  public void merge(SemaphorePermit other) {
    Objects.requireNonNull(other, "other");
    if (other.semaphore != semaphore) {
      throw new IllegalArgumentException("merging permits from different semaphores");
    }
    if (other == this) {
      return;
    }
    int moved = (int) PERMITS.getAndSet(other, 0);
    int cur = permits;
    while (true) {
      int sum = cur + moved;
      if (((cur ^ sum) & (moved ^ sum)) < 0) {
        PERMITS.getAndAdd(other, moved); // give them back before failing
        throw new IllegalArgumentException("merged permits overflow an int");
      }
      int witness = (int) PERMITS.compareAndExchange(this, cur, sum);
      if (witness == cur) {
        return;
      }
      cur = witness;
    }
  }

  /** Returns the permits to the semaphore; later calls do nothing. */
  @Override
  public void close() {
    int n = (int) PERMITS.getAndSet(this, 0);
    if (n > 0) {
      semaphore.release(n);
    }
  }

  @Override
  public String toString() {
    return "SemaphorePermit{permits=" + permits + "}";
  }
}
