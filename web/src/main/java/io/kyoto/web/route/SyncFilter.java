package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.ThrowingFunction;

/** A filter that needs no I/O: the router calls {@link #get} directly, without a future. */
final class SyncFilter<T> implements Filter<T> {
  private final ThrowingFunction<Exchange, T> fn;

  /** The path parameter this filter reads, checked against the pattern at registration; or null. */
  final String pathParam;

  /**
   * Whether {@link #get} never rejects (a path parameter read as text): a route whose filters all
   * are such accepts every request that reaches it, so a later route for the same method and path
   * could never run (see {@link PathTrie#add}).
   */
  final boolean infallible;

  SyncFilter(ThrowingFunction<Exchange, T> fn) {
    this(fn, null);
  }

  SyncFilter(ThrowingFunction<Exchange, T> fn, String pathParam) {
    this(fn, pathParam, false);
  }

  SyncFilter(ThrowingFunction<Exchange, T> fn, String pathParam, boolean infallible) {
    this.fn = fn;
    this.pathParam = pathParam;
    this.infallible = infallible;
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
