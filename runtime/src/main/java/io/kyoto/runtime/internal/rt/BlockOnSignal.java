package io.kyoto.runtime.internal.rt;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wake-up protocol between a {@code blockOn} thread and the wakers of its future: one state
 * word, POLLING, WOKEN or PARKED. A wake while the thread polls only records itself; only a wake
 * that finds the thread parked (or about to park) asks for {@code LockSupport.unpark}, so a
 * producer that wakes a busy consumer pays no unpark.
 *
 * <p>The owner calls {@link #takeWake()} before each poll and {@link #mayPark()} before parking; a
 * waker calls {@link #wake()} and unparks the owner when it returns true. A wake between the poll
 * and the park leaves WOKEN, so {@code mayPark} fails and the owner polls again; a wake after it
 * sees PARKED and unparks (a park that comes after that unpark returns at once). Tested by {@code
 * BlockOnSignalStress} (jcstress).
 */
final class BlockOnSignal {
  static final int POLLING = 0;
  static final int WOKEN = 1;
  static final int PARKED = 2;

  private final AtomicInteger state = new AtomicInteger(WOKEN); // the first poll needs no wake

  /** Records a wake. Any thread. {@return true if the owner parked or is parking: unpark it} */
  boolean wake() {
    return state.getAndSet(WOKEN) == PARKED;
  }

  /** Owner, before a poll. {@return true if a wake arrived since the last call: poll} */
  boolean takeWake() {
    return state.getAndSet(POLLING) == WOKEN;
  }

  /** Owner, after a pending poll. {@return true if it may park: no wake arrived since the poll} */
  boolean mayPark() {
    return state.compareAndSet(POLLING, PARKED);
  }
}
