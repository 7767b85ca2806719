package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.task.Cancel;

/**
 * The skeleton of a combinator with one upstream, and the discipline around it.
 *
 * <p>The upstream is replaced by {@link StreamPolls#ended()} once it has ended or been cancelled,
 * so subclasses are fused for free and never poll an upstream that ended. When a user function
 * throws (or produces null), subclasses {@code throw fail(e)}: the upstream is cancelled before the
 * exception propagates, because a stream that failed is not cancelled by a borrowing consumer
 * ({@link Stream#next()}). An upstream that failed is kept, so that the owner's {@link #cancel()},
 * the drop of this failed stream, reaches it.
 *
 * @param <T> the upstream's items' type
 * @param <U> this stream's items' type
 */
abstract class Upstream<T, U> implements Stream<U> {
  Stream<T> upstream;

  Upstream(Stream<T> upstream) {
    this.upstream = upstream;
  }

  /**
   * Polls the upstream, forgetting it once it has ended. A failed upstream is kept, so that a later
   * {@link #cancel()} still reaches it (harmless by the {@link Stream} contract).
   */
  final Poll<T> pollUpstream(Context cx) throws Exception {
    Poll<T> p = upstream.pollNext(cx);
    if (Stream.isEnd(p)) {
      upstream = StreamPolls.ended();
    }
    return p;
  }

  /**
   * Cancels the upstream (once) and returns {@code error}, for {@code throw fail(e)}. What the
   * upstream's cancel() throws is added to {@code error} as suppressed: the failure stays the
   * outcome.
   */
  final <E extends Exception> E fail(E error) {
    Stream<T> u = upstream;
    upstream = StreamPolls.ended();
    return StreamPolls.cancelAfterFailure(u, error);
  }

  /**
   * Runs {@code cancelOther} (which cancels what this combinator holds besides the upstream: a
   * future, an inner stream), then cancels the upstream even if {@code cancelOther} threw; the
   * first exception goes on, a later one suppressed into it.
   */
  final void cancelUpstreamAfter(Runnable cancelOther) {
    Throwable thrown = null;
    try {
      cancelOther.run();
    } catch (Throwable t) { // the upstream still holds what it registered: go on
      thrown = t;
    }
    Stream<T> u = upstream;
    upstream = StreamPolls.ended();
    Cancel.rethrow(StreamPolls.cancel(u, thrown));
  }

  final void cancelUpstream() {
    Stream<T> u = upstream;
    upstream = StreamPolls.ended();
    u.cancel();
  }

  /**
   * Forwards to the upstream, where a borrower's pending poll left its waker (a combinator that
   * also waits on something else, a future or an inner stream, may leave it there too: that one
   * wakes the borrower at most once more).
   */
  @Override
  public void withdrawNext(Waker waker) {
    upstream.withdrawNext(waker);
  }

  @Override
  public void cancel() {
    cancelUpstream();
  }
}
