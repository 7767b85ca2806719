package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.task.Cancel;

/**
 * The end-of-stream marker and the casts shared by the stream package.
 *
 * <p>The marker is one {@link Poll#ready ready} poll holding a private sentinel object. It is
 * compared by identity ({@link Stream#isEnd}), so ending a stream allocates nothing and no item, of
 * any type, can be mistaken for it. Its value is never handed out as an item: every combinator and
 * terminal checks {@code isEnd} before {@code value()}.
 */
final class StreamPolls {
  /** The sentinel inside {@link #END}; its only job is to be unique. */
  private static final class Sentinel {
    @Override
    public String toString() {
      return "end of stream";
    }
  }

  static final Poll<Object> END = Poll.ready(new Sentinel());

  /** The stream that has ended: what combinators keep in place of an upstream that is done. */
  private static final Stream<Object> ENDED =
      new Stream<>() {
        @Override
        public Poll<Object> pollNext(Context cx) {
          return END;
        }

        @Override
        public String toString() {
          return "Streams.empty()";
        }
      };

  private StreamPolls() {}

  @SuppressWarnings("unchecked") // END holds the sentinel, never read as a T (callers test isEnd)
  static <T> Poll<T> end() {
    return (Poll<T>) END;
  }

  @SuppressWarnings("unchecked") // ENDED yields no item at all
  static <T> Stream<T> ended() {
    return (Stream<T>) ENDED;
  }

  /** Streams only produce values, so a stream of a subtype is a stream of the supertype. */
  @SuppressWarnings("unchecked")
  static <T> Stream<T> widen(Stream<? extends T> stream) {
    return (Stream<T>) stream;
  }

  /** A poll only holds a value, so a poll of a subtype is a poll of the supertype. */
  @SuppressWarnings("unchecked")
  static <T> Poll<T> widen(Poll<? extends T> poll) {
    return (Poll<T>) poll;
  }

  /**
   * Drops {@code stream}, whose {@code pollNext} just threw {@code failure}: cancels it once, as
   * {@code Cancel.afterFailure} drops a failed future, so that what it still held is released.
   * Whatever {@code cancel()} throws is added to {@code failure} as suppressed.
   *
   * @return {@code failure}, to rethrow
   */
  static <E extends Throwable> E cancelAfterFailure(Stream<?> stream, E failure) {
    try {
      stream.cancel();
    } catch (Throwable t) {
      if (t != failure) {
        failure.addSuppressed(t);
      }
    }
    return failure;
  }

  /**
   * Cancels {@code stream}, one of several that must all be cancelled: what its {@code cancel()}
   * throws is recorded with {@link Cancel#collect} instead of stopping the others. Once all are
   * cancelled, pass the result to {@link Cancel#rethrow}.
   *
   * @param thrown what the earlier cancels threw, or null
   * @return the exception to rethrow once every stream is cancelled, or null
   */
  static Throwable cancel(Stream<?> stream, Throwable thrown) {
    try {
      stream.cancel();
      return thrown;
    } catch (Throwable t) {
      return Cancel.collect(thrown, t);
    }
  }

  /** {@return the failure for a null item produced by {@code what}} */
  static NullPointerException nullItem(String what) {
    return new NullPointerException(what + " produced null; stream items must not be null");
  }
}
