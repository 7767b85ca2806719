package io.kyoto.runtime;

/**
 * A {@code java.util.function.Supplier} that may throw a checked exception, so that I/O calls fit
 * in combinators without wrapping. An exception thrown here fails the future it belongs to.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface ThrowingSupplier<T> {
  /**
   * Runs the function.
   *
   * @return the result
   * @throws Exception any failure
   */
  T get() throws Exception;
}
