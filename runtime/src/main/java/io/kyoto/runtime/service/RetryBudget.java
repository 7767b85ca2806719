package io.kyoto.runtime.service;

import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Caps retries to a ratio of recent requests, so that a failing backend does not get a storm of
 * retries on top of its load (tower's {@code TpsBudget}).
 *
 * <p>Every request {@linkplain #deposit() deposits} into the budget, every retry {@linkplain
 * #withdraw() withdraws} from it; a retry is allowed while the balance covers it. With {@code
 * retryRatio} 0.1, ten requests pay for one retry. Deposits expire after {@code ttl} (they are kept
 * in ten slots of {@code ttl / 10}, so they expire a slot at a time). On top of the deposits, a
 * reserve allows {@code minPerSecond} retries per second of {@code ttl}, so that a service with few
 * requests can still retry.
 *
 * <p>Pass a budget to {@link Retry#layer(RetryPolicy, RetryBudget)}, which deposits once per call
 * and withdraws once per retry, or use it from a {@link RetryPolicy}.
 *
 * <p><b>Thread safety:</b> thread safe; one budget is meant to be shared by many calls.
 */
public final class RetryBudget {
  private static final int SLOTS = 10;

  private final LongSupplier clock;
  private final long slotNanos;
  private final long depositAmount;
  private final long withdrawAmount;
  private final long reserve;
  private final long[] slots = new long[SLOTS]; // guarded by this
  private long currentSlot = Long.MIN_VALUE; // absolute slot index (time / slotNanos); guarded

  private RetryBudget(LongSupplier clock, Duration ttl, int minPerSecond, double retryRatio) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("ttl must be between 1 and 60 seconds: " + ttl);
    }
    if (minPerSecond < 0) {
      throw new IllegalArgumentException("minPerSecond must not be negative: " + minPerSecond);
    }
    if (!(retryRatio >= 0 && retryRatio <= 1000)) {
      throw new IllegalArgumentException("retryRatio must be within [0, 1000]: " + retryRatio);
    }
    this.clock = clock;
    this.slotNanos = ttl.toNanos() / SLOTS;
    // Integer arithmetic: a deposit is worth depositAmount units, a retry costs withdrawAmount.
    if (retryRatio == 0) {
      depositAmount = 0; // deposits buy nothing; retries come from the reserve only
      withdrawAmount = 1;
    } else if (retryRatio <= 1) {
      depositAmount = 1;
      withdrawAmount = Math.max(1, Math.round(1 / retryRatio));
    } else {
      depositAmount = 1000;
      withdrawAmount = Math.max(1, Math.round(1000 / retryRatio));
    }
    this.reserve = (long) minPerSecond * ttl.toSeconds() * withdrawAmount;
  }

  /**
   * {@return a budget on the current runtime's clock} Deposits and withdrawals need a runtime with
   * time enabled; with a paused clock, expiry is deterministic.
   *
   * @param ttl how long a deposit counts, from 1 to 60 seconds
   * @param minPerSecond retries allowed per second regardless of deposits, at least 0
   * @param retryRatio retries allowed per request deposited, from 0 to 1000
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static RetryBudget create(Duration ttl, int minPerSecond, double retryRatio) {
    return new RetryBudget(Time::now, ttl, minPerSecond, retryRatio);
  }

  /**
   * {@return a budget with tower's defaults: a ttl of 10 seconds, 10 retries per second, and a
   * retry ratio of 0.2}
   */
  public static RetryBudget defaults() {
    return create(Duration.ofSeconds(10), 10, 0.2);
  }

  /**
   * {@return a budget on {@code clock}, for code outside a runtime}
   *
   * @param clock monotonic nanoseconds
   * @param ttl how long a deposit counts, from 1 to 60 seconds
   * @param minPerSecond retries allowed per second regardless of deposits, at least 0
   * @param retryRatio retries allowed per request deposited, from 0 to 1000
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static RetryBudget withClock(
      LongSupplier clock, Duration ttl, int minPerSecond, double retryRatio) {
    return new RetryBudget(Objects.requireNonNull(clock, "clock"), ttl, minPerSecond, retryRatio);
  }

  /** Records a request: it adds to what later retries may spend. */
  public synchronized void deposit() {
    advance();
    slots[slot(currentSlot)] += depositAmount;
  }

  /**
   * Takes the cost of one retry from the budget, if it covers it.
   *
   * @return whether the retry is allowed
   */
  public synchronized boolean withdraw() {
    advance();
    if (balance() < withdrawAmount) {
      return false;
    }
    slots[slot(currentSlot)] -= withdrawAmount;
    return true;
  }

  /** {@return how many retries the budget would allow now} */
  public synchronized long retriesAvailable() {
    advance();
    return Math.max(0, balance() / withdrawAmount);
  }

  private long balance() {
    long sum = reserve;
    for (long s : slots) {
      sum += s;
    }
    return sum;
  }

  /** Moves to the slot of the current time, clearing the slots that expired on the way. */
  private void advance() {
    long now = Math.floorDiv(clock.getAsLong(), slotNanos);
    if (currentSlot == Long.MIN_VALUE) {
      currentSlot = now;
      return;
    }
    long steps = Math.min(SLOTS, now - currentSlot);
    for (long i = 1; i <= steps; i++) {
      slots[slot(currentSlot + i)] = 0;
    }
    if (now > currentSlot) {
      currentSlot = now;
    }
  }

  private static int slot(long absolute) {
    return (int) Math.floorMod(absolute, (long) SLOTS);
  }

  @Override
  public String toString() {
    return "RetryBudget{retriesAvailable=" + retriesAvailable() + "}";
  }
}
