package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.ThrowingBiFunction;
import io.kyoto.runtime.ThrowingFunction;
import java.util.Objects;
import java.util.Optional;

/**
 * Extracts one typed value from a request, or rejects it: warp's {@code Filter}. The router runs a
 * route's filters in order and hands their values to the handler as typed arguments, so no tuple
 * types ever appear in user code.
 *
 * <p>Most filters come from {@link Filters} (path parameters, query, headers, bodies) and {@link
 * Json}. Write your own with {@link #of} (no I/O, no future allocated) or as a lambda returning a
 * future. Reject by throwing (or failing with) a {@link Rejection}; any other exception is a server
 * error (500).
 *
 * {@snippet :
 * Filter<User> user = Filter.of(ex -> sessions.find(ex.request().header("authorization")));
 * }
 *
 * @param <T> the extracted value's type
 */
@FunctionalInterface
public interface Filter<T> {
  /**
   * Extracts the value.
   *
   * @param exchange the request being routed, with its path parameters
   * @return a future of the value, failing with a {@link Rejection} to reject the request
   */
  Future<T> extract(Exchange exchange);

  /**
   * {@return a filter that computes its value at once, without I/O} It costs no future allocation
   * on the routing path.
   *
   * @param fn computes the value; throws a {@link Rejection} to reject
   * @param <T> the value type
   */
  static <T> Filter<T> of(ThrowingFunction<Exchange, T> fn) {
    return new SyncFilter<>(Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return this filter with {@code fn} applied to its value}
   *
   * @param fn the mapping; a {@link Rejection} it throws rejects the request
   * @param <U> the new type
   */
  default <U> Filter<U> map(ThrowingFunction<? super T, ? extends U> fn) {
    Objects.requireNonNull(fn, "fn");
    return ex -> extract(ex).map(fn);
  }

  /**
   * {@return this filter followed by an asynchronous step} warp's {@code and_then}.
   *
   * @param fn the next step, given this filter's value
   * @param <U> the new type
   */
  default <U> Filter<U> flatMap(ThrowingFunction<? super T, ? extends Future<U>> fn) {
    Objects.requireNonNull(fn, "fn");
    return ex -> extract(ex).flatMap(fn);
  }

  /**
   * {@return a filter of this filter's and {@code other}'s values combined by {@code combine}}
   * {@code this} runs first. Use it to group values into a record, for example to pass more than
   * four to a handler.
   *
   * {@snippet :
   * record Page(int number, int size) {}
   * Filter<Page> page = queryOr("page", Parser.INT, 1).and(queryOr("size", Parser.INT, 20), Page::new);
   * }
   *
   * @param other the second filter
   * @param combine combines the two values; a {@link Rejection} it throws rejects the request
   * @param <B> the second filter's type
   * @param <R> the combined type
   */
  default <B, R> Filter<R> and(
      Filter<B> other, ThrowingBiFunction<? super T, ? super B, ? extends R> combine) {
    Objects.requireNonNull(other, "other");
    Objects.requireNonNull(combine, "combine");
    Filter<T> self = this;
    if (self instanceof SyncFilter<T> a && other instanceof SyncFilter<B> b) {
      return new SyncFilter<>(ex -> combine.apply(a.get(ex), b.get(ex)));
    }
    return ex -> self.extract(ex).flatMap(t -> other.extract(ex).map(u -> combine.apply(t, u)));
  }

  /** {@return this filter, but empty instead of rejecting} Other failures still fail. */
  default Filter<Optional<T>> optional() {
    Filter<T> self = this;
    if (self instanceof SyncFilter<T> s) {
      return new SyncFilter<>(
          ex -> {
            try {
              return Optional.ofNullable(s.get(ex));
            } catch (Rejection r) {
              return Optional.empty();
            }
          });
    }
    return ex ->
        self.extract(ex)
            .map(Optional::ofNullable)
            .recoverWith(
                e -> e instanceof Rejection ? Futures.ready(Optional.empty()) : Futures.failed(e));
  }
}
