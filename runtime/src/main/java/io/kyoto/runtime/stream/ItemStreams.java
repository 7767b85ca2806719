package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingConsumer;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.ThrowingPredicate;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Optional;

/**
 * The combinators that transform items one by one: {@code map}, {@code then}, {@code flatMap},
 * {@code filter}, {@code filterMap}, {@code inspect}.
 *
 * <p>Each extends {@link Upstream}, which holds the cancellation discipline.
 */
final class ItemStreams {
  private ItemStreams() {}

  /** {@code stream.map(fn)}. */
  static final class MapStream<T, U> extends Upstream<T, U> {
    private final ThrowingFunction<? super T, ? extends U> fn;

    MapStream(Stream<T> upstream, ThrowingFunction<? super T, ? extends U> fn) {
      super(upstream);
      this.fn = fn;
    }

    @Override
    public Poll<U> pollNext(Context cx) throws Exception {
      Poll<T> p = pollUpstream(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      if (Stream.isEnd(p)) {
        return Stream.end();
      }
      U out;
      try {
        out = fn.apply(p.value());
      } catch (Exception e) {
        throw fail(e);
      }
      if (out == null) {
        throw fail(StreamPolls.nullItem("map's function"));
      }
      return Poll.ready(out);
    }
  }

  /** {@code stream.then(fn)}: one future at a time. */
  static final class ThenStream<T, U> extends Upstream<T, U> {
    private final ThrowingFunction<? super T, ? extends Future<? extends U>> fn;
    private Future<? extends U> current;

    ThenStream(Stream<T> upstream, ThrowingFunction<? super T, ? extends Future<? extends U>> fn) {
      super(upstream);
      this.fn = fn;
    }

    @Override
    public Poll<U> pollNext(Context cx) throws Exception {
      if (current == null) {
        Poll<T> p = pollUpstream(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        if (Stream.isEnd(p)) {
          return Stream.end();
        }
        Future<? extends U> next;
        try {
          next = fn.apply(p.value());
        } catch (Exception e) {
          throw fail(e);
        }
        if (next == null) {
          throw fail(new NullPointerException("then's function returned null instead of a future"));
        }
        current = next;
      }
      Poll<? extends U> r;
      try {
        r = current.poll(cx);
      } catch (Exception e) {
        Cancel.afterFailure(current, e); // it failed: dropped
        current = null;
        throw fail(e);
      }
      if (r.isPending()) {
        return Poll.pending();
      }
      current = null;
      if (r.value() == null) {
        throw fail(StreamPolls.nullItem("then's future"));
      }
      return StreamPolls.widen(r);
    }

    @Override
    public void cancel() {
      Future<? extends U> c = current;
      current = null;
      cancelUpstreamAfter(
          () -> {
            if (c != null) {
              c.cancel();
            }
          });
    }
  }

  /** {@code stream.flatMap(fn)}: drains each inner stream in turn. */
  static final class FlatMapStream<T, U> extends Upstream<T, U> {
    private final ThrowingFunction<? super T, ? extends Stream<? extends U>> fn;
    private Stream<U> inner;

    FlatMapStream(
        Stream<T> upstream, ThrowingFunction<? super T, ? extends Stream<? extends U>> fn) {
      super(upstream);
      this.fn = fn;
    }

    @Override
    public Poll<U> pollNext(Context cx) throws Exception {
      while (true) {
        if (inner != null) {
          Poll<U> p;
          try {
            p = inner.pollNext(cx);
          } catch (Exception e) {
            Stream<U> failed = inner;
            inner = null;
            StreamPolls.cancelAfterFailure(failed, e); // it failed: dropped
            throw fail(e);
          }
          if (!Stream.isEnd(p)) {
            return p;
          }
          inner = null;
        }
        Poll<T> p = pollUpstream(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        if (Stream.isEnd(p)) {
          return Stream.end();
        }
        Stream<? extends U> next;
        try {
          next = fn.apply(p.value());
        } catch (Exception e) {
          throw fail(e);
        }
        if (next == null) {
          throw fail(new NullPointerException("flatMap's function returned null, not a stream"));
        }
        inner = StreamPolls.widen(next);
      }
    }

    @Override
    public void cancel() {
      Stream<U> i = inner;
      inner = null;
      cancelUpstreamAfter(
          () -> {
            if (i != null) {
              i.cancel();
            }
          });
    }
  }

  /** {@code stream.filter(predicate)}. */
  static final class FilterStream<T> extends Upstream<T, T> {
    private final ThrowingPredicate<? super T> predicate;

    FilterStream(Stream<T> upstream, ThrowingPredicate<? super T> predicate) {
      super(upstream);
      this.predicate = predicate;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      while (true) {
        Poll<T> p = pollUpstream(cx);
        if (p.isPending() || Stream.isEnd(p)) {
          return p;
        }
        boolean keep;
        try {
          keep = predicate.test(p.value());
        } catch (Exception e) {
          throw fail(e);
        }
        if (keep) {
          return p;
        }
      }
    }
  }

  /** {@code stream.filterMap(fn)}. */
  static final class FilterMapStream<T, U> extends Upstream<T, U> {
    private final ThrowingFunction<? super T, ? extends Optional<? extends U>> fn;

    FilterMapStream(
        Stream<T> upstream, ThrowingFunction<? super T, ? extends Optional<? extends U>> fn) {
      super(upstream);
      this.fn = fn;
    }

    @Override
    public Poll<U> pollNext(Context cx) throws Exception {
      while (true) {
        Poll<T> p = pollUpstream(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        if (Stream.isEnd(p)) {
          return Stream.end();
        }
        Optional<? extends U> out;
        try {
          out = fn.apply(p.value());
        } catch (Exception e) {
          throw fail(e);
        }
        if (out == null) {
          throw fail(
              new NullPointerException("filterMap's function returned null, not an Optional"));
        }
        if (out.isPresent()) {
          return Poll.ready(out.get());
        }
      }
    }
  }

  /** {@code stream.inspect(action)}. */
  static final class InspectStream<T> extends Upstream<T, T> {
    private final ThrowingConsumer<? super T> action;

    InspectStream(Stream<T> upstream, ThrowingConsumer<? super T> action) {
      super(upstream);
      this.action = action;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      Poll<T> p = pollUpstream(cx);
      if (p.isPending() || Stream.isEnd(p)) {
        return p;
      }
      try {
        action.accept(p.value());
      } catch (Exception e) {
        throw fail(e);
      }
      return p;
    }
  }
}
