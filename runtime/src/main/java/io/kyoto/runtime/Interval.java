package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.TimeDriver;
import java.time.Duration;
import java.util.Objects;

/**
 * Ticks at a fixed period on the runtime clock, as tokio's {@code Interval}: the period is measured
 * from the schedule, not from when the previous tick's work finished.
 *
 * <p>
 *
 * {@snippet :
 * Interval every = Time.interval(Duration.ofSeconds(1));
 * Future<Void> loop = Futures.loop(0, n -> every.tick().map(t -> Step.next(n + 1)));
 * }
 *
 * <p><b>Thread safety:</b> not thread safe; owned by one task.
 */
public final class Interval {
  private static final long MISSED_NANOS = 5_000_000; // a tick more than 5 ms late was missed

  private final long period;
  private MissedTickBehavior behavior;
  private final Long start;
  private long next;
  private boolean started;

  Interval(Long start, Duration period, MissedTickBehavior behavior) {
    if (start == null) {
      // As Sleep's deadline and tokio's interval: the schedule starts when the interval is created
      // inside a runtime; outside one, at the first tick.
      TimeDriver d = Sleep.currentDriverOrNull();
      if (d != null) {
        start = d.now();
      }
    }
    this.start = start;
    this.period = Time.saturatedNanos(period);
    this.behavior = behavior;
  }

  /**
   * Sets what happens after missed ticks; {@link MissedTickBehavior#BURST} by default.
   *
   * @param behavior the behavior
   * @return this interval
   */
  public Interval missedTickBehavior(MissedTickBehavior behavior) {
    this.behavior = Objects.requireNonNull(behavior, "behavior");
    return this;
  }

  /** {@return the period} */
  public Duration period() {
    return Duration.ofNanos(period);
  }

  /**
   * {@return a future of the next tick's scheduled instant (runtime clock nanoseconds)}
   *
   * <p><b>Cancel safety:</b> cancel safe: a tick future cancelled before it completes consumes no
   * tick, and the next call to {@code tick()} waits for the same tick.
   */
  public Future<Long> tick() {
    return new Future<>() {
      private Sleep sleep;
      private long armedFor; // the value of `next` the sleep was created for

      @Override
      public Poll<Long> poll(Context cx) {
        if (!started) {
          next = start != null ? start : Sleep.currentDriver().now();
          started = true;
        }
        if (sleep != null && armedFor != next) {
          sleep.cancel(); // reset() moved the schedule while this tick was waiting
          sleep = null;
        }
        if (sleep == null) {
          sleep = Time.sleepUntil(next);
          armedFor = next;
        }
        if (sleep.poll(cx).isPending()) {
          return Poll.pending();
        }
        long scheduled = next;
        long now = Time.now();
        next = following(scheduled, now);
        sleep = null;
        return Poll.ready(scheduled);
      }

      @Override
      public void cancel() {
        if (sleep != null) {
          sleep.cancel();
          sleep = null;
        }
      }
    };
  }

  private long following(long scheduled, long now) {
    if (now - scheduled <= MISSED_NANOS) {
      return scheduled + period;
    }
    return switch (behavior) {
      case BURST -> scheduled + period;
      case DELAY -> now + period;
      case SKIP -> scheduled + ((now - scheduled) / period + 1) * period;
    };
  }

  /**
   * Restarts the schedule: the next tick is one period from now. A {@link #tick()} future already
   * waiting (kept across a {@code select} with {@code Select.borrow}) waits for that instant too.
   */
  public void reset() {
    next = Time.now() + period;
    started = true;
  }
}
