package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.Cancel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Futures#join(List)} for many futures: polls only the futures that were woken, as tokio's
 * {@code join_all} switches to {@code FuturesOrdered} past a small size. Each child gets its own
 * waker (allocated once) that queues the child and wakes the joining task; re-polling every child
 * on every wake would cost O(n) per wake-up, and with the coop budget a join of thousands of join
 * handles would never go idle.
 *
 * @param <T> the values' type
 */
final class JoinAll<T> implements Future<List<T>> {
  /** Below this size, polling every child is cheaper than per-child wakers (tokio uses 30). */
  static final int SMALL = 32;

  private final Future<? extends T>[] futures;
  private final Object[] values;
  private final Child[] children;
  private final ConcurrentLinkedQueue<Child> ready = new ConcurrentLinkedQueue<>();
  private volatile Waker parent;
  private int remaining;
  private boolean started;

  /** One child's waker and context; {@code queued} keeps it in {@link #ready} at most once. */
  private final class Child implements Waker {
    final int index;
    final Context cx = new Context(this);
    final AtomicBoolean queued = new AtomicBoolean();

    Child(int index) {
      this.index = index;
    }

    @Override
    public void wake() {
      if (queued.compareAndSet(false, true)) {
        ready.add(this);
        Waker p = parent;
        if (p != null) {
          p.wake();
        }
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays need a raw Future[] to start
  JoinAll(List<? extends Future<? extends T>> list) {
    this.futures = list.toArray(new Future[0]);
    this.values = new Object[futures.length];
    this.children = new JoinAll.Child[futures.length];
    this.remaining = futures.length;
  }

  @Override
  @SuppressWarnings("unchecked") // values[i] came from futures[i], a Future<? extends T>
  public Poll<List<T>> poll(Context cx) throws Exception {
    parent = cx.waker();
    if (!started) {
      started = true;
      for (int i = 0; i < futures.length; i++) {
        children[i] = new Child(i);
        children[i].queued.set(true);
        ready.add(children[i]);
      }
    }
    Child c;
    int polled = 0;
    while (remaining > 0 && (c = ready.poll()) != null) {
      if (polled++ == futures.length) {
        // As tokio's FuturesUnordered: a child that wakes itself at every poll would otherwise
        // be polled again and again here, and the task would never yield. It stays queued.
        ready.add(c);
        cx.waker().wake();
        return Poll.pending();
      }
      c.queued.set(false); // a wake from now on queues it again
      Future<? extends T> f = futures[c.index];
      if (f == null) {
        continue;
      }
      c.cx.setBudget(cx.budget());
      Poll<? extends T> p;
      try {
        p = f.poll(c.cx);
      } catch (Exception | Error e) { // an Error too: the others must not stay registered
        futures[c.index] = null;
        Cancel.afterFailure(f, e); // dropped: releases what the failed future still holds
        Cancel.afterFailure(this, e); // the others, each even if another's cancel throws
        throw e;
      } finally {
        cx.setBudget(c.cx.budget());
      }
      if (p.isReady()) {
        values[c.index] = p.value();
        futures[c.index] = null;
        remaining--;
      } else if (!cx.hasBudgetRemaining()) {
        return Poll.pending(); // the child that ran out of budget queued itself and woke us
      }
    }
    if (remaining > 0) {
      return Poll.pending();
    }
    List<T> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add((T) v);
    }
    return Poll.ready(out);
  }

  @Override
  public void cancel() {
    Throwable thrown = null;
    for (int i = 0; i < futures.length; i++) {
      Future<? extends T> f = futures[i];
      if (f != null) {
        futures[i] = null;
        try {
          f.cancel();
        } catch (Throwable t) { // the others still hold what they registered: go on
          thrown = Cancel.collect(thrown, t);
        }
      }
    }
    ready.clear();
    Cancel.rethrow(thrown);
  }

  @Override
  public String toString() {
    return Futures.describeJoin(futures);
  }
}
