package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingBiFunction;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.List;

/** The combinators over several streams: {@code merge}, {@code chain}, {@code zip}. */
final class CombineStreams {
  private CombineStreams() {}

  /**
   * {@code Streams.merge(streams)}: polls every live stream, starting after the one that produced
   * the previous item, so streams that always have items take strict turns (round robin).
   */
  static final class MergeStream<T> implements Stream<T> {
    /** The streams; an entry becomes null when that stream has ended, failed or been cancelled. */
    private final Stream<T>[] streams;

    private int live;
    private int start;

    @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays need a raw Stream[] to start
    MergeStream(List<? extends Stream<? extends T>> list) {
      this.streams = list.toArray(new Stream[0]);
      this.live = streams.length;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      int n = streams.length;
      for (int k = 0; k < n && live > 0; k++) {
        int i = (start + k) % n;
        Stream<T> s = streams[i];
        if (s == null) {
          continue;
        }
        Poll<T> p;
        try {
          p = s.pollNext(cx);
        } catch (Exception e) {
          streams[i] = null;
          live--;
          StreamPolls.cancelAfterFailure(s, e); // it failed: dropped
          throw StreamPolls.cancelAfterFailure(this, e); // the merge failed: release the others
        }
        if (Stream.isEnd(p)) {
          streams[i] = null;
          live--;
        } else if (p.isReady()) {
          start = (i + 1) % n;
          return p;
        }
      }
      return live == 0 ? Stream.end() : Poll.pending();
    }

    @Override
    public void withdrawNext(Waker waker) {
      for (Stream<T> s : streams) {
        if (s != null) s.withdrawNext(waker); // each live stream was polled and may hold it
      }
    }

    @Override
    public void cancel() {
      Throwable thrown = null;
      for (int i = 0; i < streams.length; i++) {
        Stream<T> s = streams[i];
        if (s != null) {
          streams[i] = null;
          live--;
          thrown = StreamPolls.cancel(s, thrown);
        }
      }
      Cancel.rethrow(thrown);
    }
  }

  /** {@code first.chain(second)}. */
  static final class ChainStream<T> implements Stream<T> {
    private Stream<T> first;
    private Stream<T> second;

    ChainStream(Stream<T> first, Stream<? extends T> second) {
      this.first = first;
      this.second = StreamPolls.widen(second);
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      if (first != null) {
        Poll<T> p;
        try {
          p = first.pollNext(cx);
        } catch (Exception e) {
          Stream<T> f = first;
          first = null;
          StreamPolls.cancelAfterFailure(f, e); // it failed: dropped
          throw StreamPolls.cancelAfterFailure(this, e); // the second stream will never run
        }
        if (!Stream.isEnd(p)) {
          return p;
        }
        first = null;
      }
      Poll<T> p = second.pollNext(cx);
      if (Stream.isEnd(p)) {
        second = StreamPolls.ended();
      }
      return p;
    }

    @Override
    public void withdrawNext(Waker waker) {
      Stream<T> f = first;
      if (f != null) f.withdrawNext(waker);
      Stream<T> sec = second;
      if (sec != null) sec.withdrawNext(waker);
    }

    @Override
    public void cancel() {
      Stream<T> f = first;
      Stream<T> s = second;
      first = null;
      second = StreamPolls.ended();
      Throwable thrown = f == null ? null : StreamPolls.cancel(f, null);
      Cancel.rethrow(StreamPolls.cancel(s, thrown));
    }
  }

  /** {@code left.zip(right, combiner)}: holds one item of whichever side is ahead. */
  static final class ZipStream<A, B, R> implements Stream<R> {
    private Stream<A> left;
    private Stream<B> right;
    private final ThrowingBiFunction<? super A, ? super B, ? extends R> combiner;
    private Poll<A> leftItem;
    private Poll<B> rightItem;

    ZipStream(
        Stream<A> left,
        Stream<? extends B> right,
        ThrowingBiFunction<? super A, ? super B, ? extends R> combiner) {
      this.left = left;
      this.right = StreamPolls.widen(right);
      this.combiner = combiner;
    }

    @Override
    public Poll<R> pollNext(Context cx) throws Exception {
      if (leftItem == null) {
        Poll<A> p = pollSide(left, cx);
        if (Stream.isEnd(p)) {
          left = StreamPolls.ended();
          return finish();
        }
        if (p.isReady()) {
          leftItem = p;
        }
      }
      if (rightItem == null) {
        Poll<B> p = pollSide(right, cx);
        if (Stream.isEnd(p)) {
          right = StreamPolls.ended();
          return finish();
        }
        if (p.isReady()) {
          rightItem = p;
        }
      }
      if (leftItem == null || rightItem == null) {
        return Poll.pending();
      }
      A a = leftItem.value();
      B b = rightItem.value();
      leftItem = null;
      rightItem = null;
      R out;
      try {
        out = combiner.apply(a, b);
      } catch (Exception e) {
        throw StreamPolls.cancelAfterFailure(this, e);
      }
      if (out == null) {
        throw StreamPolls.cancelAfterFailure(this, StreamPolls.nullItem("zip's combiner"));
      }
      return Poll.ready(out);
    }

    private <X> Poll<X> pollSide(Stream<X> side, Context cx) throws Exception {
      try {
        return side.pollNext(cx);
      } catch (Exception e) {
        // The zip failed: release both sides (the failed one is dropped, so cancelled too).
        throw StreamPolls.cancelAfterFailure(this, e);
      }
    }

    /** One side ended: so does the zip, dropping a buffered item and releasing the other side. */
    private Poll<R> finish() {
      cancel();
      return Stream.end();
    }

    @Override
    public void withdrawNext(Waker waker) {
      Stream<A> l = left;
      if (l != null) l.withdrawNext(waker);
      Stream<B> r = right;
      if (r != null) r.withdrawNext(waker);
    }

    @Override
    public void cancel() {
      leftItem = null;
      rightItem = null;
      Stream<A> l = left;
      Stream<B> r = right;
      left = StreamPolls.ended();
      right = StreamPolls.ended();
      Cancel.rethrow(StreamPolls.cancel(r, StreamPolls.cancel(l, null)));
    }
  }
}
