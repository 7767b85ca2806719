package io.kyoto.runtime;

/**
 * A {@code java.util.function.Predicate} that may throw a checked exception, so that I/O calls fit
 * in combinators without wrapping. An exception thrown here fails the future or stream it belongs
 * to.
 *
 * @param <T> the argument type
 */
@FunctionalInterface
public interface ThrowingPredicate<T> {
  /**
   * Evaluates the predicate.
   *
   * @param t the argument
   * @return whether {@code t} matches
   * @throws Exception any failure
   */
  boolean test(T t) throws Exception;
}
