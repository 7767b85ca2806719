package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingBiFunction;
import io.kyoto.runtime.ThrowingConsumer;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.ThrowingPredicate;
import io.kyoto.runtime.Waker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collector;
import java.util.stream.Collectors;

/**
 * An asynchronous sequence of values, polled like a {@link Future}: tokio-stream's {@code Stream},
 * the asynchronous {@link Iterable}.
 *
 * <h2>Polling and the end of the stream</h2>
 *
 * <p>{@link #pollNext(Context)} returns one of three things:
 *
 * <ul>
 *   <li>{@link Poll#ready(Object) Poll.ready(item)}: the next item, never {@code null};
 *   <li>{@link Poll#pending()}: no item yet; {@link Context#waker()} will be woken when it is worth
 *       polling again;
 *   <li>{@link #end() Stream.end()}: the stream is exhausted. This is one shared constant, tested
 *       by identity with {@link #isEnd(Poll)}; never call {@link Poll#value()} on it.
 * </ul>
 *
 * <p>Rust writes this {@code Poll<Option<T>>}; the Java equivalent, {@code Poll<Optional<T>>},
 * would allocate an {@code Optional} for every item. With the marker, polling a stream allocates no
 * more than polling a future: nothing when pending or at the end, and pass-through combinators
 * ({@link #filter}, {@link #take}, {@link #merge}, ...) hand on their upstream's poll unchanged.
 * Items are never {@code null}, as in {@link java.util.concurrent.Flow} and {@link Optional}:
 * combinators fail with {@link NullPointerException} when a function of theirs produces one.
 *
 * <p>A failure is an exception thrown from {@code pollNext}; it ends the stream as a failure ends a
 * future. Once a stream has ended or failed it must not be polled again (unless it documents
 * otherwise, as {@link #fuse()} and {@link StreamMap} do). Combinators never poll an upstream that
 * has ended.
 *
 * <p>As for a future, the owner of a stream whose {@code pollNext} threw calls its {@link
 * #cancel()} once, the drop of the failed stream, so that what it still held is released: the
 * consuming terminals do, and so does every combinator that drops a failed stream ({@link #merge},
 * {@link #chain}, {@link #flatMap}'s inner streams, {@link #fuse}, {@link StreamMap}); a combinator
 * that keeps the failed stream leaves it to its own {@code cancel()}. The failure goes on
 * unchanged; what {@code cancel()} throws is added to it as suppressed.
 *
 * <h2>Cancellation</h2>
 *
 * <p>Java has no destructors, so cancellation is explicit, as for futures: {@link #cancel()}
 * releases what the stream registered and cancels the streams and futures it owns. It is
 * idempotent, may be called whether or not the stream was ever polled, and does nothing harmful
 * after the stream ended or failed. Combinators cancel their upstream when they end early ({@link
 * #take}, {@link #takeWhile}, {@link #zip}) or when a function of theirs throws. Terminal futures
 * that consume the stream ({@link #forEach}, {@link #fold}, {@link #collect}, {@link #first}, ...)
 * own it: cancelling them cancels the stream, and so does a failure of their own function. {@link
 * #next()} only borrows the stream, so that it can lose a {@code select} without harm.
 *
 * <h2>The coop budget</h2>
 *
 * <p>Sources that touch a runtime resource ({@link Streams#fromInterval}, {@link
 * FlowAdapters#toStream}, timers inside {@link #throttle} and {@link #timeout}) consume the task's
 * coop budget; pure combinators only delegate. Terminal loops consume one unit per item, as {@code
 * Futures.loop} does per iteration, so draining an in-memory stream still yields to other tasks.
 *
 * <h2>Example</h2>
 *
 * {@snippet :
 * Future<Void> server = listener.incoming()
 *     .takeUntil(shutdown)
 *     .forEach(conn -> Task.spawn(Io.copy(conn, conn)));
 * }
 *
 * <p><b>Thread safety:</b> streams are not thread safe; a stream is owned by one task at a time.
 *
 * @param <T> the items' type
 */
@FunctionalInterface
public interface Stream<T> {
  /**
   * Attempts to produce the next item.
   *
   * @param cx the context of the polling task: its waker and coop budget
   * @return the next item, {@link Poll#pending()} after arranging a wake-up through {@code cx}, or
   *     {@link #end()}
   * @throws Exception the stream's failure, which ends it
   */
  Poll<T> pollNext(Context cx) throws Exception;

  /**
   * Releases what this stream registered and cancels the streams and futures it owns. Idempotent,
   * and harmless after the stream ended or failed. The default does nothing, which is right for
   * streams that hold nothing.
   */
  default void cancel() {}

  /**
   * Withdraws the wake-up that a pending {@link #pollNext} arranged for {@code waker}, because the
   * borrower stopped waiting without ending the stream: a {@link #next()} future that lost a {@code
   * select} calls it with the waker of its last pending poll, so that the cancelled task is neither
   * kept reachable by the stream's source nor woken by its next event. The stream stays usable; a
   * wake-up arranged since for another waker stays.
   *
   * <p>The default does nothing, which is right for streams that keep no waiter; sources that do (a
   * listener's {@code incoming()}) override it.
   *
   * @param waker the waker of the cancelled borrower's last pending poll
   */
  default void withdrawNext(Waker waker) {}

  /**
   * {@return the end-of-stream marker, the poll a stream returns once it is exhausted} A shared
   * constant: returning it allocates nothing.
   *
   * @param <T> the items' type
   */
  static <T> Poll<T> end() {
    return StreamPolls.end();
  }

  /**
   * {@return whether {@code poll} is the {@linkplain #end() end-of-stream marker}} Compares by
   * identity, so it is as cheap as {@link Poll#isPending()}.
   *
   * @param poll the result of {@link #pollNext}
   */
  static boolean isEnd(Poll<?> poll) {
    return poll == StreamPolls.END;
  }

  // ---- combinators -------------------------------------------------------------------------

  /**
   * {@return a stream of {@code fn} applied to each item}
   *
   * @param fn the function; if it throws, the stream fails and this stream is cancelled
   * @param <U> the new items' type
   */
  default <U> Stream<U> map(ThrowingFunction<? super T, ? extends U> fn) {
    return new ItemStreams.MapStream<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a stream of the values of the futures {@code fn} returns, one item at a time} As
   * tokio's {@code then}: the next item is not pulled until the current future completes.
   *
   * @param fn maps an item to the future of the new item
   * @param <U> the new items' type
   */
  default <U> Stream<U> then(ThrowingFunction<? super T, ? extends Future<? extends U>> fn) {
    return new ItemStreams.ThenStream<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a stream of the items of the streams {@code fn} returns, each drained in turn}
   *
   * @param fn maps an item to a stream
   * @param <U> the new items' type
   */
  default <U> Stream<U> flatMap(ThrowingFunction<? super T, ? extends Stream<? extends U>> fn) {
    return new ItemStreams.FlatMapStream<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a stream of the items that match {@code predicate}}
   *
   * @param predicate which items to keep
   */
  default Stream<T> filter(ThrowingPredicate<? super T> predicate) {
    return new ItemStreams.FilterStream<>(this, Objects.requireNonNull(predicate, "predicate"));
  }

  /**
   * {@return a stream of the present values of {@code fn} applied to each item} Items for which
   * {@code fn} returns an empty optional are skipped.
   *
   * @param fn maps an item to an optional new item
   * @param <U> the new items' type
   */
  default <U> Stream<U> filterMap(ThrowingFunction<? super T, ? extends Optional<? extends U>> fn) {
    return new ItemStreams.FilterMapStream<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a stream that runs {@code action} on each item as it passes}
   *
   * @param action the side effect
   */
  default Stream<T> inspect(ThrowingConsumer<? super T> action) {
    return new ItemStreams.InspectStream<>(this, Objects.requireNonNull(action, "action"));
  }

  /**
   * {@return a stream of at most the first {@code n} items} This stream is cancelled as soon as the
   * {@code n}th item has been produced.
   *
   * @param n how many, not negative
   */
  default Stream<T> take(long n) {
    return new LimitStreams.TakeStream<>(this, nonNegative(n));
  }

  /**
   * {@return a stream without the first {@code n} items}
   *
   * @param n how many to drop, not negative
   */
  default Stream<T> skip(long n) {
    return new LimitStreams.SkipStream<>(this, nonNegative(n));
  }

  /**
   * {@return a stream of the items up to, not including, the first that fails {@code predicate}}
   * That item is dropped and this stream cancelled.
   *
   * @param predicate the condition to keep going
   */
  default Stream<T> takeWhile(ThrowingPredicate<? super T> predicate) {
    return new LimitStreams.TakeWhileStream<>(this, Objects.requireNonNull(predicate, "predicate"));
  }

  /**
   * {@return a stream that drops items while {@code predicate} holds, then passes every item}
   *
   * @param predicate the condition to keep dropping
   */
  default Stream<T> skipWhile(ThrowingPredicate<? super T> predicate) {
    return new LimitStreams.SkipWhileStream<>(this, Objects.requireNonNull(predicate, "predicate"));
  }

  /**
   * {@return a stream that ends as soon as {@code stop} completes} {@code stop} is polled before
   * this stream, so once it is done no further item is pulled; this stream is then cancelled. If
   * this stream ends first, {@code stop} is cancelled. The graceful-shutdown combinator.
   *
   * @param stop the signal to stop, for example a shutdown notification
   */
  default Stream<T> takeUntil(Future<?> stop) {
    return new LimitStreams.TakeUntilStream<>(this, Objects.requireNonNull(stop, "stop"));
  }

  /** {@return a stream that, once ended or failed, returns {@link #end()} to every further poll} */
  default Stream<T> fuse() {
    return this instanceof LimitStreams.FuseStream<T> ? this : new LimitStreams.FuseStream<>(this);
  }

  /**
   * {@return a stream of lists of {@code size} consecutive items; the last may be shorter} If this
   * stream fails while a chunk is partly filled, that chunk is yielded first and the failure comes
   * from the next poll: no item already pulled is lost.
   *
   * @param size the chunk size, positive
   */
  default Stream<List<T>> chunks(int size) {
    return new TimeStreams.ChunksStream<>(this, positive(size), null);
  }

  /**
   * {@return a stream of lists of up to {@code size} items, each emitted when full or when {@code
   * timeout} has passed since its first item arrived} As tokio's {@code chunks_timeout}: never
   * yields an empty list. If this stream fails while a chunk is partly filled, that chunk is
   * yielded first and the failure comes from the next poll. Needs a runtime with time enabled.
   *
   * @param size the largest chunk, positive
   * @param timeout the longest an item waits in a partial chunk
   */
  default Stream<List<T>> chunksTimeout(int size, Duration timeout) {
    return new TimeStreams.ChunksStream<>(
        this, positive(size), Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * {@return a stream of the items of this stream and {@code other} as they arrive, alternating
   * fairly when both have items} Ends when both have ended; a failure of either fails it and
   * cancels the other. See {@link Streams#merge} for more than two.
   *
   * @param other the other stream
   */
  default Stream<T> merge(Stream<? extends T> other) {
    return Streams.merge(List.of(this, Objects.requireNonNull(other, "other")));
  }

  /**
   * {@return a stream of this stream's items, then {@code other}'s} {@code other} is not polled
   * until this stream has ended.
   *
   * @param other the continuation
   */
  default Stream<T> chain(Stream<? extends T> other) {
    return new CombineStreams.ChainStream<>(this, Objects.requireNonNull(other, "other"));
  }

  /**
   * {@return a stream of {@code combiner} applied to pairs of items, one from each stream} Ends
   * when either stream ends, cancelling the other.
   *
   * @param other the other stream
   * @param combiner combines one item of each
   * @param <U> the other stream's items' type
   * @param <R> the new items' type
   */
  default <U, R> Stream<R> zip(
      Stream<? extends U> other, ThrowingBiFunction<? super T, ? super U, ? extends R> combiner) {
    return new CombineStreams.ZipStream<>(
        this, Objects.requireNonNull(other, "other"), Objects.requireNonNull(combiner, "combiner"));
  }

  /**
   * {@return a stream that fails with {@link java.util.concurrent.TimeoutException} when an item
   * takes longer than {@code duration} to arrive} The clock starts when the stream is first polled
   * for an item, so time the consumer spends between items does not count. On timeout this stream
   * is cancelled. As {@code Future.timeout}, the upstream is polled before the deadline is checked,
   * and the deadline is checked even when the coop budget is spent. Needs a runtime with time
   * enabled.
   *
   * @param duration the longest wait for one item
   */
  default Stream<T> timeout(Duration duration) {
    return new TimeStreams.TimeoutStream<>(this, Objects.requireNonNull(duration, "duration"));
  }

  /**
   * {@return a stream that yields at most one item per {@code duration}} As tokio's {@code
   * throttle}: the first item passes at once, and after each item this stream is not polled again
   * until {@code duration} has passed. Needs a runtime with time enabled.
   *
   * @param duration the least time between items
   */
  default Stream<T> throttle(Duration duration) {
    return new TimeStreams.ThrottleStream<>(this, Objects.requireNonNull(duration, "duration"));
  }

  // ---- terminal futures --------------------------------------------------------------------

  /**
   * {@return a future of the next item, or empty at the end of the stream} It borrows the stream:
   * cancelling it leaves the stream untouched and usable, so call {@code next()} again for the
   * following item. After it completed empty, call it again only on a stream that may be polled
   * after its end ({@link #fuse()}, {@link StreamMap}).
   *
   * <p><b>Cancel safety:</b> cancel safe, as tokio's {@code StreamExt::next}: an item is only taken
   * from the stream when the future completes with it.
   */
  default Future<Optional<T>> next() {
    return new Terminals.Next<>(this);
  }

  /**
   * {@return a future of the first item, or empty if the stream is empty} Consumes the stream: it
   * is cancelled after the first item, and when the future is cancelled.
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream; nothing else is lost.
   */
  default Future<Optional<T>> first() {
    return new Terminals.First<>(this);
  }

  /**
   * {@return a future that runs {@code action} on every item and completes at the end of the
   * stream} If {@code action} throws, the future fails and the stream is cancelled.
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream; items not yet pulled are
   * never seen.
   *
   * @param action the body of the loop; it must not block
   */
  default Future<Void> forEach(ThrowingConsumer<? super T> action) {
    return new Terminals.ForEach<>(this, Objects.requireNonNull(action, "action"));
  }

  /**
   * {@return a future that, for each item in turn, runs the future {@code fn} returns and waits for
   * it before pulling the next item}
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the current item's future and the
   * stream; the current item's work may be left half done.
   *
   * @param fn the asynchronous body of the loop
   */
  default Future<Void> forEachAsync(ThrowingFunction<? super T, ? extends Future<?>> fn) {
    return new Terminals.ForEachAsync<>(this, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a future of the items folded with {@code fn}, starting from {@code initial}}
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream and loses the accumulator.
   *
   * @param initial the starting value
   * @param fn combines the accumulator with an item
   * @param <R> the result's type
   */
  default <R> Future<R> fold(R initial, ThrowingBiFunction<? super R, ? super T, ? extends R> fn) {
    return new Terminals.Fold<>(this, initial, Objects.requireNonNull(fn, "fn"));
  }

  /**
   * {@return a future of every item gathered by {@code collector}}
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream and loses what was gathered.
   *
   * @param collector the collector, as for {@link java.util.stream.Stream#collect}
   * @param <A> the collector's accumulation type
   * @param <R> the result's type
   */
  default <A, R> Future<R> collect(Collector<? super T, A, R> collector) {
    return new Terminals.Collect<>(this, Objects.requireNonNull(collector, "collector"));
  }

  /**
   * {@return a future of an unmodifiable list of every item, in order}
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream and loses what was gathered.
   */
  default Future<List<T>> toList() {
    return collect(Collectors.toUnmodifiableList());
  }

  /**
   * {@return a future of the number of items}
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream.
   */
  default Future<Long> count() {
    return new Terminals.Count<>(this);
  }

  /**
   * {@return a future of whether some item matches {@code predicate}} Stops, cancelling the stream,
   * at the first match.
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream.
   *
   * @param predicate the condition
   */
  default Future<Boolean> any(ThrowingPredicate<? super T> predicate) {
    return new Terminals.Any<>(this, Objects.requireNonNull(predicate, "predicate"), true);
  }

  /**
   * {@return a future of whether every item matches {@code predicate}} Stops, cancelling the
   * stream, at the first item that does not.
   *
   * <p><b>Cancel safety:</b> cancelling the future cancels the stream.
   *
   * @param predicate the condition
   */
  default Future<Boolean> all(ThrowingPredicate<? super T> predicate) {
    return new Terminals.Any<>(this, Objects.requireNonNull(predicate, "predicate"), false);
  }

  private static long nonNegative(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("the count must not be negative: " + n);
    }
    return n;
  }

  private static int positive(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("the chunk size must be positive: " + size);
    }
    return size;
  }
}
