package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.internal.task.Cancel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The combinators that batch items or use the runtime clock: {@code chunks}, {@code chunksTimeout},
 * {@code timeout}, {@code throttle}. Timers are created lazily, inside the polling task, so their
 * deadlines are measured on that task's runtime clock.
 */
final class TimeStreams {
  private TimeStreams() {}

  /**
   * {@code stream.chunks(size)} and {@code stream.chunksTimeout(size, timeout)}: with a timeout,
   * the timer starts with a chunk's first item.
   *
   * <p>Nothing pulled is lost: when the upstream fails while a partial chunk is held, that chunk is
   * yielded first and the failure is kept in {@link #failure}, to be thrown by the next poll (the
   * upstream itself is not polled again). In that state {@link #cancel()} still reaches the failed
   * upstream, the drop its owner owes it, and {@link #withdrawNext} still forwards to it.
   */
  static final class ChunksStream<T> extends Upstream<T, List<T>> {
    private final int size;
    private final Duration timeout; // null: chunks(size), no timer
    private List<T> chunk;
    private Sleep deadline;
    private Exception failure; // the upstream's, deferred behind the partial chunk

    ChunksStream(Stream<T> upstream, int size, Duration timeout) {
      super(upstream);
      this.size = size;
      this.timeout = timeout;
    }

    @Override
    public Poll<List<T>> pollNext(Context cx) throws Exception {
      Exception f = failure;
      if (f != null) {
        failure = null;
        throw f;
      }
      while (true) {
        Poll<T> p;
        try {
          p = pollUpstream(cx);
        } catch (Exception e) {
          if (chunk == null) {
            throw e;
          }
          failure = e;
          return emit();
        }
        if (p.isPending()) {
          if (deadline != null && deadline.poll(cx).isReady()) {
            return emit();
          }
          return Poll.pending();
        }
        if (Stream.isEnd(p)) {
          return chunk == null ? Stream.end() : emit();
        }
        if (chunk == null) {
          chunk = new ArrayList<>(Math.min(size, 64)); // a huge size is a bound, not a reservation
          if (timeout != null) {
            deadline = Time.sleep(timeout);
          }
        }
        chunk.add(p.value());
        if (chunk.size() == size) {
          return emit();
        }
      }
    }

    private Poll<List<T>> emit() {
      cancelDeadline();
      List<T> out = chunk;
      chunk = null;
      return Poll.ready(out);
    }

    private void cancelDeadline() {
      Sleep d = deadline;
      deadline = null;
      if (d != null) {
        d.cancel();
      }
    }

    @Override
    public void cancel() {
      chunk = null;
      failure = null;
      cancelUpstreamAfter(this::cancelDeadline);
    }
  }

  /**
   * {@code stream.timeout(duration)}: each wait for an item is a {@link Time#timeout} around a
   * reusable future that polls the upstream, so the deadline is checked outside the coop budget as
   * for futures. On timeout, {@code Time.timeout} cancels that future, which cancels the upstream.
   */
  static final class TimeoutStream<T> extends Upstream<T, T> {
    private final Duration duration;
    private Future<T> waiting;
    private boolean ended;

    /** The inner future of every wait: the next poll of the upstream. */
    private final Future<T> next =
        new Future<>() {
          @Override
          public Poll<T> poll(Context cx) throws Exception {
            Poll<T> p = pollUpstream(cx);
            if (Stream.isEnd(p)) {
              ended = true;
            }
            return p;
          }

          @Override
          public void cancel() {
            cancelUpstream();
          }
        };

    TimeoutStream(Stream<T> upstream, Duration duration) {
      super(upstream);
      this.duration = duration;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      if (ended) {
        return Stream.end();
      }
      if (waiting == null) {
        waiting = Time.timeout(duration, next);
      }
      Poll<T> p;
      try {
        p = waiting.poll(cx);
      } catch (Exception e) {
        // A timeout cancelled the upstream; an upstream failure is its own end. Either way the
        // timeout future is dropped (it has nothing left to release once it threw).
        Cancel.afterFailure(waiting, e);
        waiting = null;
        throw e;
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      waiting = null;
      // The end marker travels through Time.timeout as a value; the flag says so for certain.
      return ended ? Stream.end() : p;
    }

    @Override
    public void cancel() {
      Future<T> w = waiting;
      waiting = null;
      if (w != null) {
        w.cancel(); // releases the timer, and cancels the upstream through next.cancel()
      }
      cancelUpstream();
    }
  }

  /**
   * {@code stream.throttle(duration)}: after each item, the upstream rests for {@code duration}.
   */
  static final class ThrottleStream<T> extends Upstream<T, T> {
    private final Duration duration;
    private Sleep rest;

    ThrottleStream(Stream<T> upstream, Duration duration) {
      super(upstream);
      this.duration = duration;
    }

    @Override
    public Poll<T> pollNext(Context cx) throws Exception {
      if (rest != null) {
        if (rest.poll(cx).isPending()) {
          return Poll.pending();
        }
        rest = null;
      }
      Poll<T> p = pollUpstream(cx);
      if (p.isReady() && !Stream.isEnd(p) && !duration.isZero() && !duration.isNegative()) {
        rest = Time.sleep(duration);
      }
      return p;
    }

    @Override
    public void cancel() {
      Sleep r = rest;
      rest = null;
      if (r != null) {
        r.cancel();
      }
      cancelUpstream();
    }
  }
}
