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

  /**
   * Records {@code thrown}, what one of several {@code cancel()} calls that must all run threw: the
   * first such exception goes on and later ones are added to it as suppressed, so that a throwing
   * {@code cancel()} does not stop the others from releasing what they hold. Call {@link #rethrow}
   * with the result once every {@code cancel()} has run.
   *
   * @param first what was recorded so far, or null
   * @param thrown what the latest {@code cancel()} threw, or null (nothing)
   * @return the exception to rethrow, or null
   */
  public static Throwable collect(Throwable first, Throwable thrown) {
    if (first == null) {
      return thrown;
    }
    if (thrown != null && thrown != first) {
      first.addSuppressed(thrown);
    }
    return first;
  }

  /**
   * Rethrows what {@link #collect} gathered, unchanged; does nothing if it is null.
   *
   * @param thrown what {@code collect} returned, or null
   */
  public static void rethrow(Throwable thrown) {
    if (thrown != null) {
      Cancel.<RuntimeException>throwAs(thrown);
    }
  }

  /** {@code cancel()} declares nothing, but may still throw a checked exception: keep it as is. */
  @SuppressWarnings("unchecked") // the cast is erased: t is thrown unchanged
  private static <E extends Throwable> void throwAs(Throwable t) throws E {
    throw (E) t;
  }
}
