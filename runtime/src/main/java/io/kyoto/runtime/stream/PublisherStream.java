package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@link FlowAdapters#toStream}: a {@link Flow.Publisher} pulled as a {@link Stream}.
 *
 * <h2>Protocol</h2>
 *
 * <ol>
 *   <li>The first {@link #pollNext} subscribes. The {@link Inbox} (the subscriber) only records
 *       signals and wakes the polling task; it never calls the subscription itself.
 *   <li>Every {@code request} and {@code cancel} is made by the owning task, from {@code pollNext}
 *       or {@link #cancel()}, so they are serial (§2.7). The first poll that sees the subscription
 *       requests {@code prefetch}; after that, every {@code batch} items taken from the inbox are
 *       requested again. So requested minus taken never exceeds {@code prefetch}: neither the
 *       outstanding demand nor the inbox ever holds more than {@code prefetch} items.
 *   <li>The inbox is a single-producer single-consumer ring of {@code prefetch} slots: the
 *       publisher's signals are serialized (§1.3), the owning task is the only consumer. An item
 *       beyond the demand requested so far (§1.1) fails the stream, even if the ring has room.
 *   <li>{@code onError}/{@code onComplete} are seen after the items before them: the consumer reads
 *       {@code done} before it looks at the ring a last time.
 *   <li>Cancelling swaps the subscription slot to {@code CANCELLED} and cancels what it held; an
 *       {@code onSubscribe} that arrives afterwards (or a second one, §2.5) is cancelled at once.
 * </ol>
 *
 * <p>Wake-ups are a Dekker pair on volatiles: the task writes {@code waker}, then reads {@code
 * tail} and {@code done}; the publisher writes {@code tail} or {@code done}, then reads {@code
 * waker}.
 */
final class PublisherStream<T> implements Stream<T> {
  private static final Object CANCELLED = new Object();

  private final Flow.Publisher<? extends T> publisher;
  private final int prefetch;
  private final int batch;
  private final Inbox<T> inbox;
  private boolean subscribed;
  private boolean requested;
  private int taken;
  private boolean finished;

  PublisherStream(Flow.Publisher<? extends T> publisher, int prefetch) {
    this.publisher = publisher;
    this.prefetch = prefetch;
    this.batch = Math.max(1, prefetch - (prefetch >> 2)); // replenish at 75%, as limitRate does
    this.inbox = new Inbox<>(prefetch);
  }

  @Override
  public Poll<T> pollNext(Context cx) throws Exception {
    if (finished) {
      return Stream.end();
    }
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    inbox.waker = cx.waker();
    if (!subscribed) {
      subscribed = true;
      publisher.subscribe(inbox);
    }
    if (!requested) {
      Flow.Subscription s = inbox.subscription();
      if (s != null) {
        requested = true;
        inbox.demand = prefetch; // before the request: its items may come on another thread
        s.request(prefetch);
      }
    }
    T item = inbox.poll();
    if (item != null) {
      if (++taken >= batch && !inbox.done) {
        Flow.Subscription s = inbox.subscription();
        if (s != null) {
          inbox.demand += taken;
          s.request(taken);
        }
        taken = 0;
      }
      return Poll.ready(item);
    }
    if (!inbox.done) {
      return Poll.pending();
    }
    item = inbox.poll(); // the last items may have landed between the two reads
    if (item != null) {
      return Poll.ready(item);
    }
    return terminate();
  }

  private Poll<T> terminate() throws Exception {
    finished = true;
    Throwable error = inbox.error;
    Object held = inbox.slot.getAndSet(CANCELLED);
    if (inbox.overflow && held instanceof Flow.Subscription s) {
      s.cancel(); // the publisher broke §1.1 and may still be sending
    }
    if (error == null) {
      return Stream.end();
    }
    switch (error) {
      case Exception e -> throw e;
      case Error e -> throw e;
      default -> throw new ExecutionException(error);
    }
  }

  @Override
  public void cancel() {
    finished = true;
    inbox.done = true; // later onNext signals are dropped
    Object held = inbox.slot.getAndSet(CANCELLED);
    if (held instanceof Flow.Subscription s) {
      s.cancel();
    }
  }

  @Override
  public String toString() {
    return "FlowAdapters.toStream(" + publisher + ", " + prefetch + ")";
  }

  /** The subscriber: records the publisher's signals in a ring and wakes the owning task. */
  static final class Inbox<T> implements Flow.Subscriber<T> {
    /** Null, then the subscription, then {@link #CANCELLED} once the stream is done. */
    final AtomicReference<Object> slot = new AtomicReference<>();

    private final AtomicReferenceArray<T> ring;
    private final int capacity;

    /** Written by the consumer only; volatile so the producer sees free slots. */
    private volatile long head;

    /** Written by the producer only; volatile to publish the slot written before it. */
    private volatile long tail;

    /**
     * The items requested so far, written by the consumer before each {@code request}: an item
     * beyond it breaks §1.1, even while the ring has room (the consumer took items and has not
     * requested them again yet).
     */
    volatile long demand;

    volatile boolean done;
    volatile boolean overflow;
    volatile Throwable error;
    volatile Waker waker;

    Inbox(int capacity) {
      this.capacity = capacity;
      this.ring = new AtomicReferenceArray<>(capacity);
    }

    Flow.Subscription subscription() {
      return slot.get() instanceof Flow.Subscription s ? s : null;
    }

    /** Consumer side: the next item, or null if the ring is empty. */
    T poll() {
      long h = head;
      if (h == tail) {
        return null;
      }
      int i = (int) (h % capacity);
      T item = ring.get(i);
      ring.set(i, null);
      head = h + 1;
      return item;
    }

    private void wake() {
      Waker w = waker;
      if (w != null) {
        w.wake();
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      Objects.requireNonNull(subscription, "subscription"); // §2.13
      if (!slot.compareAndSet(null, subscription)) {
        subscription.cancel(); // a second subscription (§2.5), or the stream is already cancelled
        return;
      }
      wake(); // the task sends the first request
    }

    @Override
    public void onNext(T item) {
      Objects.requireNonNull(item, "item"); // §2.13
      if (done) {
        return;
      }
      long t = tail;
      if (t >= demand || t - head >= capacity) {
        error =
            new IllegalStateException(
                "the publisher signalled more items than were requested (Reactive Streams §1.1)");
        overflow = true;
        done = true;
        wake();
        return;
      }
      ring.set((int) (t % capacity), item);
      tail = t + 1;
      wake();
    }

    @Override
    public void onError(Throwable throwable) {
      Objects.requireNonNull(throwable, "throwable"); // §2.13
      if (done) {
        return;
      }
      error = throwable;
      done = true;
      wake();
    }

    @Override
    public void onComplete() {
      done = true;
      wake();
    }
  }
}
