package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import io.kyoto.runtime.internal.rt.TimeDriver;
import io.kyoto.runtime.internal.task.Cancel;
import io.kyoto.runtime.internal.task.Describe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Timers on the current runtime's clock, as tokio's {@code time} module: {@link #sleep}, {@link
 * #timeout}, {@link #interval}, and the paused clock for tests ({@link #pause}, {@link #advance},
 * {@link #resume}).
 *
 * <p>The runtime clock ({@link #now()}) is monotonic nanoseconds, unaffected by the wall clock, and
 * stops while paused. Timers have 1 ms resolution and are rounded up: a sleep never ends early.
 * They need a runtime built with {@code enableTime()} (or {@code enableAll()}).
 */
public final class Time {
  private Time() {}

  /**
   * {@return a future that completes after {@code duration} on the runtime clock}
   *
   * <p><b>Cancel safety:</b> cancel safe.
   *
   * @param duration how long; zero or negative completes at the first poll
   */
  public static Sleep sleep(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return new Sleep(saturatedNanos(duration), true);
  }

  /**
   * {@return a future that completes once {@link #now()} reaches {@code deadlineNanos}}
   *
   * @param deadlineNanos a value of the runtime clock
   * @throws IllegalStateException outside a runtime with time enabled
   */
  public static Sleep sleepUntil(long deadlineNanos) {
    return new Sleep(deadlineNanos, Sleep.currentDriver());
  }

  /**
   * {@return the current runtime's clock, in nanoseconds}
   *
   * @throws IllegalStateException outside a runtime with time enabled
   */
  public static long now() {
    return Sleep.currentDriver().now();
  }

  /**
   * {@return a future of {@code future}'s value that fails with {@link TimeoutException} if it
   * takes longer than {@code duration}}
   *
   * <p>As tokio's: the inner future is polled before the deadline is checked, so a future that is
   * ready at once succeeds even with a zero duration; the timer is checked outside the coop budget,
   * so a future that exhausted the budget still times out. On timeout the inner future is
   * cancelled.
   *
   * <p><b>Cancel safety:</b> as cancel safe as {@code future}.
   *
   * @param duration the limit
   * @param future the future
   * @param <T> the value type
   */
  public static <T> Future<T> timeout(Duration duration, Future<T> future) {
    return runtimeClockTimeout(duration, future);
  }

  /**
   * {@return a future of {@code future}'s value that fails with {@link TimeoutException} if it is
   * not done when the runtime clock reaches {@code deadlineNanos}} tokio's {@code timeout_at}: one
   * deadline for several steps, e.g. {@code Time.now() + budget} taken once per request and given
   * to each call it makes. Otherwise as {@link #timeout}: the inner future is polled first (a ready
   * future succeeds even past the deadline) and is cancelled when the deadline fires.
   *
   * <p><b>Cancel safety:</b> as cancel safe as {@code future}.
   *
   * @param deadlineNanos a value of the runtime clock ({@link #now()})
   * @param future the future
   * @param <T> the value type
   * @throws IllegalStateException outside a runtime with time enabled (the deadline is a reading of
   *     its clock)
   */
  public static <T> Future<T> timeoutAt(long deadlineNanos, Future<T> future) {
    Objects.requireNonNull(future, "future");
    return new Timeout<>(future, null, null, deadlineNanos, Sleep.currentDriver());
  }

  /**
   * {@return a future of {@code future}'s value that fails with a {@link TimeoutWithDumpException}
   * if it takes longer than {@code duration} of real time} When the limit passes, before cancelling
   * {@code future}, it takes a diagnosis of the hang: the description of {@code future} (its {@code
   * toString()}: Kyoto's futures say what they wait for) and a task dump of the runtime ({@link
   * Handle#dumpTasks()}). The exception's message reads {@code <what> timed out after <n> ms},
   * followed by both. {@code @AsyncTest} uses it.
   *
   * <p>Unlike {@link #timeout}, the limit is wall-clock time, as Kotlin's {@code runTest}: it is
   * there to catch hangs, so a paused clock's jumps do not count (a test that sleeps an hour of
   * paused time passes a 5 s limit), and it needs no time driver. The future is polled first, as
   * {@link #timeout}; the limit is checked at each poll and, while the future waits, by a shared
   * daemon thread ({@code kyoto-timeout-watchdog}) that wakes it when the limit passes.
   *
   * <p><b>Cancel safety:</b> as cancel safe as {@code future}.
   *
   * @param duration the limit, in real time
   * @param what names what is timed, for the message (e.g. {@code "@AsyncTest Spec.m()"})
   * @param future the future
   * @param <T> the value type
   */
  public static <T> Future<T> timeoutWithDump(Duration duration, String what, Future<T> future) {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(future, "future");
    return new WallClockTimeout<>(future, duration, what);
  }

  private static <T> Future<T> runtimeClockTimeout(Duration duration, Future<T> future) {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(future, "future");
    TimeDriver driver = Sleep.currentDriverOrNull();
    if (driver == null) {
      return new Timeout<>(future, new Sleep(saturatedNanos(duration), false), duration, 0, null);
    }
    // The deadline is fixed now, as tokio's; the timer itself is created only if the inner future
    // is pending, so a timeout that never fires on a ready future allocates no Sleep.
    long deadline = Sleep.saturatedAdd(driver.now(), saturatedNanos(duration));
    return new Timeout<>(future, null, duration, deadline, driver);
  }

  /** The diagnosis of {@link #timeoutWithDump}, taken on the thread that polled the timeout. */
  private static TimeoutWithDumpException dumped(String what, Duration duration, Future<?> inner) {
    String pending = Describe.of(inner);
    List<TaskDump> tasks = new ArrayList<>();
    int unlisted = 0;
    RuntimeCore core = CurrentRuntime.get();
    if (core != null) {
      Thread me = Thread.currentThread();
      int alive =
          core.aliveTasks(); // before the dump: a task polled meanwhile is not counted twice
      int listed = 0;
      for (TaskDump t : new Handle(core).dumpTasks()) {
        if (t.state() != TaskDump.State.BLOCK_ON) {
          listed++;
        }
        // This thread's blockOn future contains the timeout itself: it is the pending one.
        if (t.state() != TaskDump.State.BLOCK_ON || t.id() != me.threadId()) {
          tasks.add(t);
        }
      }
      unlisted = Math.max(0, alive - listed);
    }
    long millis;
    try {
      millis = duration.toMillis();
    } catch (ArithmeticException e) {
      millis = Long.MAX_VALUE;
    }
    return new TimeoutWithDumpException(what, millis, pending, tasks, unlisted);
  }

  /**
   * {@return an interval that ticks at once, then every {@code period}} As tokio's, the schedule
   * starts now: ticks that come due before the interval is first polled count as missed (see {@link
   * Interval#missedTickBehavior}). Created outside a runtime, it starts at its first tick.
   *
   * @param period the period, positive
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public static Interval interval(Duration period) {
    return new Interval(null, positive(period), MissedTickBehavior.BURST);
  }

  /**
   * {@return an interval whose first tick is at {@code startNanos} on the runtime clock}
   *
   * @param startNanos the first tick
   * @param period the period, positive
   */
  public static Interval intervalAt(long startNanos, Duration period) {
    return new Interval(startNanos, positive(period), MissedTickBehavior.BURST);
  }

  /**
   * Freezes the current runtime's clock (tests). Current-thread runtimes only.
   *
   * @throws IllegalStateException if already paused, outside a runtime, or on a multi-thread one
   */
  public static void pause() {
    Handle h = Handle.current();
    if (h.flavor() != Flavor.CURRENT_THREAD) {
      throw new IllegalStateException(
          "`Time.pause()` requires the CURRENT_THREAD runtime flavor; time cannot be paused on a"
              + " MULTI_THREAD runtime");
    }
    Sleep.currentDriver().pause();
  }

  /**
   * Unfreezes the clock.
   *
   * @throws IllegalStateException if the clock is not paused
   */
  public static void resume() {
    Sleep.currentDriver().resume();
  }

  /**
   * {@return a future that moves the paused clock forward by {@code duration}, firing every timer
   * that comes due, then yields once so the woken tasks run} As tokio's {@code advance}, timers
   * that expire within the span fire "at the same time", in any order.
   *
   * @param duration how far, not negative
   */
  public static Future<Void> advance(Duration duration) {
    long nanos = saturatedNanos(Objects.requireNonNull(duration, "duration"));
    if (nanos < 0) {
      throw new IllegalArgumentException("cannot advance by a negative duration: " + duration);
    }
    return Futures.lazy(
        () -> {
          Sleep.currentDriver().advance(nanos);
          return Task.yieldNow();
        });
  }

  private static Duration positive(Duration period) {
    Objects.requireNonNull(period, "period");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("`period` must be non-zero and positive: " + period);
    }
    return period;
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * What both timeouts share, as tokio's: the inner future is polled first, and only when it is
   * pending is the limit looked at. Its failure drops it (cancelled once, here) and stops the
   * limit; so does its value, and so does a cancel, even one that throws.
   */
  private abstract static class InnerFirst<T> implements Future<T> {
    Future<T> inner; // null once it completed, failed (and was dropped) or was cancelled

    InnerFirst(Future<T> inner) {
      this.inner = inner;
    }

    /** Stops the limit's timer or watch, if any. */
    abstract void stopLimit();

    /**
     * After a pending poll of {@code in}: throws the timeout (clearing {@link #inner} and dropping
     * {@code in}) once the limit has passed, else arms the limit and returns pending.
     *
     * @param innerSpentBudget whether the inner poll spent the last of the coop budget
     */
    abstract Poll<T> limit(Context cx, Future<T> in, boolean innerSpentBudget) throws Exception;

    @Override
    public final Poll<T> poll(Context cx) throws Exception {
      Future<T> in = inner;
      if (in == null) {
        throw new IllegalStateException("a completed or cancelled timeout was polled again");
      }
      boolean hadBudget = cx.hasBudgetRemaining();
      Poll<T> p;
      try {
        p = in.poll(cx);
      } catch (Throwable t) {
        inner = null;
        Cancel.afterFailure(in, t); // dropped here: the owner's cancel() then has nothing to do
        stopLimit();
        throw t;
      }
      if (p.isReady()) {
        inner = null;
        stopLimit();
        return p;
      }
      return limit(cx, in, hadBudget && !cx.hasBudgetRemaining());
    }

    @Override
    public final void cancel() {
      Future<T> in = inner;
      inner = null;
      try {
        if (in != null) {
          in.cancel();
        }
      } finally {
        stopLimit(); // even if the inner future's cancel() threw
      }
    }
  }

  /** The future behind {@link #timeoutWithDump}: a wall-clock limit, watched by a daemon thread. */
  private static final class WallClockTimeout<T> extends InnerFirst<T> {
    private final Duration duration;
    private final String what;
    private final long start = System.nanoTime();
    private final long limit;
    private volatile Waker waker; // read by the watchdog
    private java.util.concurrent.ScheduledFuture<?> watch;

    WallClockTimeout(Future<T> inner, Duration duration, String what) {
      super(inner);
      this.duration = duration;
      this.what = what;
      this.limit = Math.max(0, saturatedNanos(duration));
    }

    /** The shared watchdog thread, started on first use. */
    private static final class Watchdog {
      static final java.util.concurrent.ScheduledThreadPoolExecutor EXEC;

      static {
        EXEC =
            new java.util.concurrent.ScheduledThreadPoolExecutor(
                1,
                r -> {
                  Thread t = new Thread(r, "kyoto-timeout-watchdog");
                  t.setDaemon(true);
                  return t;
                });
        EXEC.setRemoveOnCancelPolicy(true); // a passed test leaves no entry behind
      }
    }

    @Override
    Poll<T> limit(Context cx, Future<T> in, boolean innerSpentBudget) throws Exception {
      long left = limit - (System.nanoTime() - start);
      if (left <= 0) {
        inner = null;
        stopLimit();
        TimeoutException e;
        try {
          e = dumped(what, duration, in); // before the cancel: it describes the hang
        } catch (Throwable t) {
          Cancel.afterFailure(in, t);
          throw t;
        }
        throw Cancel.afterFailure(in, e);
      }
      waker = cx.waker();
      if (watch == null || watch.isDone()) { // none yet, or it woke us a moment early
        watch =
            Watchdog.EXEC.schedule(
                () -> {
                  Waker w = waker;
                  if (w != null) {
                    w.wake();
                  }
                },
                left,
                java.util.concurrent.TimeUnit.NANOSECONDS);
      }
      return Poll.pending();
    }

    @Override
    void stopLimit() {
      waker = null;
      var w = watch;
      if (w != null) {
        watch = null;
        w.cancel(false);
      }
    }

    @Override
    public String toString() {
      Future<T> in = inner;
      long left = Math.max(0, limit - (System.nanoTime() - start));
      return "TimeoutWithDump["
          + duration
          + " of real time, "
          + Describe.millis(left)
          + " left, "
          + (in == null ? "done" : Describe.of(in))
          + "]";
    }
  }

  /** The future behind {@link #timeout}. */
  private static final class Timeout<T> extends InnerFirst<T> {
    private final Duration duration; // null for timeoutAt
    private final long deadline;
    private final TimeDriver driver;
    private Sleep sleep; // created at the first pending poll when the driver is known

    Timeout(Future<T> inner, Sleep sleep, Duration duration, long deadline, TimeDriver driver) {
      super(inner);
      this.sleep = sleep;
      this.duration = duration;
      this.deadline = deadline;
      this.driver = driver;
    }

    @Override
    Poll<T> limit(Context cx, Future<T> in, boolean innerSpentBudget) throws Exception {
      if (sleep == null) {
        sleep = new Sleep(deadline, driver);
      }
      if (pollSleep(cx, innerSpentBudget).isReady()) {
        inner = null;
        TimeoutException e =
            new TimeoutException(
                duration == null
                    ? "deadline has elapsed"
                    : "deadline has elapsed (" + duration + ")");
        // The deadline is the outcome: what the drop of the inner future throws is suppressed.
        throw Cancel.afterFailure(in, e);
      }
      return Poll.pending();
    }

    /**
     * Polls the timer; unconstrained when the inner future spent the last of the budget, as
     * tokio's: else a future that always exhausts the budget would keep the timer from ever being
     * registered, and would never time out.
     */
    private Poll<Void> pollSleep(Context cx, boolean innerSpentBudget) {
      if (!innerSpentBudget) {
        return sleep.poll(cx);
      }
      int saved = cx.budget();
      cx.setBudget(Context.UNCONSTRAINED);
      try {
        return sleep.poll(cx);
      } finally {
        cx.setBudget(saved);
      }
    }

    @Override
    void stopLimit() {
      if (sleep != null) {
        sleep.cancel();
      }
    }

    @Override
    public String toString() {
      Sleep s = sleep;
      String left;
      if (s != null) {
        left = s.remaining();
      } else if (driver != null) {
        left = "deadline in " + Describe.millis(deadline - driver.now());
      } else {
        left = "not started";
      }
      Future<T> in = inner;
      return "Timeout["
          + (duration == null ? "at a deadline" : duration)
          + ", "
          + left
          + ", "
          + (in == null ? "done" : Describe.of(in))
          + "]";
    }
  }
}
