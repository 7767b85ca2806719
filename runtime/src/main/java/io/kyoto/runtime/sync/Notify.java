package io.kyoto.runtime.sync;

import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.sync.WaitList;
import io.kyoto.runtime.internal.sync.WakeList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notifies a single task, or all waiting tasks, of an event; the building block of hand-made
 * primitives (tokio's {@code Notify}).
 *
 * <p>{@link #notified()} returns a {@link Notified} future; {@link #notifyOne()} completes the
 * oldest waiting one, or, if none waits, stores a single <em>permit</em> that the next {@code
 * Notified} consumes at once. Permits do not add up: many {@code notifyOne()} calls with nobody
 * waiting store one. {@link #notifyWaiters()} completes every waiter and stores nothing.
 *
 * {@snippet :
 * // the consumer: wait until something changed, then look
 * Future<Void> changed = notify.notified();
 * // the producer, after changing the shared state
 * notify.notifyOne();
 * }
 *
 * <h2>Which futures {@code notifyWaiters} completes</h2>
 *
 * <p>As in tokio, {@link #notifyWaiters()} completes every {@code Notified} <em>created</em> before
 * the call that has not completed yet, whether or not it was polled: each {@code Notified}
 * remembers how many {@code notifyWaiters} calls had happened when {@link #notified()} made it, and
 * completes at its first poll if that number has changed. So a check-then-wait loop does not lose a
 * wake-up: create the future, check the condition, then wait.
 *
 * <p>A {@code notifyOne} permit, on the other hand, goes only to a future that is queued (polled,
 * or {@linkplain Notified#enable() enabled}) or to the next one to poll. Use {@link
 * Notified#enable()} to queue a future without polling it.
 *
 * <p><b>Thread safety:</b> thread safe. Wakers are called after the internal lock is released.
 */
public final class Notify {
  // state = (notifyWaiters calls << 2) | EMPTY/WAITING/NOTIFIED.
  // WAITING iff the list is non-empty; it is entered and left only under the lock. EMPTY <->
  // NOTIFIED may also change by CAS without the lock (storing and consuming the permit).
  static final int EMPTY = 0;
  static final int WAITING = 1;
  static final int NOTIFIED = 2;
  private static final long STATE_MASK = 3;
  private static final int CALLS_SHIFT = 2;
  private static final long CALL = 1L << CALLS_SHIFT;

  /** How a waiter was notified. */
  static final int NONE = 0;

  static final int ONE_FIFO = 1;
  static final int ONE_LIFO = 2;
  static final int ALL = 3;

  private final AtomicLong state = new AtomicLong();
  private final Object lock = new Object();
  private final WaitList<Waiter> waiters = new WaitList<>(); // guarded by lock

  /** Creates a notify with no stored permit. */
  public Notify() {}

  /** A queued {@link Notified}. */
  static final class Waiter extends WaitList.Node<Waiter> {
    Waker waker; // guarded by lock; null when enabled but never polled
    volatile int notification; // written under the lock

    Waiter(Waker waker) {
      this.waker = waker;
    }
  }

  /**
   * {@return a future that completes when this notify is notified} Nothing is registered until it
   * is polled or {@linkplain Notified#enable() enabled}, except its place in the {@link
   * #notifyWaiters()} count: see the class documentation.
   *
   * <p><b>Cancel safety:</b> not cancel safe. The futures wait in a FIFO queue, and cancelling one
   * loses its place in the queue. A notification from {@link #notifyOne()} that reached the future
   * but was not yet observed is passed on to the next waiter (or stored as the permit), never lost.
   */
  public Notified notified() {
    return new Notified(this, state.get() >>> CALLS_SHIFT);
  }

  /**
   * Notifies the first waiting task, or stores a permit for the next {@link #notified()} if none
   * waits. At most one permit is stored.
   */
  public void notifyOne() {
    notify(false);
  }

  /**
   * Notifies the most recently queued waiting task (LIFO), or stores a permit if none waits
   * (tokio's {@code notify_last}).
   */
  public void notifyLast() {
    notify(true);
  }

  /**
   * Notifies every {@link Notified} created before this call that has not completed; stores no
   * permit, and leaves a stored permit in place.
   */
  public void notifyWaiters() {
    WakeList wakes = new WakeList();
    synchronized (lock) {
      long cur = state.get();
      if ((cur & STATE_MASK) != WAITING) {
        state.addAndGet(CALL); // atomic: a permit may be stored or consumed concurrently
      } else {
        Waiter w;
        while ((w = waiters.popFirst()) != null) {
          w.notification = ALL;
          wakes.add(w.waker);
          w.waker = null;
        }
        state.set((cur + CALL) & ~STATE_MASK);
      }
    }
    wakes.wakeAll();
  }

  private void notify(boolean lifo) {
    long cur = state.get();
    while ((cur & STATE_MASK) != WAITING) {
      if ((cur & STATE_MASK) == NOTIFIED) {
        return; // permits coalesce
      }
      long witness = state.compareAndExchange(cur, cur | NOTIFIED);
      if (witness == cur) {
        return;
      }
      cur = witness;
    }
    Waker w;
    synchronized (lock) {
      w = notifyLocked(lifo);
    }
    if (w != null) {
      w.wake();
    }
  }

  /** Hands one notification to a waiter, or stores the permit. Lock held. */
  private Waker notifyLocked(boolean lifo) {
    long cur = state.get();
    while (true) {
      long s = cur & STATE_MASK;
      if (s == WAITING) {
        // While WAITING the state changes only under the lock, so plain sets are safe.
        Waiter w = lifo ? waiters.popLast() : waiters.popFirst();
        Waker waker = w.waker;
        w.waker = null;
        w.notification = lifo ? ONE_LIFO : ONE_FIFO;
        if (waiters.isEmpty()) {
          state.set(cur & ~STATE_MASK);
        }
        return waker;
      }
      if (s == NOTIFIED) {
        return null;
      }
      long witness = state.compareAndExchange(cur, cur | NOTIFIED);
      if (witness == cur) {
        return null;
      }
      cur = witness;
    }
  }

  /** {@link #register} outcome: queued. */
  static final int QUEUED = 0;

  /** {@link #register} outcome: completed by a {@code notifyWaiters} call since creation. */
  static final int BY_ALL = 1;

  /** {@link #register} outcome: completed by consuming the stored permit. */
  static final int BY_PERMIT = 2;

  /**
   * Registers {@code notified}: completes it at once if {@code notifyWaiters} was called since it
   * was created or a permit is stored, else queues it.
   *
   * @return {@link #QUEUED}, {@link #BY_ALL} or {@link #BY_PERMIT}
   */
  int register(Notified notified, Waker waker) {
    long calls = notified.calls;
    long cur = state.get();
    if ((cur >>> CALLS_SHIFT) != calls) {
      return BY_ALL;
    }
    if ((cur & STATE_MASK) == NOTIFIED && state.compareAndSet(cur, cur & ~STATE_MASK)) {
      return BY_PERMIT;
    }
    synchronized (lock) {
      cur = state.get();
      while (true) {
        if ((cur >>> CALLS_SHIFT) != calls) {
          return BY_ALL;
        }
        long s = cur & STATE_MASK;
        if (s == WAITING) {
          break;
        }
        long next = s == NOTIFIED ? cur & ~STATE_MASK : cur | WAITING;
        long witness = state.compareAndExchange(cur, next);
        if (witness == cur) {
          if (s == NOTIFIED) {
            return BY_PERMIT;
          }
          break;
        }
        cur = witness;
      }
      Waiter w = new Waiter(waker);
      waiters.pushBack(w);
      notified.node = w;
      return QUEUED;
    }
  }

  /** A later poll of a queued future: true if notified, else stores the latest waker. */
  boolean pollQueued(Waiter w, Waker waker) {
    if (w.notification != NONE) {
      return true;
    }
    synchronized (lock) {
      if (w.notification != NONE) {
        return true;
      }
      w.waker = waker;
      return false;
    }
  }

  /** Cancels a queued future; passes on a {@code notifyOne} it received but did not observe. */
  void cancelQueued(Waiter w) {
    Waker forward = null;
    synchronized (lock) {
      if (waiters.remove(w) && waiters.isEmpty()) {
        long cur = state.get();
        if ((cur & STATE_MASK) == WAITING) {
          state.set(cur & ~STATE_MASK);
        }
      }
      w.waker = null;
      int n = w.notification;
      if (n == ONE_FIFO || n == ONE_LIFO) {
        forward = notifyLocked(n == ONE_LIFO);
      }
    }
    if (forward != null) {
      forward.wake();
    }
  }

  @Override
  public String toString() {
    long s = state.get() & STATE_MASK;
    return "Notify{" + (s == WAITING ? "waiting" : s == NOTIFIED ? "permit stored" : "empty") + "}";
  }
}
