package io.kyoto.runtime;

/**
 * A {@code java.util.function.Consumer} that may throw a checked exception, so that I/O calls fit
 * in combinators without wrapping. An exception thrown here fails the future it belongs to.
 *
 * @param <T> the argument type
 */
@FunctionalInterface
public interface ThrowingConsumer<T> {
  /**
   * Runs the function.
   *
   * @param t the argument
   * @throws Exception any failure
   */
  void accept(T t) throws Exception;
}
