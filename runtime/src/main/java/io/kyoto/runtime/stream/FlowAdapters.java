package io.kyoto.runtime.stream;

import io.kyoto.runtime.Handle;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * Bridges between Kyoto's pull-based {@link Stream}s and the push-based Reactive Streams of {@link
 * java.util.concurrent.Flow}, with backpressure both ways.
 *
 * <p>Both adapters follow the Reactive Streams rules (cited as §): signals are serial, {@code
 * onSubscribe} comes first and once, nothing is signalled beyond demand, and nothing is requested
 * after a cancellation or a terminal signal. Items are never null on either side.
 */
public final class FlowAdapters {
  /** The largest {@code prefetch} of {@link #toStream(Flow.Publisher, int)}. */
  public static final int MAX_PREFETCH = 1 << 16;

  private FlowAdapters() {}

  /**
   * {@return a stream of the items of {@code publisher}, pulled with bounded demand}
   *
   * <p>The stream subscribes when it is first polled and requests {@code prefetch} items; each time
   * the consumer has taken three quarters of them it requests that many again, so at most {@code
   * prefetch} items are ever requested and not yet taken, and the buffer never grows beyond that.
   * {@code onComplete} ends the stream after the buffered items; {@code onError} fails it after
   * them, with the publisher's exception (a {@link Throwable} that is neither an exception nor an
   * error is wrapped in {@link java.util.concurrent.ExecutionException}). Cancelling the stream
   * cancels the subscription. A publisher that signals more than requested fails the stream with
   * {@link IllegalStateException}.
   *
   * <p>The publisher's signals may come from any thread; each wakes the polling task. Polling
   * consumes one unit of the coop budget.
   *
   * @param publisher the publisher; subscribed once, at the first poll
   * @param prefetch the most items requested ahead of the consumer, 1 to {@link #MAX_PREFETCH}
   * @param <T> the items' type
   * @throws IllegalArgumentException if {@code prefetch} is out of range
   */
  public static <T> Stream<T> toStream(Flow.Publisher<? extends T> publisher, int prefetch) {
    Objects.requireNonNull(publisher, "publisher");
    if (prefetch < 1 || prefetch > MAX_PREFETCH) {
      throw new IllegalArgumentException(
          "prefetch must be between 1 and " + MAX_PREFETCH + ": " + prefetch);
    }
    return new PublisherStream<>(publisher, prefetch);
  }

  /**
   * {@return a stream of the items of {@code publisher}, prefetching {@link
   * Flow#defaultBufferSize()} items} See {@link #toStream(Flow.Publisher, int)}.
   *
   * @param publisher the publisher
   * @param <T> the items' type
   */
  public static <T> Stream<T> toStream(Flow.Publisher<? extends T> publisher) {
    return toStream(publisher, Flow.defaultBufferSize());
  }

  /**
   * {@return a publisher of the items of {@code stream}, polled on a task of {@code runtime}}
   *
   * <p>The publisher is unicast, because a stream can be consumed only once: its first subscriber
   * receives the items, later ones receive {@code onSubscribe} then {@code onError} with {@link
   * IllegalStateException}. On subscription a task is spawned that polls the stream only while the
   * subscriber has outstanding demand, so it never signals more than requested; {@code
   * request(Long.MAX_VALUE)} means unbounded. The end of the stream is {@code onComplete}, its
   * failure {@code onError}. {@code cancel()} stops the task and cancels the stream, and {@code
   * request(n)} with {@code n <= 0} signals {@code onError} with {@link IllegalArgumentException}
   * (§3.9) and cancels the stream. If the task itself is cancelled (runtime shutdown), the stream
   * is cancelled and the subscriber receives {@code onError} with {@link
   * java.util.concurrent.CancellationException}.
   *
   * <p>The subscriber's {@code onNext}, {@code onError} and {@code onComplete} run on the runtime's
   * threads and must not block; {@code request} and {@code cancel} may be called from any thread.
   *
   * @param stream the stream; the publisher owns it from now on
   * @param runtime the runtime whose task polls the stream
   * @param <T> the items' type
   */
  public static <T> Flow.Publisher<T> toPublisher(Stream<? extends T> stream, Handle runtime) {
    return new StreamPublisher<>(
        Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(runtime, "runtime"));
  }

  /**
   * {@return a publisher of the items of {@code stream}, polled on a task of the current runtime}
   * See {@link #toPublisher(Stream, Handle)}.
   *
   * @param stream the stream
   * @param <T> the items' type
   * @throws IllegalStateException outside a runtime
   */
  public static <T> Flow.Publisher<T> toPublisher(Stream<? extends T> stream) {
    return toPublisher(stream, Handle.current());
  }
}
