package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingPredicate;
import io.kyoto.runtime.internal.task.Cancel;

/**
 * The combinators that decide which part of a stream passes: {@code take}, {@code skip}, {@code
 * takeWhile}, {@code skipWhile}, {@code takeUntil}, {@code fuse}. Items pass through unchanged (the
 * upstream's poll object itself), so these allocate nothing per item.
 */
final class LimitStreams {
  private LimitStreams() {}

  /** {@code stream.take(n)}. */
  static final class TakeStream<T> extends Upstream<T, T> {
    private long remaining;

    TakeStream(Stream<T> upstream, long n) {
      super(upstream);
      this.remaining = n;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      if (remaining == 0) {
        cancelUpstream(); // take(0), or polled again after the end: release the upstream
        return Stream.end();
      }
      Poll<T> p = pollUpstream(cx);
      if (p.isReady() && !Stream.isEnd(p) && --remaining == 0) {
        cancelUpstream(); // the last item: release the upstream now, not at the next poll
      }
      return p;
    }
  }

  /** {@code stream.skip(n)}. */
  static final class SkipStream<T> extends Upstream<T, T> {
    private long remaining;

    SkipStream(Stream<T> upstream, long n) {
      super(upstream);
      this.remaining = n;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      while (true) {
        Poll<T> p = pollUpstream(cx);
        if (p.isPending() || Stream.isEnd(p) || remaining == 0) {
          return p;
        }
        remaining--;
      }
    }
  }

  /** {@code stream.takeWhile(predicate)}. */
  static final class TakeWhileStream<T> extends Upstream<T, T> {
    private final ThrowingPredicate<? super T> predicate;

    TakeWhileStream(Stream<T> upstream, ThrowingPredicate<? super T> predicate) {
      super(upstream);
      this.predicate = predicate;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
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
      cancelUpstream();
      return Stream.end();
    }
  }

  /** {@code stream.skipWhile(predicate)}. */
  static final class SkipWhileStream<T> extends Upstream<T, T> {
    private final ThrowingPredicate<? super T> predicate;
    private boolean skipping = true;

    SkipWhileStream(Stream<T> upstream, ThrowingPredicate<? super T> predicate) {
      super(upstream);
      this.predicate = predicate;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      while (true) {
        Poll<T> p = pollUpstream(cx);
        if (p.isPending() || Stream.isEnd(p) || !skipping) {
          return p;
        }
        try {
          skipping = predicate.test(p.value());
        } catch (Exception e) {
          throw fail(e);
        }
        if (!skipping) {
          return p;
        }
      }
    }
  }

  /** {@code stream.takeUntil(stop)}. */
  static final class TakeUntilStream<T> extends Upstream<T, T> {
    private Future<?> stop;

    TakeUntilStream(Stream<T> upstream, Future<?> stop) {
      super(upstream);
      this.stop = stop;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      Future<?> s = stop;
      if (s != null) {
        Poll<?> done;
        try {
          done = s.poll(cx);
        } catch (Exception e) {
          stop = null;
          Cancel.afterFailure(s, e); // it failed: dropped
          throw fail(e);
        }
        if (done.isReady()) {
          stop = null;
          cancelUpstream();
          return Stream.end();
        }
      }
      Poll<T> p;
      try {
        p = pollUpstream(cx);
      } catch (Exception e) {
        // The stream failed: a borrowing next() will not cancel it, so release stop now.
        Future<?> st = stop;
        stop = null;
        throw Cancel.afterFailure(st, e);
      }
      if (Stream.isEnd(p)) {
        cancelStop();
      }
      return p;
    }

    private void cancelStop() {
      Future<?> s = stop;
      stop = null;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void cancel() {
      cancelUpstreamAfter(this::cancelStop);
    }
  }

  /**
   * {@code stream.fuse()}: ends for good once the upstream ended or failed. A fused stream may be
   * polled after its end, so it is the stream to keep in a loop that polls conditionally.
   */
  static final class FuseStream<T> extends Upstream<T, T> {
    FuseStream(Stream<T> upstream) {
      super(upstream);
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      try {
        return pollUpstream(cx);
      } catch (Exception e) {
        // A failed upstream is done: later polls see the end, and it is dropped, so cancelled.
        Stream<T> failed = upstream;
        upstream = StreamPolls.ended();
        throw StreamPolls.cancelAfterFailure(failed, e);
      }
    }
  }
}
