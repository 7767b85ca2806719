package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Publishers, subscribers and a latch future for {@link StreamFlowAdaptersTest}. */
final class FlowTestSupport {
  private FlowTestSupport() {}

  /** A future that completes once {@link #open()} is called, from any thread. */
  static final class Latch implements Future<Void> {
    private volatile boolean open;
    private volatile Waker waker;

    void open() {
      open = true;
      Waker w = waker;
      if (w != null) {
        w.wake();
      }
    }

    boolean isOpen() {
      return open;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      if (open) {
        return Poll.ready(null);
      }
      waker = cx.waker();
      return open ? Poll.ready(null) : Poll.pending();
    }
  }

  /**
   * Wraps a publisher to watch the subscriber's side of the protocol: the most items ever requested
   * and not yet delivered, requests after cancel, cancels.
   */
  static final class Watched<T> implements Flow.Publisher<T> {
    private final Flow.Publisher<T> inner;
    final AtomicLong requested = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong maxOutstanding = new AtomicLong();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger subscribes = new AtomicInteger();
    final AtomicBoolean requestAfterCancel = new AtomicBoolean();
    final CountDownLatch subscribed = new CountDownLatch(1);

    Watched(Flow.Publisher<T> inner) {
      this.inner = inner;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      subscribes.incrementAndGet();
      inner.subscribe(
          new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              subscriber.onSubscribe(
                  new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                      if (cancels.get() > 0) {
                        requestAfterCancel.set(true);
                      }
                      long out = requested.addAndGet(n) - delivered.get();
                      maxOutstanding.accumulateAndGet(out, Math::max);
                      s.request(n);
                    }

                    @Override
                    public void cancel() {
                      cancels.incrementAndGet();
                      s.cancel();
                    }
                  });
              subscribed.countDown();
            }

            @Override
            public void onNext(T item) {
              delivered.incrementAndGet();
              subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable t) {
              subscriber.onError(t);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
    }
  }

  /**
   * A synchronous publisher of {@code 0, 1, ...}: each {@code request(n)} emits up to {@code n}
   * items on the caller's thread, then, once {@code count} items are out, the terminal signal
   * ({@code failure} or completion). {@code count < 0} means endless.
   */
  static final class Counting implements Flow.Publisher<Integer> {
    private final long count;
    private final Throwable failure;

    Counting(long count, Throwable failure) {
      this.count = count;
      this.failure = failure;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Integer> subscriber) {
      subscriber.onSubscribe(subscriptionFor(subscriber));
    }

    Flow.Subscription subscriptionFor(Flow.Subscriber<? super Integer> subscriber) {
      return new Flow.Subscription() {
        private int next;
        private boolean cancelled;
        private boolean done;

        @Override
        public void request(long n) {
          for (long i = 0; i < n && !cancelled && !done; i++) {
            if (count >= 0 && next >= count) {
              break;
            }
            subscriber.onNext(next++);
          }
          if (!cancelled && !done && count >= 0 && next >= count) {
            done = true;
            if (failure != null) {
              subscriber.onError(failure);
            } else {
              subscriber.onComplete();
            }
          }
        }

        @Override
        public void cancel() {
          cancelled = true;
        }
      };
    }
  }

  /**
   * A subscriber that records what it receives and fails if ever signalled beyond its demand. By
   * default it requests nothing: the test drives demand with {@link #request}, or {@code onStart}.
   */
  static final class Recording<T> implements Flow.Subscriber<T> {
    final List<T> items = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong requested = new AtomicLong();
    final AtomicInteger onSubscribes = new AtomicInteger();
    final AtomicInteger completions = new AtomicInteger();
    final AtomicBoolean overDemand = new AtomicBoolean();
    final Latch done = new Latch();
    volatile Throwable error;
    volatile Flow.Subscription subscription;
    volatile Consumer<Recording<T>> onStart = r -> {};
    volatile BiConsumer<Recording<T>, T> onItem = (r, t) -> {};

    void request(long n) {
      requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      subscription.request(n);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      onSubscribes.incrementAndGet();
      subscription = s;
      onStart.accept(this);
    }

    @Override
    public void onNext(T item) {
      items.add(item);
      if (items.size() > requested.get()) {
        overDemand.set(true);
      }
      onItem.accept(this, item);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.open();
    }

    @Override
    public void onComplete() {
      completions.incrementAndGet();
      done.open();
    }
  }
}
