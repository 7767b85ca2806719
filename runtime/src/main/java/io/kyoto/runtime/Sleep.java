package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import io.kyoto.runtime.internal.rt.TimeDriver;
import io.kyoto.runtime.internal.task.Describe;
import io.kyoto.runtime.internal.time.TimerEntry;

/**
 * The future of {@link Time#sleep}: ready once the runtime clock reaches its deadline.
 *
 * <p>The deadline is fixed when the sleep is created inside a runtime, else at its first poll. The
 * timer is registered at the first poll and removed by {@link #cancel()}; a cancelled sleep that is
 * polled again registers anew, for the same deadline.
 *
 * <p><b>Cancel safety:</b> cancel safe; cancelling releases the timer.
 */
public final class Sleep implements Future<Void> {
  // Before the deadline is known this holds the duration; after, the deadline (one field, not
  // two: an idle task's sleep is 32 bytes).
  private long time;
  private final boolean constrained;
  private boolean deadlineSet;
  private TimeDriver driver;
  private Entry entry;

  /** The wheel entry: fired by the driver, observed by the sleeping task. */
  private static final class Entry extends TimerEntry {
    // Dekker pair: the driver sets fired then reads waker; the task sets waker then reads fired.
    volatile boolean fired;
    volatile Waker waker;

    @Override
    public void fire() {
      fired = true;
      Waker w = waker;
      if (w != null) {
        w.wake();
      }
    }
  }

  /**
   * The entry of a zero sleep: elapsed from the start, never registered. The driver registers a
   * deadline that has just passed and fires it at its next turn (it compares ticks, not clocks), so
   * without this a {@code sleep(ZERO)} would wait for a driver turn.
   */
  private static final Entry ELAPSED = new Entry();

  static {
    ELAPSED.fired = true;
  }

  Sleep(long durationNanos, boolean constrained) {
    this.time = Math.max(0, durationNanos);
    this.constrained = constrained;
    if (durationNanos <= 0) {
      entry = ELAPSED;
    }
    TimeDriver d = currentDriverOrNull();
    if (d != null) {
      driver = d;
      time = saturatedAdd(d.now(), time);
      deadlineSet = true;
    }
  }

  Sleep(long deadlineNanos, TimeDriver driver) {
    this.constrained = true;
    this.driver = driver;
    this.time = deadlineNanos;
    this.deadlineSet = true;
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  static TimeDriver currentDriverOrNull() {
    RuntimeCore core = CurrentRuntime.get();
    return core == null ? null : core.driver().time();
  }

  static TimeDriver currentDriver() {
    RuntimeCore core = CurrentRuntime.get();
    if (core == null) {
      throw new IllegalStateException(
          "there is no reactor running, must be called from the context of a Kyoto runtime");
    }
    TimeDriver time = core.driver().time();
    if (time == null) {
      throw new IllegalStateException(
          "A Kyoto runtime was found, but timers are disabled. Call `enableTime` (or `enableAll`)"
              + " on the runtime builder to enable timers.");
    }
    return time;
  }

  /** {@return the deadline on the runtime clock (nanoseconds), once known} */
  public long deadline() {
    return deadlineSet ? time : 0;
  }

  /** {@return whether the deadline has been reached} */
  public boolean isElapsed() {
    return entry != null && entry.fired;
  }

  @Override
  public Poll<Void> poll(Context cx) {
    Entry e = entry;
    if (e != null && e.fired) {
      return Poll.ready(null);
    }
    if (constrained && !cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    if (e == null) {
      if (driver == null) {
        driver = currentDriver();
      }
      if (!deadlineSet) {
        time = saturatedAdd(driver.now(), time);
        deadlineSet = true;
      }
      e = new Entry();
      e.waker = cx.waker();
      entry = e;
      if (!driver.register(e, time)) {
        e.fired = true;
        return Poll.ready(null);
      }
      return Poll.pending();
    }
    e.waker = cx.waker();
    return e.fired ? Poll.ready(null) : Poll.pending();
  }

  /**
   * Removes the timer. The deadline stays: polled again (a sleep created once and raced in a loop
   * that cancels the losers), the sleep registers anew and completes at the same instant, as
   * tokio's {@code &mut sleep} in {@code select!}.
   */
  @Override
  public void cancel() {
    Entry e = entry;
    if (e != null && !e.fired) {
      driver.cancel(e);
      entry = null;
    }
  }

  /** {@return "elapsed", "deadline in Nms" or "Nms, not started": for descriptions} */
  String remaining() {
    Entry e = entry;
    if (e != null && e.fired) {
      return "elapsed";
    }
    TimeDriver d = driver;
    if (!deadlineSet || d == null) {
      return Describe.millis(time) + ", not started";
    }
    return "deadline in " + Describe.millis(Math.max(0, time - d.now()));
  }

  /** {@return a description for task dumps, e.g. {@code Sleep{deadline in 3599000ms}}} */
  @Override
  public String toString() {
    return "Sleep{" + remaining() + "}";
  }
}
