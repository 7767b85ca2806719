package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.internal.time.TimerEntry;
import io.kyoto.runtime.internal.time.TimerWheel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime's clock and timer wheel.
 *
 * <p>The clock counts nanoseconds from the driver's creation ({@link #now()}); the wheel counts 1
 * ms ticks on the same origin. A deadline becomes the tick at or after it (rounded up), so a timer
 * never fires early; expired timers are fired after every driver turn.
 *
 * <p>Paused clock (tests): {@link #pause()} freezes {@link #now()}; {@link #advance(long)} moves it
 * and fires what came due; the scheduler calls {@link #autoAdvance()} when every task is idle,
 * which jumps to the next timer. All wheel access is under {@link #lock}; entries are fired after
 * the lock is released, so a woken task may register a new timer at once.
 */
public final class TimeDriver {
  private static final long NANOS_PER_TICK = 1_000_000L;

  private final long origin = System.nanoTime();
  private final ReentrantLock lock = new ReentrantLock();
  private final TimerWheel wheel = new TimerWheel();
  private final List<TimerEntry> fired = new ArrayList<>();
  // Clock state, guarded by lock for writes; volatile for the lock-free now().
  private volatile boolean paused;
  private volatile long pausedNow;
  private volatile long offset;

  /**
   * When the thread turning the driver will wake on its own (runtime clock), {@link Long#MAX_VALUE}
   * while it computes its wait or waits without limit, {@link Long#MIN_VALUE} when nobody waits in
   * the driver. A timer registered earlier than this must wake the driver, or it would fire late
   * (tokio's "unpark if the new deadline is earlier than the next wake").
   */
  private volatile long driverWakeAt = Long.MIN_VALUE;

  private Runnable wakeDriver = () -> {};

  TimeDriver(boolean startPaused) {
    if (startPaused) {
      pausedNow = 0;
      paused = true;
    }
  }

  /** {@return the runtime clock in nanoseconds since the driver started} */
  public long now() {
    return paused ? pausedNow : System.nanoTime() - origin + offset;
  }

  /** {@return whether the clock is paused} */
  public boolean isPaused() {
    return paused;
  }

  /**
   * Freezes the clock.
   *
   * @throws IllegalStateException if already paused
   */
  public void pause() {
    lock.lock();
    try {
      if (paused) {
        throw new IllegalStateException("time is already frozen");
      }
      pausedNow = now();
      paused = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Unfreezes the clock, which goes on from where it stood.
   *
   * @throws IllegalStateException if not paused
   */
  public void resume() {
    lock.lock();
    try {
      if (!paused) {
        throw new IllegalStateException("time is not frozen");
      }
      offset = pausedNow - (System.nanoTime() - origin);
      paused = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves a paused clock forward and fires every timer that came due.
   *
   * @param nanos how far, not negative
   * @throws IllegalStateException if not paused
   */
  public void advance(long nanos) {
    lock.lock();
    try {
      if (!paused) {
        throw new IllegalStateException("time is not frozen; call Time.pause() first");
      }
      pausedNow = Math.addExact(pausedNow, nanos);
    } finally {
      lock.unlock();
    }
    processExpired();
  }

  /** Jumps a paused clock to the next timer, if any (the runtime is idle). */
  void autoAdvance() {
    lock.lock();
    try {
      long next = wheel.nextExpiration();
      if (paused && next >= 0) {
        long at = next * NANOS_PER_TICK;
        if (at > pausedNow) {
          pausedNow = at;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@return nanoseconds until the next timer may fire (0 if due), or -1 without timers} */
  long nanosUntilNextTimer() {
    lock.lock();
    try {
      long next = wheel.nextExpiration();
      if (next < 0) {
        return -1;
      }
      return Math.max(0, next * NANOS_PER_TICK - now());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Registers {@code entry} to fire at {@code deadlineNanos} on this clock.
   *
   * <p>A deadline whose tick the wheel has processed is refused (the caller treats the entry as
   * fired); one that has passed since, but whose tick has not been processed, is registered and
   * fires at the driver's next turn, which registering it starts at once. So registering costs no
   * clock read (25 ns here, 7 % of a sleep), as in tokio, which compares ticks only. A paused clock
   * also refuses any deadline at or before its frozen instant, which it reads for free, so that no
   * sleep waits for the clock to move.
   *
   * @param entry an entry not registered yet
   * @param deadlineNanos the deadline
   * @return false if the deadline has passed: the caller treats the entry as fired
   */
  public boolean register(TimerEntry entry, long deadlineNanos) {
    long tick = TimerWheel.ticksUp(deadlineNanos);
    lock.lock();
    try {
      if (tick <= wheel.elapsed() || (paused && deadlineNanos <= pausedNow)) {
        return false;
      }
      if (!wheel.insert(entry, tick)) {
        return false;
      }
    } finally {
      lock.unlock();
    }
    if (deadlineNanos < driverWakeAt) {
      wakeDriver.run();
    }
    return true;
  }

  /** Sets how {@link #register} wakes the driver; called once by the driver. */
  void onEarlierTimer(Runnable wake) {
    this.wakeDriver = wake;
  }

  /**
   * Publishes when the driver's thread will wake by itself (see {@link #driverWakeAt}).
   *
   * @param wakeAt a runtime-clock instant, MAX_VALUE or MIN_VALUE
   */
  void driverWakesAt(long wakeAt) {
    driverWakeAt = wakeAt;
  }

  /**
   * Removes {@code entry} if it is registered (the timer was cancelled or reset).
   *
   * @param entry the entry
   */
  public void cancel(TimerEntry entry) {
    lock.lock();
    try {
      wheel.remove(entry);
    } finally {
      lock.unlock();
    }
  }

  /** Fires every timer whose tick has come. */
  void processExpired() {
    List<TimerEntry> due;
    lock.lock();
    try {
      long nowTick = TimerWheel.ticksDown(now());
      long next = wheel.nextExpiration();
      if (next < 0 || next > nowTick) {
        return; // nothing due: skip the list copy
      }
      wheel.advance(nowTick, fired::add);
      if (fired.isEmpty()) {
        return;
      }
      due = new ArrayList<>(fired);
      fired.clear();
    } finally {
      lock.unlock();
    }
    for (TimerEntry e : due) {
      e.fire();
    }
  }
}
