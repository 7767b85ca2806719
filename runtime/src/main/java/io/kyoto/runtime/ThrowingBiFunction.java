package io.kyoto.runtime;

/**
 * A {@code java.util.function.BiFunction} that may throw a checked exception, so that I/O calls fit
 * in combinators without wrapping. An exception thrown here fails the future it belongs to.
 *
 * @param <T> the first argument's type
 * @param <U> the second argument's type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingBiFunction<T, U, R> {
  /**
   * Runs the function.
   *
   * @param t the first argument
   * @param u the second argument
   * @return the result
   * @throws Exception any failure
   */
  R apply(T t, U u) throws Exception;
}
