package io.kyoto.runtime.internal.sync;

import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fair batch semaphore behind {@code Semaphore}, {@code Mutex}, {@code RwLock} and {@code
 * OnceCell} (tokio's {@code sync/batch_semaphore.rs}); its protocols are described in the package
 * documentation.
 *
 * <p>Permits are counted in a {@code long} word, {@code state = available << 1 | CLOSED}, so that
 * the uncontended paths ({@link #tryAcquire}, the first poll of an {@link Acquire} that finds
 * enough permits, {@link #forget}) are one CAS. Waiters queue in FIFO order under {@link #lock};
 * released permits are assigned to the head of the queue first, possibly in part, and only what is
 * left over goes back to the counter.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class BatchSemaphore {
  /** The most permits a semaphore can hold, as tokio's {@code usize::MAX >> 3} on 64 bits. */
  public static final long MAX_PERMITS = Long.MAX_VALUE >>> 3;

  /** Outcome: the permits were acquired. */
  public static final int ACQUIRED = 0;

  /** Outcome of {@link #tryAcquire}: not enough permits now. */
  public static final int NO_PERMITS = 1;

  /** Outcome: the semaphore is closed. */
  public static final int CLOSED = 2;

  /** Outcome of {@link Acquire#poll}: queued; the waker will be woken. */
  public static final int PENDING = 3;

  private static final long CLOSED_BIT = 1;
  private static final int SHIFT = 1;

  // Invariant, at every instant: (state >>> SHIFT) > 0 implies waiters.isEmpty(). Only the lock
  // holder links waiters, and it empties the counter first; releases fill waiters first.
  private final AtomicLong state;
  private final Object lock = new Object();
  private final WaitList<Waiter> waiters = new WaitList<>(); // guarded by lock

  /**
   * Creates a semaphore.
   *
   * @param permits the initial permits, at most {@link #MAX_PERMITS}
   * @throws IllegalArgumentException if {@code permits} is negative or too large
   */
  public BatchSemaphore(long permits) {
    if (permits < 0 || permits > MAX_PERMITS) {
      throw new IllegalArgumentException(
          "a semaphore may not have more than MAX_PERMITS ("
              + MAX_PERMITS
              + ") permits, nor fewer than 0: "
              + permits);
    }
    this.state = new AtomicLong(permits << SHIFT);
  }

  /** A queued acquisition. {@code needed} and {@code waker} are guarded by the lock. */
  static final class Waiter extends WaitList.Node<Waiter> {
    static final int WAITING = 0;
    static final int DONE = 1;
    static final int FAILED = 2;

    final long requested;
    long needed;
    Waker waker;
    // Written under the lock, read by the polling task without it. The volatile write after the
    // last assignment publishes the releaser's writes to the acquirer (release -> acquire).
    volatile int status;

    Waiter(long requested, long needed, Waker waker) {
      this.requested = requested;
      this.needed = needed;
      this.waker = waker;
    }
  }

  /** {@return the permits available now} */
  public long available() {
    return state.get() >>> SHIFT;
  }

  /** {@return whether {@link #close()} was called} */
  public boolean isClosed() {
    return (state.get() & CLOSED_BIT) != 0;
  }

  /** {@return the number of queued waiters (takes the lock; for tests and diagnostics)} */
  public int waiters() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  private static void checkCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot acquire a negative number of permits: " + n);
    }
  }

  /**
   * Takes {@code n} permits at once if they are available. Fair: while waiters are queued no permit
   * is available (the invariant above), so this never overtakes them.
   *
   * @param n the permits
   * @return {@link #ACQUIRED}, {@link #NO_PERMITS} or {@link #CLOSED}
   */
  public int tryAcquire(int n) {
    checkCount(n);
    long cur = state.get();
    while (true) {
      if ((cur & CLOSED_BIT) != 0) {
        return CLOSED;
      }
      if ((cur >>> SHIFT) < n) {
        return NO_PERMITS;
      }
      long witness = state.compareAndExchange(cur, cur - ((long) n << SHIFT));
      if (witness == cur) {
        return ACQUIRED;
      }
      cur = witness;
    }
  }

  /**
   * {@return an acquisition of {@code n} permits; nothing happens until it is polled}
   *
   * @param n the permits
   */
  public Acquire acquire(int n) {
    checkCount(n);
    return new Acquire(this, n);
  }

  /**
   * Returns {@code n} permits: the queue's head is served first (FIFO, possibly in part), the rest
   * goes back to the counter. Works after {@link #close()} too.
   *
   * @param n the permits
   * @throws IllegalArgumentException if {@code n} is negative or the total would pass {@link
   *     #MAX_PERMITS}
   */
  public void release(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot add a negative number of permits: " + n);
    }
    if (n == 0) {
      return;
    }
    WakeList wakes;
    synchronized (lock) {
      // Conservative: other threads can only lower the counter while we hold the lock.
      if (n > MAX_PERMITS - available()) {
        throw new IllegalArgumentException(
            "number of added permits (" + n + ") would overflow MAX_PERMITS (" + MAX_PERMITS + ")");
      }
      wakes = assignLocked(n, null);
    }
    if (wakes != null) {
      wakes.wakeAll();
    }
  }

  /**
   * Removes up to {@code n} available permits for good (tokio's {@code forget_permits}).
   *
   * @param n the most permits to remove
   * @return the number removed
   */
  public long forget(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot forget a negative number of permits: " + n);
    }
    long cur = state.get();
    while (true) {
      long take = Math.min(n, cur >>> SHIFT);
      if (take == 0) {
        return 0;
      }
      long witness = state.compareAndExchange(cur, cur - (take << SHIFT));
      if (witness == cur) {
        return take;
      }
      cur = witness;
    }
  }

  /**
   * Closes the semaphore: every queued acquisition fails, and so does every later one. Permits
   * assigned in part to the failed waiters go back to the counter. Idempotent.
   */
  public void close() {
    WakeList wakes = new WakeList();
    synchronized (lock) {
      long cur = state.get();
      while ((cur & CLOSED_BIT) == 0) {
        long witness = state.compareAndExchange(cur, cur | CLOSED_BIT);
        if (witness == cur) {
          break;
        }
        cur = witness;
      }
      long returned = 0;
      Waiter w;
      while ((w = waiters.popFirst()) != null) {
        returned += w.requested - w.needed;
        w.needed = 0;
        wakes.add(w.waker);
        w.waker = null;
        w.status = Waiter.FAILED;
      }
      if (returned > 0) {
        state.addAndGet(returned << SHIFT);
      }
    }
    wakes.wakeAll();
  }

  /** Serves the queue from {@code n} permits, then adds the rest to the counter. Lock held. */
  private WakeList assignLocked(long n, WakeList wakes) {
    Waiter w;
    while (n > 0 && (w = waiters.peekFirst()) != null) {
      long take = Math.min(n, w.needed);
      w.needed -= take;
      n -= take;
      if (w.needed == 0) {
        waiters.popFirst();
        if (wakes == null) {
          wakes = new WakeList();
        }
        wakes.add(w.waker);
        w.waker = null;
        w.status = Waiter.DONE;
      }
    }
    if (n > 0) {
      state.addAndGet(n << SHIFT);
    }
    return wakes;
  }

  /** The first poll: take what is there; queue for the rest. */
  int pollFirst(Acquire acquire, Waker waker) {
    long n = acquire.permits;
    long cur = state.get();
    // Lock-free fast path: enough permits means nobody is queued (the invariant).
    while ((cur & CLOSED_BIT) == 0 && (cur >>> SHIFT) >= n) {
      long witness = state.compareAndExchange(cur, cur - (n << SHIFT));
      if (witness == cur) {
        return ACQUIRED;
      }
      cur = witness;
    }
    synchronized (lock) {
      cur = state.get();
      long taken;
      while (true) {
        if ((cur & CLOSED_BIT) != 0) {
          return CLOSED;
        }
        taken = Math.min(cur >>> SHIFT, n);
        long witness = state.compareAndExchange(cur, cur - (taken << SHIFT));
        if (witness == cur) {
          break;
        }
        cur = witness;
      }
      if (taken == n) {
        return ACQUIRED;
      }
      Waiter w = new Waiter(n, n - taken, waker);
      waiters.pushBack(w);
      acquire.node = w;
      return PENDING;
    }
  }

  /** A later poll of a queued acquisition: check the outcome, or store the latest waker. */
  int pollQueued(Waiter w, Waker waker) {
    int s = w.status;
    if (s == Waiter.WAITING) {
      synchronized (lock) {
        s = w.status;
        if (s == Waiter.WAITING) {
          w.waker = waker;
          return PENDING;
        }
      }
    }
    return s == Waiter.DONE ? ACQUIRED : CLOSED;
  }

  /** Cancels a queued acquisition: unlink it and hand back what it was given. */
  void cancelQueued(Waiter w) {
    WakeList wakes = null;
    synchronized (lock) {
      long give;
      if (waiters.remove(w)) {
        give = w.requested - w.needed; // assigned in part
      } else if (w.status == Waiter.DONE) {
        give = w.requested; // assigned in full, never observed
      } else {
        give = 0; // failed by close(), which returned its partial permits
      }
      w.waker = null;
      w.needed = 0;
      if (give > 0) {
        wakes = assignLocked(give, null);
      }
    }
    if (wakes != null) {
      wakes.wakeAll();
    }
  }

  @Override
  public String toString() {
    long s = state.get();
    return "BatchSemaphore{available="
        + (s >>> SHIFT)
        + ((s & CLOSED_BIT) != 0 ? ", closed" : "")
        + "}";
  }
}
