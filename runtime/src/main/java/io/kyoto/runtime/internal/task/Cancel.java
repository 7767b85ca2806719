package io.kyoto.runtime.internal.task;

import io.kyoto.runtime.Future;

/**
 * The drop of a future whose {@code poll} threw. Java has no destructors: where tokio drops a
 * future that panicked (and so releases its timer entries, waiter nodes and I/O interest), the
 * owner of a Kyoto future calls its {@code cancel()} once. Every owner does it: the task harness,
 * the {@code blockOn} loops, and each combinator that drops a failed child instead of passing the
 * failure up with the child still in place (a combinator that lets the failure through keeps the
 * child, and its own {@code cancel()}, called by its owner, reaches it).
 */
public final class Cancel {
  private Cancel() {}

  /**
   * Cancels {@code future}, whose {@code poll} just threw {@code failure}. Whatever {@code
   * cancel()} throws is added to {@code failure} as suppressed (as try-with-resources does with a
   * failing {@code close()}), unless it is {@code failure} itself; the failure stays the same
   * instance, with the same cause.
   *
   * @param future the failed future, or null (nothing to cancel)
   * @param failure what its {@code poll} threw
   * @param <E> the failure's type
   * @return {@code failure}, to rethrow
   */
  public static <E extends Throwable> E afterFailure(Future<?> future, E failure) {
    if (future != null) {
      try {
        future.cancel();
      } catch (Throwable t) {
        if (t != failure) {
          failure.addSuppressed(t);
        }
      }
    }
    return failure;
  }
}
