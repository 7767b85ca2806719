package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.function.BooleanSupplier;

/**
 * Futures that complete once a condition holds ({@code Sender.closed()} and the like), and the
 * notifications that re-check them.
 *
 * <p>Protocol: a notifier first makes the condition true (a volatile or locked write in the owner),
 * then calls {@link #notifyWaiters()}, which takes this object's lock. A waiter checks the
 * condition and enqueues itself under the same lock. Either the waiter's critical section comes
 * first, and the notifier finds it queued, or the notifier's change precedes the waiter's check.
 * The condition may become false again later (a watch receiver subscribes): a woken future checks
 * it again and waits again if it no longer holds, as tokio's loop around {@code Notify}.
 */
public final class CondWaiters {
  private final WaitList list = new WaitList(); // guarded by this

  /** Creates an empty set of waiters. */
  public CondWaiters() {}

  /**
   * {@return a future that completes once {@code cond} holds}
   *
   * @param cond the condition; read with this object's lock held, must not block
   */
  public Future<Void> await(BooleanSupplier cond) {
    return new Waiter(cond);
  }

  /**
   * The end of a receiver's close: wakes its pending operation ({@code waiting}, if any), then,
   * even if that waker threw, notifies {@code waiters} when {@code notify} (the last receiver
   * left).
   *
   * @param waiting the closed receiver's pending waker, or null
   * @param notify whether to notify {@code waiters}
   * @param waiters the sender side's waiters for "no receivers left"
   */
  static void wakeThenNotify(Waker waiting, boolean notify, CondWaiters waiters) {
    try {
      if (waiting != null) {
        waiting.wake();
      }
    } finally {
      if (notify) {
        waiters.notifyWaiters();
      }
    }
  }

  /** Wakes every waiter so that it re-checks its condition. */
  public void notifyWaiters() {
    Wakers w;
    synchronized (this) {
      w = list.drain();
    }
    Wakers.wakeAll(w);
  }

  private final class Waiter extends WaitNode implements Future<Void> {
    private final BooleanSupplier cond;

    Waiter(BooleanSupplier cond) {
      this.cond = cond;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      if (cond.getAsBoolean()) {
        cancel();
        return Poll.ready(null);
      }
      synchronized (CondWaiters.this) {
        if (cond.getAsBoolean()) {
          list.remove(this);
          return Poll.ready(null);
        }
        setWaker(cx.waker());
        if (!isQueued()) {
          list.addLast(this);
        }
      }
      return Poll.pending();
    }

    @Override
    public void cancel() {
      synchronized (CondWaiters.this) {
        list.remove(this);
      }
    }
  }
}
