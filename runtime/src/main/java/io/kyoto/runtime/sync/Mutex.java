package io.kyoto.runtime.sync;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.internal.sync.AcquireFuture;
import io.kyoto.runtime.internal.sync.BatchSemaphore;
import java.util.Objects;
import java.util.Optional;

/**
 * An asynchronous mutual-exclusion lock around a value (tokio's {@code Mutex}).
 *
 * <p>{@link #lock()} is a future of a {@link MutexGuard}; the guard reads and writes the value
 * until it is {@linkplain MutexGuard#close() closed}. Unlike a {@link
 * java.util.concurrent.locks.ReentrantLock}, a task waiting for the lock does not block its thread,
 * and the guard may be held across suspension points and moved between threads:
 *
 * {@snippet :
 * Mutex<Integer> counter = new Mutex<>(0);
 * Future<Void> increment = counter.lock().map(guard -> {
 *   try (guard) {
 *     guard.set(guard.get() + 1);
 *   }
 *   return null;
 * });
 * }
 *
 * <p>A guard held across awaits (the point of an async mutex) is scoped by {@link #withLock} (or
 * {@link io.kyoto.runtime.Futures#using}), which unlocks when the work completes, fails or is
 * cancelled:
 *
 * {@snippet :
 * Future<Void> saved = state.withLock(guard -> store.save(guard.get()));
 * }
 *
 * <p><b>Which lock to use.</b> As tokio advises, prefer a blocking lock ({@code synchronized},
 * {@code ReentrantLock}) when the value is only touched between suspension points: it is cheaper.
 * This lock is for holding the value <em>across</em> asynchronous steps, such as a connection used
 * for a whole request.
 *
 * <p><b>Fairness:</b> strictly FIFO: the lock is handed out in the order the {@code lock()} futures
 * were first polled. It is a {@link Semaphore} of one permit inside. The lock is not reentrant: a
 * task that locks it twice waits for itself forever.
 *
 * <p><b>Memory consistency:</b> closing a guard happens-before the next guard is handed out, so the
 * value needs no {@code volatile}.
 *
 * <p><b>Thread safety:</b> thread safe.
 *
 * @param <T> the value's type
 */
public final class Mutex<T> {
  private final BatchSemaphore semaphore = new BatchSemaphore(1);
  private T value; // guarded by the permit

  /**
   * Creates an unlocked mutex holding {@code value}.
   *
   * @param value the initial value, may be null
   */
  public Mutex(T value) {
    this.value = value;
  }

  /**
   * {@return a future of the lock's guard} The value is the guard; close it to unlock.
   *
   * <p><b>Cancel safety:</b> this method uses a queue to fairly distribute locks in the order they
   * were requested. Cancelling a call to {@code lock} makes you lose your place in the queue. If
   * the lock was already handed to the cancelled call, it is passed on to the next waiter, so it is
   * never left locked.
   */
  public Future<MutexGuard<T>> lock() {
    return new AcquireFuture<>(
        semaphore.acquire(1),
        () -> new MutexGuard<>(this),
        () -> new IllegalStateException("a mutex's semaphore is never closed"));
  }

  /**
   * {@return a future that runs {@code body} with the lock held} Kotlin's {@code withLock}: {@link
   * #lock()}, then {@link io.kyoto.runtime.Futures#using} with the guard, so the mutex is unlocked
   * when the body's future completes, fails or is cancelled.
   *
   * {@snippet :
   * Future<Void> saved = state.withLock(guard -> store.save(guard.get()));
   * }
   *
   * <p><b>Cancel safety:</b> as {@link #lock()} while waiting, then as cancel safe as the body; the
   * mutex is unlocked either way.
   *
   * @param body the work to do with the guard; called once the lock is held
   * @param <R> the body's value type
   */
  public <R> Future<R> withLock(ThrowingFunction<? super MutexGuard<T>, ? extends Future<R>> body) {
    Objects.requireNonNull(body, "body");
    return lock().flatMap(guard -> Futures.using(guard, body));
  }

  /**
   * Locks the mutex if it is free now and nobody is queued for it.
   *
   * @return the guard, or empty if the lock is held or waited for
   */
  public Optional<MutexGuard<T>> tryLock() {
    return semaphore.tryAcquire(1) == BatchSemaphore.ACQUIRED
        ? Optional.of(new MutexGuard<>(this))
        : Optional.empty();
  }

  /** {@return whether the lock is held or waited for now (a snapshot, for diagnostics)} */
  public boolean isLocked() {
    return semaphore.available() == 0;
  }

  T value() {
    return value;
  }

  void value(T newValue) {
    value = newValue;
  }

  void unlock() {
    semaphore.release(1);
  }

  @Override
  public String toString() {
    return "Mutex{" + (isLocked() ? "locked" : "unlocked") + "}";
  }
}
