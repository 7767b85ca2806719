package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Shared read access to the value of a {@link RwLock}; {@link #close()} releases it (tokio's {@code
 * RwLockReadGuard} and {@code OwnedRwLockReadGuard}).
 *
 * <p>The read lock is released exactly once however often the guard is closed; {@link #get()} fails
 * after that.
 *
 * <p><b>Thread safety:</b> may move between tasks and threads; {@link #close()} is safe from any
 * thread.
 *
 * @param <T> the value's type
 */
public final class RwLockReadGuard<T> implements AutoCloseable {
  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED =
          MethodHandles.lookup().findVarHandle(RwLockReadGuard.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final RwLock<T> lock;
  private volatile boolean released;

  RwLockReadGuard(RwLock<T> lock) {
    this.lock = lock;
  }

  /** {@return the lock this guard reads} */
  public RwLock<T> lock() {
    return lock;
  }

  /**
   * {@return the guarded value}
   *
   * @throws IllegalStateException if the guard was closed
   */
  public T get() {
    if (released) {
      throw new IllegalStateException("the read guard was closed; the lock is no longer held");
    }
    return lock.value();
  }

  /** {@return whether the guard still holds its read lock} */
  public boolean isHeld() {
    return !released;
  }

  /** Releases the read lock; later calls do nothing. */
  @Override
  public void close() {
    if (RELEASED.compareAndSet(this, false, true)) {
      lock.release(1);
    }
  }

  @Override
  public String toString() {
    return "RwLockReadGuard{" + (released ? "released" : "held") + "}";
  }
}
