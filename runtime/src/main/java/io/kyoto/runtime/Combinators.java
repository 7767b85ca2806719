package io.kyoto.runtime;

/**
 * The futures behind {@link Future}'s combinator methods. Each holds the future it is waiting on
 * and forgets it once it has produced its value, so a completed chain does not retain its steps.
 */
final class Combinators {
  private Combinators() {}

  /** {@code future.map(fn)}. */
  static final class Map<T, U> implements Future<U> {
    private Future<T> inner;
    private final ThrowingFunction<? super T, ? extends U> fn;

    Map(Future<T> inner, ThrowingFunction<? super T, ? extends U> fn) {
      this.inner = inner;
      this.fn = fn;
    }

    @Override
    public Poll<U> poll(Context cx) throws Exception {
      Poll<T> p = inner.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      inner = Futures.done();
      return Poll.ready(fn.apply(p.value()));
    }

    @Override
    public void cancel() {
      inner.cancel();
    }
  }

  /** {@code future.flatMap(fn)}. */
  static final class FlatMap<T, U> implements Future<U> {
    private Future<T> first;
    private Future<U> second;
    private final ThrowingFunction<? super T, ? extends Future<U>> fn;

    FlatMap(Future<T> first, ThrowingFunction<? super T, ? extends Future<U>> fn) {
      this.first = first;
      this.fn = fn;
    }

    @Override
    public Poll<U> poll(Context cx) throws Exception {
      if (second == null) {
        Poll<T> p = first.poll(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        first = null;
        Future<U> next = fn.apply(p.value());
        if (next == null) {
          throw new NullPointerException("flatMap's function returned null instead of a future");
        }
        second = next;
      }
      return second.poll(cx);
    }

    @Override
    public void cancel() {
      if (second != null) {
        second.cancel();
      } else if (first != null) {
        first.cancel();
      }
    }
  }

  /** {@code future.handle(fn)}: sees the value or the failure. */
  static final class Handle<T, U> implements Future<U> {
    private Future<T> inner;
    private final ThrowingBiFunction<? super T, ? super Exception, ? extends U> fn;

    Handle(Future<T> inner, ThrowingBiFunction<? super T, ? super Exception, ? extends U> fn) {
      this.inner = inner;
      this.fn = fn;
    }

    @Override
    public Poll<U> poll(Context cx) throws Exception {
      Poll<T> p;
      try {
        p = inner.poll(cx);
      } catch (Exception e) {
        inner = Futures.done();
        return Poll.ready(fn.apply(null, e));
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      inner = Futures.done();
      return Poll.ready(fn.apply(p.value(), null));
    }

    @Override
    public void cancel() {
      inner.cancel();
    }
  }

  /** {@code future.recoverWith(fn)}: continues with another future after the outcome. */
  static final class HandleWith<T, U> implements Future<U> {
    private Future<T> first;
    private Future<U> second;
    private final ThrowingBiFunction<? super T, ? super Exception, ? extends Future<U>> fn;

    HandleWith(
        Future<T> first, ThrowingBiFunction<? super T, ? super Exception, ? extends Future<U>> fn) {
      this.first = first;
      this.fn = fn;
    }

    @Override
    public Poll<U> poll(Context cx) throws Exception {
      if (second == null) {
        Poll<T> p;
        Exception error = null;
        try {
          p = first.poll(cx);
          if (p.isPending()) {
            return Poll.pending();
          }
        } catch (Exception e) {
          p = null;
          error = e;
        }
        first = null;
        Future<U> next = error == null ? fn.apply(p.value(), null) : fn.apply(null, error);
        if (next == null) {
          throw new NullPointerException(
              "recoverWith's function returned null instead of a future");
        }
        second = next;
      }
      return second.poll(cx);
    }

    @Override
    public void cancel() {
      if (second != null) {
        second.cancel();
      } else if (first != null) {
        first.cancel();
      }
    }
  }
}
