package io.kyoto.runtime.internal.rt;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks one runtime thread until it is unparked or a timeout passes, turning the {@link Driver}
 * while parked when no other thread holds it (tokio's {@code park.rs}).
 *
 * <p>States: {@link #EMPTY}; {@link #PARKED_DRIVER} (blocked in the driver: wake it through the
 * driver); {@link #PARKED_THREAD} (blocked in {@link LockSupport}: unpark the thread); {@link
 * #NOTIFIED} (an unpark arrived: the next park returns at once and consumes it). {@link #unpark()}
 * swaps in NOTIFIED and wakes according to the state it replaced, so a notification is never lost
 * between a thread deciding to park and parking.
 */
final class Parker {
  static final int EMPTY = 0;
  static final int PARKED_DRIVER = 1;
  static final int PARKED_THREAD = 2;
  static final int NOTIFIED = 3;

  private final AtomicInteger state = new AtomicInteger();
  private final Driver driver;
  private final boolean interruptible;
  private volatile Thread thread;
  private long parks;

  /**
   * Creates a parker.
   *
   * @param driver the driver
   * @param interruptible whether {@link Thread#interrupt()} ends a park in the driver: for {@code
   *     blockOn} callers, whose loop then throws {@code InterruptedException}; not for workers
   */
  Parker(Driver driver, boolean interruptible) {
    this.driver = driver;
    this.interruptible = interruptible;
  }

  /** {@return how many times this parker blocked, for metrics} */
  long parkCount() {
    return parks;
  }

  /**
   * Parks the calling thread (the parker's owner).
   *
   * @param timeoutNanos the longest wait; negative waits until unparked; 0 only turns the driver
   * @param mayAutoAdvance whether a paused clock may jump to the next timer
   */
  void park(long timeoutNanos, boolean mayAutoAdvance) {
    if (state.compareAndSet(NOTIFIED, EMPTY)) {
      turnDriverNow();
      return;
    }
    thread = Thread.currentThread();
    if (driver.tryLock()) {
      try {
        if (!state.compareAndSet(EMPTY, PARKED_DRIVER)) {
          state.set(EMPTY); // notified meanwhile
          driver.turn(0, false);
          return;
        }
        parks++;
        if (interruptible) {
          driver.turnInterruptibly(timeoutNanos, mayAutoAdvance);
        } else {
          driver.turn(timeoutNanos, mayAutoAdvance);
        }
        state.set(EMPTY);
      } finally {
        driver.unlock();
      }
      return;
    }
    if (timeoutNanos == 0) {
      return;
    }
    if (!state.compareAndSet(EMPTY, PARKED_THREAD)) {
      state.set(EMPTY);
      return;
    }
    parks++;
    long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
    while (state.get() == PARKED_THREAD) {
      if (timeoutNanos < 0) {
        LockSupport.park(this);
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        LockSupport.parkNanos(this, left);
      }
    }
    state.set(EMPTY);
  }

  /** Turns the driver without blocking if no other thread holds it (periodic maintenance). */
  void turnDriverNow() {
    if (driver.tryLock()) {
      try {
        driver.turn(0, false);
      } finally {
        driver.unlock();
      }
    }
  }

  /** Wakes the owner if it is parked, or makes its next park return at once. Any thread. */
  void unpark() {
    int previous = state.getAndSet(NOTIFIED);
    if (previous == PARKED_DRIVER) {
      driver.wakeup(thread);
    } else if (previous == PARKED_THREAD) {
      LockSupport.unpark(thread);
    }
  }
}
