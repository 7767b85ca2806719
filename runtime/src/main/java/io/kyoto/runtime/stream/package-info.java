/**
 * Streams: asynchronous sequences polled like futures, as tokio-stream's {@code Stream} and {@code
 * StreamExt}.
 *
 * <p>{@link io.kyoto.runtime.stream.Stream} is the contract and carries the combinators ({@code
 * map}, {@code filter}, {@code merge}, {@code timeout}, ...) and the terminal futures ({@code
 * next}, {@code forEach}, {@code fold}, {@code collect}, ...). {@link
 * io.kyoto.runtime.stream.Streams} creates streams from items, generators, futures and intervals;
 * {@link io.kyoto.runtime.stream.StreamMap} merges streams by key; {@link
 * io.kyoto.runtime.stream.FlowAdapters} bridges to {@link java.util.concurrent.Flow}.
 *
 * <p>The end of a stream is the shared marker {@link io.kyoto.runtime.stream.Stream#end()}, tested
 * by identity, so that polling allocates no {@code Optional} per item. Cancellation is explicit, as
 * for futures: consuming terminals own their stream and cancel it when they are cancelled.
 *
 * {@snippet :
 * Future<List<Integer>> firstSquares = Streams.iterate(1, n -> n + 1)
 *     .map(n -> n * n)
 *     .filter(n -> n % 2 == 1)
 *     .take(3)
 *     .toList(); // [1, 9, 25]
 * }
 */
package io.kyoto.runtime.stream;
