package io.kyoto.runtime.stream;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Interval;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Sources of {@link Stream}s: fixed items, iterables, generators, futures, intervals, poll
 * functions, and merges.
 *
 * <p>Every source is lazy, as futures are: nothing is computed, subscribed or registered until the
 * stream is first polled. In-memory sources ({@link #of}, {@link #fromIterable}, {@link #repeat},
 * {@link #iterate}) touch no runtime resource and so consume no coop budget themselves; the
 * terminal loops that drain them do.
 */
public final class Streams {
  private Streams() {}

  /**
   * {@return a stream that ends at once}
   *
   * @param <T> the items' type
   */
  public static <T> Stream<T> empty() {
    return StreamPolls.ended();
  }

  /**
   * {@return a stream of {@code item}, once}
   *
   * @param item the item, not null
   * @param <T> the items' type
   */
  public static <T> Stream<T> once(T item) {
    return new SourceStreams.OnceStream<>(Objects.requireNonNull(item, "item"));
  }

  /**
   * {@return a stream of {@code items}, in order}
   *
   * @param items the items, none null
   * @param <T> the items' type
   * @throws NullPointerException if an item is null
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, copied into an immutable list
  public static <T> Stream<T> of(T... items) {
    return fromIterable(List.of(items));
  }

  /**
   * {@return a stream of the elements of {@code iterable}, in iteration order} The iterator is
   * created at the first poll; a null element fails the stream with {@link NullPointerException}.
   *
   * @param iterable the elements
   * @param <T> the items' type
   */
  public static <T> Stream<T> fromIterable(Iterable<? extends T> iterable) {
    return new SourceStreams.IterableStream<>(Objects.requireNonNull(iterable, "iterable"));
  }

  /**
   * {@return a stream of {@code item} forever} Polling it allocates nothing.
   *
   * @param item the item, not null
   * @param <T> the items' type
   */
  public static <T> Stream<T> repeat(T item) {
    return new SourceStreams.RepeatStream<>(Objects.requireNonNull(item, "item"));
  }

  /**
   * {@return the infinite stream {@code seed}, {@code next(seed)}, {@code next(next(seed))}, ...}
   * {@code next} runs lazily, once per item after the first.
   *
   * @param seed the first item, not null
   * @param next computes an item from the one before
   * @param <T> the items' type
   */
  public static <T> Stream<T> iterate(T seed, ThrowingFunction<? super T, ? extends T> next) {
    return new SourceStreams.IterateStream<>(
        Objects.requireNonNull(seed, "seed"), Objects.requireNonNull(next, "next"));
  }

  /**
   * {@return a stream generated asynchronously from a state} Each item comes from the future that
   * {@code step} returns for the current state: {@link Unfold#emit(Object, Object) emit(item,
   * nextState)} yields an item and goes on, {@link Unfold#done()} ends the stream. The next step
   * starts only when the stream is polled for the next item.
   *
   * {@snippet :
   * Stream<Page> pages = Streams.unfold(1, n -> client.fetch(n)
   *     .map(page -> page.isEmpty() ? Unfold.done() : Unfold.emit(page, n + 1)));
   * }
   *
   * @param initial the first state
   * @param step the asynchronous step from a state
   * @param <T> the items' type
   * @param <S> the state's type
   */
  public static <T, S> Stream<T> unfold(
      S initial, ThrowingFunction<? super S, ? extends Future<Unfold<T, S>>> step) {
    return new SourceStreams.UnfoldStream<>(initial, Objects.requireNonNull(step, "step"));
  }

  /**
   * {@return a stream of one item, {@code future}'s value} Cancelling the stream before the value
   * arrives cancels the future.
   *
   * @param future the future; its value must not be null
   * @param <T> the items' type
   */
  public static <T> Stream<T> fromFuture(Future<? extends T> future) {
    return new SourceStreams.FutureStream<>(Objects.requireNonNull(future, "future"));
  }

  /**
   * {@return an endless stream of {@code interval}'s ticks: each tick's scheduled instant on the
   * runtime clock, in nanoseconds} As tokio's {@code IntervalStream}. The interval's missed-tick
   * behaviour applies. Waiting for a tick consumes the coop budget; cancelling the stream releases
   * its timer.
   *
   * @param interval the interval; the stream owns it from now on
   */
  public static Stream<Long> fromInterval(Interval interval) {
    return new SourceStreams.IntervalStream(Objects.requireNonNull(interval, "interval"));
  }

  /**
   * {@return an endless stream of ticks every {@code period}, the first at once} Shorthand for
   * {@code fromInterval(Time.interval(period))}. Needs a runtime with time enabled.
   *
   * @param period the period, positive
   */
  public static Stream<Long> interval(Duration period) {
    return fromInterval(Time.interval(period));
  }

  /**
   * {@return a stream whose {@code pollNext} is {@code fn}} Equivalent to a lambda typed as {@code
   * Stream}; handy where type inference needs a hint.
   *
   * @param fn the poll function
   * @param <T> the items' type
   */
  public static <T> Stream<T> pollFn(Stream<T> fn) {
    return Objects.requireNonNull(fn, "fn");
  }

  /**
   * {@return a stream of the items of every stream in {@code streams}, as they arrive} Streams take
   * turns fairly: after one yields an item, the next poll starts with the stream after it. Ends
   * when every stream has ended; a failure of one fails the merge and cancels the others.
   *
   * @param streams the streams
   * @param <T> the items' type
   */
  public static <T> Stream<T> merge(List<? extends Stream<? extends T>> streams) {
    return new CombineStreams.MergeStream<>(List.copyOf(streams));
  }

  /**
   * {@return a stream of the items of every stream in {@code streams}, as they arrive} See {@link
   * #merge(List)}.
   *
   * @param streams the streams
   * @param <T> the items' type
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, copied into an immutable list
  public static <T> Stream<T> merge(Stream<? extends T>... streams) {
    return merge(Arrays.asList(streams));
  }

  /**
   * One step of {@link #unfold}: an item and the next state, or the end.
   *
   * @param <T> the items' type
   * @param <S> the state's type
   */
  public sealed interface Unfold<T, S> {
    /**
     * {@return a step that yields {@code item} and continues from {@code state}}
     *
     * @param item the item, not null
     * @param state the next state
     * @param <T> the items' type
     * @param <S> the state's type
     */
    static <T, S> Unfold<T, S> emit(T item, S state) {
      return new Emit<>(Objects.requireNonNull(item, "item"), state);
    }

    /**
     * {@return a step that ends the stream}
     *
     * @param <T> the items' type
     * @param <S> the state's type
     */
    @SuppressWarnings("unchecked") // DONE holds neither a T nor an S
    static <T, S> Unfold<T, S> done() {
      return (Unfold<T, S>) Done.INSTANCE;
    }
  }

  record Emit<T, S>(T item, S state) implements Unfold<T, S> {}

  record Done<T, S>() implements Unfold<T, S> {
    static final Done<?, ?> INSTANCE = new Done<>();
  }
}
