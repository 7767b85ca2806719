package io.kyoto.runtime.sync;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.internal.sync.AcquireFuture;
import io.kyoto.runtime.internal.sync.BatchSemaphore;
import java.util.Objects;
import java.util.Optional;

/**
 * An asynchronous reader-writer lock around a value (tokio's {@code RwLock}): any number of readers
 * at once, or one writer.
 *
 * <p>{@link #read()} is a future of a {@link RwLockReadGuard}, {@link #write()} of a {@link
 * RwLockWriteGuard}; closing the guard releases the lock.
 *
 * {@snippet :
 * RwLock<Config> config = new RwLock<>(Config.defaults());
 * Future<String> name = config.read().map(guard -> {
 *   try (guard) {
 *     return guard.get().name();
 *   }
 * });
 * }
 *
 * <p><b>Fairness:</b> fair and write-preferring, through one FIFO queue: the lock is a {@link
 * Semaphore} of {@link #maxReaders()} permits; a reader takes one, a writer all of them. A reader
 * that comes after a queued writer waits behind it even while other readers hold the lock, so
 * writers are never starved; readers queued behind a writer are let in together once it is done.
 *
 * <p><b>Memory consistency:</b> closing a write guard happens-before every later guard; closing a
 * read guard happens-before the next write guard.
 *
 * <p><b>Thread safety:</b> thread safe. The guarded value is shared by concurrent readers, so it
 * should be immutable, or safe to read from several threads.
 *
 * @param <T> the value's type
 */
public final class RwLock<T> {
  /** The most concurrent readers a lock allows, and the default: {@code 2^29 - 1}, as tokio's. */
  public static final int MAX_READS = (1 << 29) - 1;

  private final BatchSemaphore semaphore;
  private final int maxReaders;
  private T value; // read under a read permit, written under all of them

  /**
   * Creates an unlocked lock allowing up to {@link #MAX_READS} readers at once.
   *
   * @param value the initial value, may be null
   */
  public RwLock(T value) {
    this(value, MAX_READS);
  }

  /**
   * Creates an unlocked lock allowing at most {@code maxReaders} readers at once (tokio's {@code
   * with_max_readers}).
   *
   * @param value the initial value, may be null
   * @param maxReaders from 1 to {@link #MAX_READS}
   * @throws IllegalArgumentException if {@code maxReaders} is out of range
   */
  public RwLock(T value, int maxReaders) {
    if (maxReaders < 1 || maxReaders > MAX_READS) {
      throw new IllegalArgumentException(
          "a RwLock may not be created with more than " + MAX_READS + " readers: " + maxReaders);
    }
    this.value = value;
    this.maxReaders = maxReaders;
    this.semaphore = new BatchSemaphore(maxReaders);
  }

  /** {@return the most readers that may hold the lock at once} */
  public int maxReaders() {
    return maxReaders;
  }

  /**
   * {@return a future of shared read access} Waits while a writer holds the lock or is queued
   * ahead, or while {@link #maxReaders()} readers hold it.
   *
   * <p><b>Cancel safety:</b> this method uses a queue to fairly distribute locks in the order they
   * were requested. Cancelling a call to {@code read} makes you lose your place in the queue. A
   * read lock already handed to the cancelled call is released again.
   */
  public Future<RwLockReadGuard<T>> read() {
    return new AcquireFuture<>(
        semaphore.acquire(1), () -> new RwLockReadGuard<>(this), RwLock::neverClosed);
  }

  /**
   * {@return a future of exclusive write access} Waits until no reader or writer holds the lock and
   * every earlier request was served. While it waits at the head of the queue it holds the read
   * slots released so far, so no new reader gets in.
   *
   * <p><b>Cancel safety:</b> this method uses a queue to fairly distribute locks in the order they
   * were requested. Cancelling a call to {@code write} makes you lose your place in the queue. The
   * read slots it gathered are passed on to the next waiters, so no capacity is lost.
   */
  public Future<RwLockWriteGuard<T>> write() {
    return new AcquireFuture<>(
        semaphore.acquire(maxReaders), () -> new RwLockWriteGuard<>(this), RwLock::neverClosed);
  }

  /**
   * {@return a future that runs {@code body} with a read lock held} {@link #read()}, then {@link
   * io.kyoto.runtime.Futures#using} with the guard: the read lock is released when the body's
   * future completes, fails or is cancelled.
   *
   * @param body the work to do with the guard; called once the read lock is held
   * @param <R> the body's value type
   */
  public <R> Future<R> withRead(
      ThrowingFunction<? super RwLockReadGuard<T>, ? extends Future<R>> body) {
    Objects.requireNonNull(body, "body");
    return read().flatMap(guard -> Futures.using(guard, body));
  }

  /**
   * {@return a future that runs {@code body} with the write lock held} {@link #write()}, then
   * {@link io.kyoto.runtime.Futures#using} with the guard: the write lock is released when the
   * body's future completes, fails or is cancelled.
   *
   * @param body the work to do with the guard; called once the write lock is held
   * @param <R> the body's value type
   */
  public <R> Future<R> withWrite(
      ThrowingFunction<? super RwLockWriteGuard<T>, ? extends Future<R>> body) {
    Objects.requireNonNull(body, "body");
    return write().flatMap(guard -> Futures.using(guard, body));
  }

  /**
   * Takes a read lock if that is possible now without waiting.
   *
   * @return the guard, or empty if a writer holds or waits for the lock, or all reader slots are
   *     taken
   */
  public Optional<RwLockReadGuard<T>> tryRead() {
    return semaphore.tryAcquire(1) == BatchSemaphore.ACQUIRED
        ? Optional.of(new RwLockReadGuard<>(this))
        : Optional.empty();
  }

  /**
   * Takes the write lock if nobody holds or waits for the lock now.
   *
   * @return the guard, or empty
   */
  public Optional<RwLockWriteGuard<T>> tryWrite() {
    return semaphore.tryAcquire(maxReaders) == BatchSemaphore.ACQUIRED
        ? Optional.of(new RwLockWriteGuard<>(this))
        : Optional.empty();
  }

  private static Exception neverClosed() {
    return new IllegalStateException("a RwLock's semaphore is never closed");
  }

  T value() {
    return value;
  }

  void value(T newValue) {
    value = newValue;
  }

  void release(int permits) {
    semaphore.release(permits);
  }

  @Override
  public String toString() {
    long free = semaphore.available();
    return "RwLock{maxReaders=" + maxReaders + ", free read slots=" + free + "}";
  }
}
