package io.kyoto.runtime;

/**
 * A {@code java.util.function.LongFunction} that may throw a checked exception: a function of a
 * primitive {@code long} (a loop index, for {@link Futures#repeat}), without boxing. An exception
 * thrown here fails the future it belongs to.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingLongFunction<R> {
  /**
   * Runs the function.
   *
   * @param value the argument
   * @return the result
   * @throws Exception any failure
   */
  R apply(long value) throws Exception;
}
