package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Access to the value of a locked {@link Mutex}; {@link #close()} unlocks it (tokio's {@code
 * MutexGuard} and {@code OwnedMutexGuard}).
 *
 * <p>Use try-with-resources, or close the guard when the work that needs the value completes. The
 * mutex is unlocked exactly once however often the guard is closed; {@link #get()} and {@link #set}
 * fail after that.
 *
 * <p><b>Thread safety:</b> the guard may move between tasks and threads, but it is meant to be used
 * by one task at a time, as the value it guards. {@link #close()} is safe from any thread.
 *
 * @param <T> the value's type
 */
public final class MutexGuard<T> implements AutoCloseable {
  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED = MethodHandles.lookup().findVarHandle(MutexGuard.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Mutex<T> mutex;
  private volatile boolean released;

  MutexGuard(Mutex<T> mutex) {
    this.mutex = mutex;
  }

  /** {@return the mutex this guard locks} */
  public Mutex<T> mutex() {
    return mutex;
  }

  /**
   * {@return the guarded value}
   *
   * @throws IllegalStateException if the guard was closed
   */
  public T get() {
    checkHeld();
    return mutex.value();
  }

  /**
   * Replaces the guarded value.
   *
   * @param value the new value, may be null
   * @throws IllegalStateException if the guard was closed
   */
  public void set(T value) {
    checkHeld();
    mutex.value(value);
  }

  /** {@return whether the guard still holds the lock} */
  public boolean isHeld() {
    return !released;
  }

  /** Unlocks the mutex; later calls do nothing. */
  @Override
  public void close() {
    if (RELEASED.compareAndSet(this, false, true)) {
      mutex.unlock();
    }
  }

  private void checkHeld() {
    if (released) {
      throw new IllegalStateException("the mutex guard was closed; the lock is no longer held");
    }
  }

  @Override
  public String toString() {
    return "MutexGuard{" + (released ? "released" : "held") + "}";
  }
}
