package io.kyoto.runtime.sync;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.internal.sync.AcquireFuture;
import io.kyoto.runtime.internal.sync.BatchSemaphore;
import java.util.Objects;

/**
 * A counting semaphore for tasks, fair across every kind of request (tokio's {@code Semaphore}).
 *
 * <p>A semaphore holds a number of permits. {@link #acquire()} waits for one, {@link #acquire(int)}
 * for several at once; the result is a {@link SemaphorePermit} that gives them back when
 * {@linkplain SemaphorePermit#close() closed}, so try-with-resources scopes it:
 *
 * {@snippet :
 * Semaphore limit = new Semaphore(10);
 * Future<Integer> result = limit.acquire().map(permit -> {
 *   try (permit) {
 *     return compute();
 *   }
 * });
 * }
 *
 * <p>To hold a permit across awaits, use {@link #withPermit} (or scope a permit with {@link
 * io.kyoto.runtime.Futures#using}): the permit goes back when the work completes or fails, and also
 * when it is cancelled (a timeout, a lost select, an aborted task), which a release in {@code
 * handle(...)} would miss:
 *
 * {@snippet :
 * Future<Response> call = limit.withPermit(() -> client.get(url));
 * }
 *
 * <h2>Fairness</h2>
 *
 * <p>Waiters are served strictly in the order they first polled their acquire futures, batch
 * requests included: a request for many permits at the head of the queue receives released permits
 * as they come (holding them while it waits for the rest), and every later request, however small,
 * waits behind it. {@link #tryAcquire()} never overtakes a queued waiter.
 *
 * <h2>Permits in Java</h2>
 *
 * <p>There are no lifetimes to track, so one {@link SemaphorePermit} type plays the roles of
 * tokio's borrowed and owned permits ({@code acquire_owned} and friends are simply {@link
 * #acquire()}): a permit refers to its semaphore and may move between tasks and threads. It returns
 * its permits exactly once, however often it is closed; {@link SemaphorePermit#forget()} drops them
 * for good. A permit that is neither closed nor forgotten is lost, as one leaked with {@code
 * mem::forget} in Rust.
 *
 * <h2>Closing</h2>
 *
 * <p>{@link #close()} fails every queued acquire future and every later one with {@link
 * AcquireException}, and makes {@link #tryAcquire()} fail with reason {@link
 * TryAcquireException.Reason#CLOSED}. Permits returned afterwards still count in {@link
 * #availablePermits()}.
 *
 * <p><b>Memory consistency:</b> releasing permits happens-before the acquisition that receives
 * them.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Semaphore {
  /** The most permits a semaphore can hold: {@code Long.MAX_VALUE >>> 3}, as tokio's. */
  public static final long MAX_PERMITS = BatchSemaphore.MAX_PERMITS;

  private final BatchSemaphore engine;

  /**
   * Creates a semaphore with {@code permits} permits.
   *
   * @param permits the initial permits, from 0 to {@link #MAX_PERMITS}
   * @throws IllegalArgumentException if {@code permits} is out of range
   */
  public Semaphore(long permits) {
    this.engine = new BatchSemaphore(permits);
  }

  /** {@return the number of permits available now} */
  public long availablePermits() {
    return engine.available();
  }

  /**
   * Adds {@code n} permits: queued waiters are served first, in order; the rest become available.
   *
   * @param n the permits to add
   * @throws IllegalArgumentException if {@code n} is negative, or the available permits would pass
   *     {@link #MAX_PERMITS}
   */
  public void addPermits(long n) {
    engine.release(n);
  }

  /**
   * Removes up to {@code n} of the available permits for good (tokio's {@code forget_permits}).
   * Permits held by permits objects or assigned to waiters are not touched.
   *
   * @param n the most permits to remove
   * @return the number actually removed
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public long forgetPermits(long n) {
    return engine.forget(n);
  }

  /**
   * {@return a future of one permit} Equivalent to {@link #acquire(int) acquire(1)}.
   *
   * <p><b>Cancel safety:</b> this method uses a queue to fairly distribute permits in the order
   * they were requested. Cancelling a call to {@code acquire} makes you lose your place in the
   * queue. No permit is lost: any permit already assigned to the cancelled call goes to the next
   * waiters, or back to the semaphore.
   */
  public Future<SemaphorePermit> acquire() {
    return acquire(1);
  }

  /**
   * {@return a future that runs {@code body} while holding one permit} Kotlin's {@code withPermit}:
   * {@link #acquire()}, then {@link io.kyoto.runtime.Futures#using} with the permit, so the permit
   * goes back when the body's future completes, fails or is cancelled.
   *
   * {@snippet :
   * Future<Response> call = limit.withPermit(() -> client.get(url));
   * }
   *
   * <p><b>Cancel safety:</b> as {@link #acquire()} while waiting, then as cancel safe as the body;
   * the permit is returned either way.
   *
   * @param body makes the work to do with the permit held; called once the permit is acquired
   * @param <T> the body's value type
   */
  public <T> Future<T> withPermit(ThrowingSupplier<? extends Future<T>> body) {
    Objects.requireNonNull(body, "body");
    return acquire().flatMap(permit -> Futures.using(permit, p -> body.get()));
  }

  /**
   * {@return a future of {@code n} permits, acquired together} (tokio's {@code acquire_many}). The
   * future fails with {@link AcquireException} if the semaphore is closed first. The request joins
   * the queue at its first poll; until all {@code n} permits are there it holds the ones it got.
   * Asking for more permits than the semaphore will ever have waits forever.
   *
   * <p><b>Cancel safety:</b> this method uses a queue to fairly distribute permits in the order
   * they were requested. Cancelling a call to {@code acquire} makes you lose your place in the
   * queue. No permit is lost: the permits assigned in part to the cancelled call go to the next
   * waiters, or back to the semaphore.
   *
   * @param n the number of permits, at least 0
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public Future<SemaphorePermit> acquire(int n) {
    return new AcquireFuture<>(
        engine.acquire(n), () -> new SemaphorePermit(this, n), AcquireException::new);
  }

  /**
   * Takes one permit if one is available now and nobody is queued ahead.
   *
   * @return the permit
   * @throws TryAcquireException with reason {@code NO_PERMITS} or {@code CLOSED}
   */
  public SemaphorePermit tryAcquire() throws TryAcquireException {
    return tryAcquire(1);
  }

  /**
   * Takes {@code n} permits if they are all available now (tokio's {@code try_acquire_many}).
   *
   * @param n the number of permits, at least 0
   * @return the permits
   * @throws TryAcquireException with reason {@code NO_PERMITS} or {@code CLOSED}
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public SemaphorePermit tryAcquire(int n) throws TryAcquireException {
    return switch (engine.tryAcquire(n)) {
      case BatchSemaphore.ACQUIRED -> new SemaphorePermit(this, n);
      case BatchSemaphore.CLOSED ->
          throw new TryAcquireException(TryAcquireException.Reason.CLOSED);
      default -> throw new TryAcquireException(TryAcquireException.Reason.NO_PERMITS);
    };
  }

  /**
   * Closes the semaphore: queued and later acquire futures fail with {@link AcquireException}, and
   * {@link #tryAcquire()} fails with reason {@code CLOSED}. Permits held by permit objects can
   * still be returned. Idempotent.
   */
  public void close() {
    engine.close();
  }

  /** {@return whether the semaphore was closed} */
  public boolean isClosed() {
    return engine.isClosed();
  }

  void release(long n) {
    engine.release(n);
  }

  @Override
  public String toString() {
    return "Semaphore{available=" + availablePermits() + (isClosed() ? ", closed" : "") + "}";
  }
}
