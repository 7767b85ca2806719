package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.ThrowingFunction;

/** A filter that needs no I/O: the router calls {@link #get} directly, without a future. */
final class SyncFilter<T> implements Filter<T> {
  private final ThrowingFunction<Exchange, T> fn;

  /** The path parameter this filter reads, checked against the pattern at registration; or null. */
  final String pathParam;

  SyncFilter(ThrowingFunction<Exchange, T> fn) {
    this(fn, null);
  }

  SyncFilter(ThrowingFunction<Exchange, T> fn, String pathParam) {
    this.fn = fn;
    this.pathParam = pathParam;
  }

  T get(Exchange exchange) throws Exception {
    return fn.apply(exchange);
  }

  @Override
  public Future<T> extract(Exchange exchange) {
    try {
      return Futures.ready(fn.apply(exchange));
    } catch (Exception e) {
      return Futures.failed(e);
    }
  }

  @Override
  public <U> Filter<U> map(ThrowingFunction<? super T, ? extends U> f) {
    return new SyncFilter<U>(ex -> f.apply(fn.apply(ex)), pathParam);
  }
}
