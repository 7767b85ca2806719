package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Interval;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Iterator;

/** The streams behind {@link Streams}' factories. */
final class SourceStreams {
  private SourceStreams() {}

  /** {@code Streams.fromIterable}: creates the iterator at the first poll; fused. */
  static final class IterableStream<T> implements Stream<T> {
    private Iterable<? extends T> iterable;
    private Iterator<? extends T> iterator;

    IterableStream(Iterable<? extends T> iterable) {
      this.iterable = iterable;
    }

    @Override
    public Poll<T> pollNext(Context cx) {
      Iterator<? extends T> it = iterator;
      if (it == null) {
        if (iterable == null) {
          return Stream.end();
        }
        it = iterator = iterable.iterator();
        iterable = null;
      }
      if (!it.hasNext()) {
        cancel();
        return Stream.end();
      }
      T item = it.next();
      if (item == null) {
        cancel();
        throw StreamPolls.nullItem("the iterator");
      }
      return Poll.ready(item);
    }

    @Override
    public void cancel() {
      iterable = null;
      iterator = null;
    }
  }

  /** {@code Streams.once(value)}. */
  static final class OnceStream<T> implements Stream<T> {
    private Poll<T> item;

    OnceStream(T value) {
      this.item = Poll.ready(value);
    }

    @Override
    public Poll<T> pollNext(Context cx) {
      Poll<T> p = item;
      item = null;
      return p == null ? Stream.end() : p;
    }

    @Override
    public void cancel() {
      item = null;
    }
  }

  /** {@code Streams.repeat(value)}: the same poll object every time, so it allocates nothing. */
  static final class RepeatStream<T> implements Stream<T> {
    private final Poll<T> item;

    RepeatStream(T value) {
      this.item = Poll.ready(value);
    }

    @Override
    public Poll<T> pollNext(Context cx) {
      return item;
    }
  }

  /** {@code Streams.iterate(seed, next)}. */
  static final class IterateStream<T> implements Stream<T> {
    private final ThrowingFunction<? super T, ? extends T> next;
    private T value;
    private boolean started;

    IterateStream(T seed, ThrowingFunction<? super T, ? extends T> next) {
      this.value = seed;
      this.next = next;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      if (started) {
        T v = next.apply(value);
        if (v == null) {
          throw StreamPolls.nullItem("iterate's function");
        }
        value = v;
      }
      started = true;
      return Poll.ready(value);
    }
  }

  /** {@code Streams.unfold(initial, step)}. */
  static final class UnfoldStream<T, S> implements Stream<T> {
    private final ThrowingFunction<? super S, ? extends Future<Streams.Unfold<T, S>>> step;
    private S state;
    private Future<Streams.Unfold<T, S>> current;
    private boolean done;

    UnfoldStream(
        S initial, ThrowingFunction<? super S, ? extends Future<Streams.Unfold<T, S>>> step) {
      this.state = initial;
      this.step = step;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      if (done) {
        return Stream.end();
      }
      if (current == null) {
        Future<Streams.Unfold<T, S>> f = step.apply(state);
        if (f == null) {
          done = true;
          throw new NullPointerException("unfold's step returned null instead of a future");
        }
        current = f;
      }
      Poll<Streams.Unfold<T, S>> p;
      try {
        p = current.poll(cx);
      } catch (Exception e) {
        Cancel.afterFailure(current, e);
        current = null;
        done = true;
        throw e;
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      current = null;
      switch (p.value()) {
        case Streams.Emit<T, S> emit -> {
          state = emit.state();
          return Poll.ready(emit.item());
        }
        case Streams.Done<T, S> d -> {
          done = true;
          state = null;
          return Stream.end();
        }
        case null -> {
          done = true;
          throw new NullPointerException("unfold's step completed with null instead of a step");
        }
      }
    }

    @Override
    public void cancel() {
      done = true;
      state = null;
      Future<Streams.Unfold<T, S>> c = current;
      current = null;
      if (c != null) {
        c.cancel();
      }
    }
  }

  /** {@code Streams.fromFuture(future)}: one item, the future's value. */
  static final class FutureStream<T> implements Stream<T> {
    private Future<? extends T> future;

    FutureStream(Future<? extends T> future) {
      this.future = future;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      Future<? extends T> f = future;
      if (f == null) {
        return Stream.end();
      }
      Poll<? extends T> p;
      try {
        p = f.poll(cx);
      } catch (Exception e) {
        future = null;
        Cancel.afterFailure(f, e);
        throw e;
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      future = null;
      if (p.value() == null) {
        throw StreamPolls.nullItem("fromFuture's future");
      }
      return StreamPolls.widen(p);
    }

    @Override
    public void cancel() {
      Future<? extends T> f = future;
      future = null;
      if (f != null) {
        f.cancel();
      }
    }
  }

  /**
   * {@code Streams.fromInterval(interval)}: the ticks' scheduled instants. The current tick future
   * is kept across polls (its timer consumes the coop budget); cancelling releases it, and as
   * {@link Interval#tick()} is cancel safe, no tick is lost to a cancelled wait.
   */
  static final class IntervalStream implements Stream<Long> {
    private final Interval interval;
    private Future<Long> tick;

    IntervalStream(Interval interval) {
      this.interval = interval;
    }

    @Override
    public Poll<Long> pollNext(Context cx) throws Exception {
      if (tick == null) {
        tick = interval.tick();
      }
      Poll<Long> p = tick.poll(cx);
      if (p.isReady()) {
        tick = null;
      }
      return p;
    }

    @Override
    public void cancel() {
      Future<Long> t = tick;
      tick = null;
      if (t != null) {
        t.cancel();
      }
    }
  }
}
