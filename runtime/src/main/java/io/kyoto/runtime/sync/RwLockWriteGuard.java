package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Exclusive access to the value of a {@link RwLock}; {@link #close()} releases it (tokio's {@code
 * RwLockWriteGuard} and {@code OwnedRwLockWriteGuard}).
 *
 * <p>The write lock is released exactly once however often the guard is closed, or handed over to a
 * read guard by {@link #downgrade()}; {@link #get()} and {@link #set} fail after that.
 *
 * <p><b>Thread safety:</b> may move between tasks and threads, but is meant to be used by one task
 * at a time; {@link #close()} is safe from any thread.
 *
 * @param <T> the value's type
 */
public final class RwLockWriteGuard<T> implements AutoCloseable {
  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED =
          MethodHandles.lookup().findVarHandle(RwLockWriteGuard.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final RwLock<T> lock;
  private volatile boolean released;

  RwLockWriteGuard(RwLock<T> lock) {
    this.lock = lock;
  }

  /** {@return the lock this guard writes} */
  public RwLock<T> lock() {
    return lock;
  }

  /**
   * {@return the guarded value}
   *
   * @throws IllegalStateException if the guard was closed or downgraded
   */
  public T get() {
    checkHeld();
    return lock.value();
  }

  /**
   * Replaces the guarded value.
   *
   * @param value the new value, may be null
   * @throws IllegalStateException if the guard was closed or downgraded
   */
  public void set(T value) {
    checkHeld();
    lock.value(value);
  }

  /** {@return whether the guard still holds the write lock} */
  public boolean isHeld() {
    return !released;
  }

  /**
   * Turns the write lock into a read lock without letting any writer in between (tokio's {@code
   * downgrade}). Readers queued behind may enter at once; this guard is released.
   *
   * @return the read guard
   * @throws IllegalStateException if the guard was closed or downgraded already
   */
  public RwLockReadGuard<T> downgrade() {
    if (!RELEASED.compareAndSet(this, false, true)) {
      throw new IllegalStateException("the write guard was closed; nothing to downgrade");
    }
    // Keep one permit for the read guard, give back the others.
    lock.release(lock.maxReaders() - 1);
    return new RwLockReadGuard<>(lock);
  }

  /** Releases the write lock; later calls do nothing. */
  @Override
  public void close() {
    if (RELEASED.compareAndSet(this, false, true)) {
      lock.release(lock.maxReaders());
    }
  }

  private void checkHeld() {
    if (released) {
      throw new IllegalStateException("the write guard was closed; the lock is no longer held");
    }
  }

  @Override
  public String toString() {
    return "RwLockWriteGuard{" + (released ? "released" : "held") + "}";
  }
}
