package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link FlowAdapters#toPublisher}: a {@link Stream} pushed to one {@link Flow.Subscriber}.
 *
 * <h2>Protocol</h2>
 *
 * <ol>
 *   <li>{@code subscribe} takes the stream (a stream can be consumed once; later subscribers get
 *       {@code onSubscribe} then {@code onError}, §1.9), calls {@code onSubscribe} on the caller's
 *       thread, then spawns the {@link Emitter}'s task on the runtime. Spawning after {@code
 *       onSubscribe} returned orders it before every later signal (§1.3).
 *   <li>Every signal after {@code onSubscribe} comes from that task, so signals are serial. The
 *       stream is polled and cancelled only by that task: it is not thread safe.
 *   <li>{@code request(n)} adds to {@code demand} (capped at {@code Long.MAX_VALUE}, which means
 *       unbounded, §3.17) and wakes the task if the demand was zero. {@code request(n <= 0)} and
 *       {@code cancel()} only set a flag and wake the task, which acts on it: {@code onError} with
 *       {@link IllegalArgumentException} (§3.9), or silence (§3.7), and cancels the stream. Neither
 *       calls into the subscriber, so they are safe to call from {@code onNext} (§3.3).
 *   <li>The task polls the stream only while the demand is positive, and decrements it before each
 *       {@code onNext}, so it never signals more than was requested (§1.1).
 * </ol>
 *
 * <p>Wake-ups are a Dekker pair on volatiles: the task writes {@code waker}, then reads {@code
 * demand} and the flags; {@code request} and {@code cancel} write those, then read {@code waker}.
 */
final class StreamPublisher<T> implements Flow.Publisher<T> {
  private final AtomicReference<Stream<? extends T>> stream;
  private final Handle handle;

  StreamPublisher(Stream<? extends T> stream, Handle handle) {
    this.stream = new AtomicReference<>(stream);
    this.handle = handle;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // §1.9
    Stream<? extends T> s = stream.getAndSet(null);
    if (s == null) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(
          new IllegalStateException(
              "this publisher already has a subscriber: the stream it publishes can be consumed"
                  + " once"));
      return;
    }
    Emitter<T> emitter = new Emitter<>(StreamPolls.widen(s), subscriber);
    try {
      subscriber.onSubscribe(emitter);
    } catch (RuntimeException e) {
      s.cancel(); // §2.13: the subscription is void; the stream was never polled
      throw e;
    }
    try {
      handle.spawn(emitter.task);
    } catch (RuntimeException e) {
      s.cancel();
      emitter.failToStart(e);
    }
  }

  @Override
  public String toString() {
    return "FlowAdapters.toPublisher(" + handle + ")";
  }

  /** The subscription, and the task that polls the stream for it. */
  static final class Emitter<T> implements Flow.Subscription {
    private final Stream<T> stream;
    private final Flow.Subscriber<? super T> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;
    private volatile IllegalArgumentException badRequest;
    private volatile Waker waker;

    /** Task-confined: set once a terminal signal was sent or the subscription was cancelled. */
    private boolean finished;

    final Future<Void> task =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return drive(cx);
          }

          @Override
          public void cancel() {
            abandon();
          }
        };

    Emitter(Stream<T> stream, Flow.Subscriber<? super T> subscriber) {
      this.stream = stream;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        if (badRequest == null) {
          badRequest =
              new IllegalArgumentException(
                  "Reactive Streams §3.9: request(n) needs a positive n, got " + n);
        }
        wake();
        return;
      }
      long before = demand.getAndAccumulate(n, Emitter::addCapped);
      if (before == 0) {
        wake();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      wake();
    }

    private static long addCapped(long a, long b) {
      long sum = a + b;
      return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private void wake() {
      Waker w = waker;
      if (w != null) {
        w.wake();
      }
    }

    void failToStart(RuntimeException cause) {
      finished = true;
      if (!cancelled) {
        subscriber.onError(cause);
      }
    }

    private Poll<Void> drive(Context cx) {
      if (finished) {
        return Poll.ready(null);
      }
      waker = cx.waker();
      while (true) {
        if (cancelled) {
          finish();
          return Poll.ready(null);
        }
        IllegalArgumentException bad = badRequest;
        if (bad != null) {
          finish();
          subscriber.onError(bad);
          return Poll.ready(null);
        }
        long d = demand.get();
        if (d == 0) {
          return Poll.pending();
        }
        Poll<T> p;
        try {
          p = stream.pollNext(cx);
        } catch (Exception e) {
          finish();
          subscriber.onError(e);
          return Poll.ready(null);
        }
        if (p.isPending()) {
          return Poll.pending();
        }
        if (Stream.isEnd(p)) {
          finished = true;
          subscriber.onComplete();
          return Poll.ready(null);
        }
        T item = p.value();
        if (item == null) {
          finish();
          subscriber.onError(StreamPolls.nullItem("the stream")); // §2.13: never signal null
          return Poll.ready(null);
        }
        if (d != Long.MAX_VALUE) {
          demand.decrementAndGet();
        }
        try {
          subscriber.onNext(item);
        } catch (RuntimeException e) {
          finish(); // §2.13: a subscriber that throws has cancelled its subscription
          throw e;
        }
        if (!cx.tryConsumeBudget()) {
          cx.waker().wake();
          return Poll.pending();
        }
      }
    }

    /** Stops for good and releases the stream (also after its failure: harmless). */
    private void finish() {
      finished = true;
      stream.cancel();
    }

    /**
     * The task was cancelled (runtime shutdown, abort): tell the subscriber, release the stream.
     */
    private void abandon() {
      if (finished) {
        return;
      }
      finish();
      if (!cancelled) {
        subscriber.onError(
            new CancellationException("the runtime task publishing the stream was cancelled"));
      }
    }
  }
}
