package io.kyoto.runtime;

import java.util.Objects;

/**
 * A value that becomes available later: the poll-based future of tokio, in Java.
 *
 * <p>A future is <em>lazy</em>: nothing happens until something polls it, normally the task that
 * owns it ({@link Task#spawn}, {@link Runtime#blockOn}). {@link #poll(Context)} either returns
 * {@link Poll#ready(Object) ready} with the value, or {@link Poll#pending() pending} after
 * arranging for {@link Context#waker()} to be woken when it is worth polling again. A failure is an
 * exception thrown from {@code poll}. Once ready or failed, a future must not be polled again.
 *
 * <h2>Cancellation</h2>
 *
 * <p>Java has no destructors, so cancellation is explicit: {@link #cancel()} releases whatever the
 * future registered (a timer entry, a waiter node, I/O interest) and cancels the futures it owns.
 * Combinators, {@code select} and task abort call it on the futures they drop. After {@code
 * cancel()} the future must not be polled. It is idempotent, and a no-op for futures that hold
 * nothing.
 *
 * <p>A future whose {@code poll} threw is dropped too: {@code cancel()} must be safe to call after
 * {@code poll} threw; owners call it. The task harness, {@link Runtime#blockOn} and every
 * combinator that drops a failed future (a join, a race, {@link #recover}) call its {@code
 * cancel()} once before passing the failure on, so that what it still held (say, a semaphore
 * acquire it created and left queued) is released, as tokio's drop of a future that panicked
 * releases it. The failure itself goes on unchanged: the same exception, with the same cause; if
 * {@code cancel()} throws too, that exception is {@linkplain Throwable#addSuppressed added as
 * suppressed} to the failure. A combinator that lets a child's failure through and keeps the child
 * may leave the cancel to its own {@code cancel()}, which its owner calls.
 *
 * <h2>Writing code with futures</h2>
 *
 * <p>Chain steps with {@link #map}, {@link #flatMap}, {@link #recover} and {@link #handle}; build
 * loops with {@link Futures#loop}; run work concurrently with {@link Task#spawn} and {@link
 * Futures#join}. Hand-written {@code poll} methods are for library authors.
 *
 * <p>
 *
 * {@snippet :
 * Future<Integer> length = readName().map(String::length).recover(error -> 0);
 * }
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface Future<T> {
  /**
   * Attempts to make progress.
   *
   * @param cx the context of the polling task: its waker and coop budget
   * @return the value, or {@link Poll#pending()} after arranging a wake-up through {@code cx}
   * @throws Exception the future's failure
   */
  Poll<T> poll(Context cx) throws Exception;

  /**
   * Releases what this future registered and cancels the futures it owns. Idempotent, and safe to
   * call after {@link #poll} threw (its owner then calls it once, as a drop). The default does
   * nothing, which is right for futures that register nothing.
   */
  default void cancel() {}

  /**
   * {@return a future of {@code fn} applied to this future's value}
   *
   * <p>An exception thrown by {@code fn} fails the returned future.
   *
   * @param fn the function
   * @param <U> the new value's type
   */
  default <U> Future<U> map(ThrowingFunction<? super T, ? extends U> fn) {
    return new Combinators.Map<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a future that runs the future {@code fn} returns for this future's value} Also known
   * as {@code andThen} or {@code then}.
   *
   * @param fn the next step
   * @param <U> the next step's value type
   */
  default <U> Future<U> flatMap(ThrowingFunction<? super T, ? extends Future<U>> fn) {
    return new Combinators.FlatMap<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a future that replaces this future's failure with {@code fn}'s value}
   *
   * @param fn maps the failure to a value, or throws to fail anyway
   */
  default Future<T> recover(ThrowingFunction<? super Exception, ? extends T> fn) {
    Objects.requireNonNull(fn, "fn");
    return new Combinators.Handle<>(
        this,
        (value, error) -> {
          if (error != null) {
            return fn.apply(error);
          }
          return value;
        });
  }

  /**
   * {@return a future that continues with the future {@code fn} returns for this future's failure}
   *
   * @param fn maps the failure to a fallback future
   */
  default Future<T> recoverWith(ThrowingFunction<? super Exception, ? extends Future<T>> fn) {
    Objects.requireNonNull(fn, "fn");
    return new Combinators.HandleWith<>(
        this, (value, error) -> error != null ? fn.apply(error) : Futures.ready(value));
  }

  /**
   * {@return a future of {@code fn} applied to this future's outcome}
   *
   * <p>{@code fn} receives the value and null on success, or null and the exception on failure.
   *
   * @param fn the function
   * @param <U> the new value's type
   */
  default <U> Future<U> handle(ThrowingBiFunction<? super T, ? super Exception, ? extends U> fn) {
    return new Combinators.Handle<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a future that runs {@code action} with the value, then completes with it unchanged}
   *
   * @param action the side effect; if it throws, the returned future fails
   */
  default Future<T> inspect(ThrowingConsumer<? super T> action) {
    Objects.requireNonNull(action, "action");
    return map(
        value -> {
          action.accept(value);
          return value;
        });
  }

  /** {@return a future that completes with {@code null} when this one completes} */
  default Future<Void> discard() {
    return map(value -> null);
  }

  /**
   * {@return a future that fails with {@link java.util.concurrent.TimeoutException} if this one is
   * not done within {@code duration}} As tokio's {@code timeout}, this future is polled before the
   * deadline is checked, so a future that is ready at once always succeeds. On timeout this future
   * is cancelled. Needs a runtime with time enabled.
   *
   * @param duration the time limit
   */
  default Future<T> timeout(java.time.Duration duration) {
    return Time.timeout(duration, this);
  }
}
