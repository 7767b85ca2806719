package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingBiFunction;
import io.kyoto.runtime.ThrowingConsumer;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.ThrowingPredicate;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Collector;

/**
 * The futures that drive a stream: {@code next} (borrows it) and the consuming terminals ({@code
 * first}, {@code forEach}, {@code forEachAsync}, {@code fold}, {@code collect}, {@code any}, {@code
 * all}).
 *
 * <p>A consuming terminal owns its stream. It cancels the stream when it is cancelled, when its own
 * function throws, when it stops early, and when the stream fails (the owner of a failed stream
 * drops it, by the {@link Stream} contract), so that what a hand-written stream still held is
 * released; what that cancel throws is added to the failure as suppressed. Loops consume one unit
 * of coop budget per item, as {@code Futures.loop} does per iteration.
 */
final class Terminals {
  private Terminals() {}

  /**
   * {@code stream.next()}: borrows the stream; cancelling it only withdraws its wake-up ({@link
   * Stream#withdrawNext}), with the waker of its last pending poll (a plain field: the borrowing
   * task polls and cancels it).
   */
  static final class Next<T> implements Future<Optional<T>> {
    private final Stream<T> stream;
    private Waker waiting;

    Next(Stream<T> stream) {
      this.stream = stream;
    }

    @Override
    public Poll<Optional<T>> poll(Context cx) throws Exception {
      Poll<T> p = stream.pollNext(cx);
      if (p.isPending()) {
        waiting = cx.waker();
        return Poll.pending();
      }
      waiting = null;
      if (Stream.isEnd(p)) {
        return Poll.ready(Optional.empty());
      }
      return Poll.ready(Optional.of(nonNull(p.value())));
    }

    @Override
    public void cancel() {
      Waker w = waiting;
      if (w != null) {
        waiting = null;
        stream.withdrawNext(w);
      }
    }
  }

  static <T> T nonNull(T item) {
    if (item == null) {
      throw StreamPolls.nullItem("the stream");
    }
    return item;
  }

  /**
   * The skeleton of a consuming terminal: pulls items until {@link #accept} says stop or the stream
   * ends, then completes with {@link #finish}.
   */
  abstract static class Drain<T, R> implements Future<R> {
    private Stream<T> stream;

    Drain(Stream<T> stream) {
      this.stream = stream;
    }

    /** {@return whether to keep pulling} */
    abstract boolean accept(T item) throws Exception;

    abstract R finish() throws Exception;

    @Override
    public final Poll<R> poll(Context cx) throws Exception {
      while (true) {
        Poll<T> p;
        try {
          p = stream.pollNext(cx);
        } catch (Exception e) {
          Stream<T> failed = stream;
          stream = StreamPolls.ended();
          throw StreamPolls.cancelAfterFailure(failed, e); // it failed: dropped
        }
        if (p.isPending()) {
          return Poll.pending();
        }
        if (Stream.isEnd(p)) {
          stream = StreamPolls.ended();
          return Poll.ready(finish());
        }
        boolean more;
        try {
          more = accept(p.value());
        } catch (Exception e) {
          throw Cancel.afterFailure(this, e); // cancels the stream; keeps e, the outcome
        }
        if (!more) {
          cancel();
          return Poll.ready(finish());
        }
        // An item that was ready at once must still respect the coop budget, or draining an
        // in-memory stream would never yield to other tasks.
        if (!cx.tryConsumeBudget()) {
          cx.waker().wake();
          return Poll.pending();
        }
      }
    }

    @Override
    public void cancel() {
      Stream<T> s = stream;
      stream = StreamPolls.ended();
      s.cancel();
    }
  }

  /** {@code stream.first()}. */
  static final class First<T> extends Drain<T, Optional<T>> {
    private T item;

    First(Stream<T> stream) {
      super(stream);
    }

    @Override
    boolean accept(T value) {
      item = nonNull(value);
      return false;
    }

    @Override
    Optional<T> finish() {
      return Optional.ofNullable(item);
    }
  }

  /** {@code stream.forEach(action)}. */
  static final class ForEach<T> extends Drain<T, Void> {
    private final ThrowingConsumer<? super T> action;

    ForEach(Stream<T> stream, ThrowingConsumer<? super T> action) {
      super(stream);
      this.action = action;
    }

    @Override
    boolean accept(T item) throws Exception {
      action.accept(item);
      return true;
    }

    @Override
    Void finish() {
      return null;
    }
  }

  /** {@code stream.fold(initial, fn)}. */
  static final class Fold<T, R> extends Drain<T, R> {
    private final ThrowingBiFunction<? super R, ? super T, ? extends R> fn;
    private R acc;

    Fold(Stream<T> stream, R initial, ThrowingBiFunction<? super R, ? super T, ? extends R> fn) {
      super(stream);
      this.acc = initial;
      this.fn = fn;
    }

    @Override
    boolean accept(T item) throws Exception {
      acc = fn.apply(acc, item);
      return true;
    }

    @Override
    R finish() {
      R out = acc;
      acc = null;
      return out;
    }
  }

  /** {@code stream.count()}: a primitive counter, so counting allocates nothing per item. */
  static final class Count<T> extends Drain<T, Long> {
    private long n;

    Count(Stream<T> stream) {
      super(stream);
    }

    @Override
    boolean accept(T item) {
      n++;
      return true;
    }

    @Override
    Long finish() {
      return n;
    }
  }

  /** {@code stream.collect(collector)}. */
  static final class Collect<T, A, R> extends Drain<T, R> {
    private final Collector<? super T, A, R> collector;
    private final BiConsumer<A, ? super T> accumulator;
    private A container;

    Collect(Stream<T> stream, Collector<? super T, A, R> collector) {
      super(stream);
      this.collector = collector;
      this.accumulator = collector.accumulator();
    }

    @Override
    boolean accept(T item) {
      if (container == null) {
        container = collector.supplier().get();
      }
      accumulator.accept(container, item);
      return true;
    }

    @Override
    R finish() {
      A c = container != null ? container : collector.supplier().get();
      container = null;
      return collector.finisher().apply(c);
    }
  }

  /** {@code stream.any(predicate)} ({@code lookFor} true) and {@code all} ({@code false}). */
  static final class Any<T> extends Drain<T, Boolean> {
    private final ThrowingPredicate<? super T> predicate;
    private final boolean lookFor;
    private boolean found;

    Any(Stream<T> stream, ThrowingPredicate<? super T> predicate, boolean lookFor) {
      super(stream);
      this.predicate = predicate;
      this.lookFor = lookFor;
    }

    @Override
    boolean accept(T item) throws Exception {
      found = predicate.test(item) == lookFor;
      return !found;
    }

    @Override
    Boolean finish() {
      return found == lookFor; // any: found a match; all: found no counterexample
    }
  }

  /** {@code stream.forEachAsync(fn)}: one future at a time. */
  static final class ForEachAsync<T> implements Future<Void> {
    private final ThrowingFunction<? super T, ? extends Future<?>> fn;
    private Stream<T> stream;
    private Future<?> current;

    ForEachAsync(Stream<T> stream, ThrowingFunction<? super T, ? extends Future<?>> fn) {
      this.stream = stream;
      this.fn = fn;
    }

    @Override
    public Poll<Void> poll(Context cx) throws Exception {
      try {
        while (true) {
          if (current == null) {
            Poll<T> p = stream.pollNext(cx);
            if (p.isPending()) {
              return Poll.pending();
            }
            if (Stream.isEnd(p)) {
              stream = StreamPolls.ended();
              return Poll.ready(null);
            }
            Future<?> next = fn.apply(p.value());
            if (next == null) {
              throw new NullPointerException(
                  "forEachAsync's function returned null instead of a future");
            }
            current = next;
          }
          Poll<?> r;
          try {
            r = current.poll(cx);
          } catch (Exception e) {
            Cancel.afterFailure(current, e); // it failed: dropped
            current = null;
            throw e;
          }
          if (r.isPending()) {
            return Poll.pending();
          }
          current = null;
          if (!cx.tryConsumeBudget()) {
            cx.waker().wake();
            return Poll.pending();
          }
        }
      } catch (Exception e) {
        throw Cancel.afterFailure(this, e); // cancels the stream; keeps e, the outcome
      }
    }

    @Override
    public void cancel() {
      Future<?> c = current;
      current = null;
      if (c != null) {
        c.cancel();
      }
      Stream<T> s = stream;
      stream = StreamPolls.ended();
      s.cancel();
    }
  }
}
