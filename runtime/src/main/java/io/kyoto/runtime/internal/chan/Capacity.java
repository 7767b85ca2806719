package io.kyoto.runtime.internal.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The capacity of an mpsc channel: a counting semaphore with a FIFO of waiters for bounded
 * channels, a message counter for unbounded ones, and the channel's closed flag.
 *
 * <h2>The state word</h2>
 *
 * <p>Changed by CAS only. Bit 0 is {@code CLOSED}, bit 1 is {@code WAITERS}.
 *
 * <ul>
 *   <li>Bounded: bits 33..63 count the <em>free</em> units (messages that may still be admitted);
 *       bits 2..32 count the units held by permits (outstanding {@code Permit}s and granted, not
 *       yet observed reservations). A unit that is neither free nor a permit belongs to a message:
 *       admitted and not yet claimed in the queue ("in flight"), or claimed and not yet taken.
 *   <li>Unbounded: bits 2..63 count the messages admitted and not yet taken; there are no permits
 *       and never waiters.
 *   <li>{@code WAITERS}: the FIFO is non-empty. Set and cleared only under the lock.
 *   <li>{@code CLOSED}: the receiver closed; no unit is handed out again. Never cleared.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>{@code WAITERS} implies no free unit: it is only set by a CAS that saw none, and a release
 *       that sees it hands its unit to the first waiter instead of freeing it. So a fast-path
 *       acquirer (CAS without the lock) can never overtake a queued waiter: waiters are served in
 *       FIFO order, as tokio's.
 *   <li>"Idle" (every unit free) means no message is queued or on its way and no permit is out.
 *   <li>{@code messages() - queue size} is the number of admitted messages not yet claimed: sends
 *       between two adjacent steps, which the receiver may spin on (see {@code MpscChan}).
 *   <li>A waiter's {@code status} changes only under the lock: {@code QUEUED} to {@code GRANTED} /
 *       {@code DONE} (release), {@code CLOSED} (close) or {@code CANCELLED} (cancel). A cancelled
 *       {@code GRANTED} waiter gives its unit back, so nothing leaks.
 * </ol>
 */
public final class Capacity {
  /** {@link #tryAcquire}: a unit was taken. */
  public static final int ACQUIRED = 0;

  /** {@link #tryAcquire}: no free unit. */
  public static final int FULL = 1;

  /** {@link #tryAcquire} and {@link #acquireOrEnqueue}: the channel is closed. */
  public static final int CLOSED_R = 2;

  /** {@link #acquireOrEnqueue}: the waiter is queued. */
  public static final int QUEUED_R = 3;

  /** The largest capacity of a bounded channel: 31 bits of free units. */
  public static final int MAX_BOUND = Integer.MAX_VALUE;

  private static final long CLOSED = 1;
  private static final long WAITERS = 2;
  private static final long PERMIT = 1L << 2; // bounded: one permit; unbounded: one message
  private static final long PERMITS = ((1L << 31) - 1) << 2;
  private static final int FREE_SHIFT = 33;
  private static final long FREE = 1L << FREE_SHIFT;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Capacity.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long bound; // -1 when unbounded
  private volatile long state;
  private final WaitList waiters = new WaitList(); // guarded by this

  /**
   * Creates the capacity of a channel.
   *
   * @param bound the number of units (1 to {@link #MAX_BOUND}), or -1 for an unbounded channel
   */
  public Capacity(int bound) {
    this.bound = bound;
    this.state = bound > 0 ? bound * FREE : 0;
  }

  private static long free(long s) {
    return s >>> FREE_SHIFT;
  }

  private static long permits(long s) {
    return (s & PERMITS) >>> 2;
  }

  /** {@return whether {@link #close()} was called} */
  public boolean isClosed() {
    return (state & CLOSED) != 0;
  }

  /** {@return the free units of a bounded channel (0 when unbounded)} */
  public long available() {
    return bound > 0 ? free(state) : 0;
  }

  /** {@return whether no unit is in use (no message queued or in flight, no permit out)} */
  public boolean isIdle() {
    long s = state;
    return bound > 0 ? free(s) == bound : (s >>> 2) == 0;
  }

  /**
   * {@return the units held by messages: admitted and not yet taken, whether claimed in the queue
   * or still in flight} Excludes permits.
   */
  public long messages() {
    long s = state;
    return bound > 0 ? bound - free(s) - permits(s) : s >>> 2;
  }

  /**
   * Takes a unit without waiting. Lock-free.
   *
   * @param permit whether the unit is held by a permit rather than a message in flight
   * @return {@link #ACQUIRED}, {@link #FULL} or {@link #CLOSED_R}
   */
  public int tryAcquire(boolean permit) {
    long s = state;
    while (true) {
      if ((s & CLOSED) != 0) {
        return CLOSED_R;
      }
      long next;
      if (bound > 0) {
        if (free(s) == 0) {
          return FULL;
        }
        next = s - FREE + (permit ? PERMIT : 0);
      } else {
        next = s + PERMIT;
      }
      long witness = (long) STATE.compareAndExchange(this, s, next);
      if (witness == s) {
        return ACQUIRED;
      }
      s = witness;
    }
  }

  /**
   * Takes a unit, or queues {@code w} (whose waker must already be set) to receive one in FIFO
   * order. Bounded channels only.
   *
   * @param w the waiter
   * @return {@link #ACQUIRED}, {@link #QUEUED_R} or {@link #CLOSED_R}
   */
  public int acquireOrEnqueue(CapacityWaiter w) {
    synchronized (this) {
      long s = state;
      while (true) {
        if ((s & CLOSED) != 0) {
          return CLOSED_R;
        }
        boolean take = free(s) > 0;
        long next = take ? s - FREE + (w.permit ? PERMIT : 0) : s | WAITERS;
        long witness = (long) STATE.compareAndExchange(this, s, next);
        if (witness == s) {
          if (take) {
            return ACQUIRED;
          }
          w.status = CapacityWaiter.QUEUED;
          waiters.addLast(w);
          return QUEUED_R;
        }
        s = witness;
      }
    }
  }

  /**
   * Turns a permit's unit into a message's unit: the permit is being used to send (the message is
   * in flight until claimed), or is about to be {@linkplain #release() released}.
   */
  public void dropPermit() {
    STATE.getAndAdd(this, -PERMIT);
  }

  /**
   * Gives one message unit back: to the first waiter if any, else to the free count (bounded), or
   * drops the message count (unbounded).
   *
   * @return whether the unit went to a waiter that consumed it at once ({@link
   *     CapacityWaiter#DONE}: a message was pushed, so the receiver has something to take)
   */
  public boolean release() {
    long s = state;
    while ((s & WAITERS) == 0) {
      long witness = (long) STATE.compareAndExchange(this, s, bound > 0 ? s + FREE : s - PERMIT);
      if (witness == s) {
        return false;
      }
      s = witness;
    }
    CapacityWaiter w;
    int status;
    synchronized (this) {
      w = (CapacityWaiter) waiters.pollFirst();
      if (w == null) {
        updateLocked(FREE, true); // a stale bit (impossible while the lock is held): free it
        return false;
      }
      status = w.granted();
      // The unit moves to the waiter: as a permit, or to the message it just pushed.
      updateLocked(status == CapacityWaiter.GRANTED ? PERMIT : 0, waiters.isEmpty());
      w.status = status;
    }
    // Woken after the lock is released; the waiter re-checks its status after refreshing its waker.
    var waker = w.waker;
    if (waker != null) {
      waker.wake();
    }
    return status == CapacityWaiter.DONE;
  }

  private void updateLocked(long add, boolean clearWaiters) {
    long s = state;
    while (true) {
      long next = (clearWaiters ? s & ~WAITERS : s) + add;
      long witness = (long) STATE.compareAndExchange(this, s, next);
      if (witness == s) {
        return;
      }
      s = witness;
    }
  }

  /**
   * Withdraws {@code w}: removes it from the FIFO if it is still queued.
   *
   * @param w the waiter
   * @return its status before: {@link CapacityWaiter#QUEUED} if it was withdrawn (it holds
   *     nothing), {@link CapacityWaiter#GRANTED} if it holds a permit unit the caller must give
   *     back, else whatever it was
   */
  public int cancel(CapacityWaiter w) {
    synchronized (this) {
      int st = w.status;
      if (st == CapacityWaiter.QUEUED) {
        waiters.remove(w);
        if (waiters.isEmpty()) {
          updateLocked(0, true);
        }
        w.status = CapacityWaiter.CANCELLED;
      } else if (st == CapacityWaiter.GRANTED) {
        w.status = CapacityWaiter.CANCELLED;
      }
      return st;
    }
  }

  /**
   * Closes: no unit is handed out again, and every queued waiter becomes {@link
   * CapacityWaiter#CLOSED} and is woken. Idempotent.
   *
   * @return whether this call closed it
   */
  public boolean close() {
    Wakers wake = null;
    synchronized (this) {
      long s = state;
      while (true) {
        if ((s & CLOSED) != 0) {
          return false;
        }
        long witness = (long) STATE.compareAndExchange(this, s, (s | CLOSED) & ~WAITERS);
        if (witness == s) {
          break;
        }
        s = witness;
      }
      WaitNode n;
      while ((n = waiters.pollFirst()) != null) {
        ((CapacityWaiter) n).status = CapacityWaiter.CLOSED;
        if (wake == null) {
          wake = new Wakers();
        }
        wake.add(n.waker);
      }
    }
    if (wake != null) {
      wake.wakeAll();
    }
    return true;
  }
}
