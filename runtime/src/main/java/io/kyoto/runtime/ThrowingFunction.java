package io.kyoto.runtime;

/**
 * A {@code java.util.function.Function} that may throw a checked exception, so that I/O calls fit
 * in combinators without wrapping. An exception thrown here fails the future it belongs to.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingFunction<T, R> {
  /**
   * Runs the function.
   *
   * @param t the argument
   * @return the result
   * @throws Exception any failure
   */
  R apply(T t) throws Exception;
}
