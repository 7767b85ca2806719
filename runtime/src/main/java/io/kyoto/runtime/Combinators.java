package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.Cancel;

/**
 * The futures behind {@link Future}'s combinator methods. Each holds the future it is waiting on
 * and forgets it once it has produced its value, so a completed chain does not retain its steps.
 */
final class Combinators {
  private static String describe(String name, Object first, Object second) {
    Object current = second != null ? second : first;
    return name + "[" + io.kyoto.runtime.internal.task.Describe.of(current) + "]";
  }

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

    @Override
    public String toString() {
      return describe("Map", inner, null);
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

    @Override
    public String toString() {
      return describe("FlatMap", first, second);
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
        Cancel.afterFailure(inner, e); // the failed future is dropped here, not passed up
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

    @Override
    public String toString() {
      return describe("Handle", inner, null);
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
          Cancel.afterFailure(first, e); // the failed future is dropped here, not passed up
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

    @Override
    public String toString() {
      return describe("RecoverWith", first, second);
    }
  }

  /** {@link Futures#fromCompletionStage}: the stage's callback stores the outcome and wakes. */
  static final class FromStage<T> implements Future<T> {
    private final java.util.concurrent.CompletionStage<? extends T> stage;
    private volatile Waker waker;
    private volatile boolean done;
    private T value;
    private Throwable error;
    private boolean subscribed;

    FromStage(java.util.concurrent.CompletionStage<? extends T> stage) {
      this.stage = stage;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      if (!done) {
        waker = cx.waker();
        if (!subscribed) {
          subscribed = true;
          stage.whenComplete(
              (v, e) -> {
                value = v;
                error = e;
                done = true; // publishes value and error
                Waker w = waker;
                if (w != null) w.wake();
              });
        }
        if (!done) return Poll.pending();
      }
      Throwable e = error;
      if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
        e = e.getCause();
      }
      if (e == null) return Poll.ready(value);
      if (e instanceof Exception ex) throw ex;
      if (e instanceof Error err) throw err;
      throw new java.util.concurrent.ExecutionException(e);
    }

    @Override
    public void cancel() {
      if (done) return;
      try {
        stage.toCompletableFuture().cancel(false);
      } catch (UnsupportedOperationException e) {
        // a stage that cannot be cancelled completes on its own; its outcome is ignored
      }
    }

    @Override
    public String toString() {
      return "FromCompletionStage[" + (done ? "done" : "pending") + "]";
    }
  }

  /** {@link Futures#lazy}: one object instead of a ready future, a flat-map and its lambda. */
  static final class Lazy<T> implements Future<T> {
    private ThrowingSupplier<? extends Future<T>> supplier;
    private Future<T> inner;

    Lazy(ThrowingSupplier<? extends Future<T>> supplier) {
      this.supplier = supplier;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      Future<T> f = inner;
      if (f == null) {
        ThrowingSupplier<? extends Future<T>> s = supplier;
        if (s == null) throw new IllegalStateException("lazy future polled after it was cancelled");
        supplier = null;
        f = java.util.Objects.requireNonNull(s.get(), "the lazy future's supplier returned null");
        inner = f;
      }
      return f.poll(cx);
    }

    @Override
    public void cancel() {
      supplier = null;
      Future<T> f = inner;
      if (f != null) f.cancel();
    }

    @Override
    public String toString() {
      Future<T> f = inner;
      return f == null
          ? "Lazy[not started]"
          : "Lazy[" + io.kyoto.runtime.internal.task.Describe.of(f) + "]";
    }
  }
}
