package io.kyoto.runtime.service;

import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, for {@link RetryPolicy} implementations (tower's {@code
 * ExponentialBackoff}).
 *
 * <p>The delay before retry number {@code n} (counting from 0) is {@code min * 2^n}, capped at
 * {@code max}, plus a random jitter of up to {@code jitter} times that base, capped at {@code max}
 * again. The jitter spreads the retries of many clients that failed together, so they do not come
 * back together.
 *
 * {@snippet :
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 0.5);
 * Future<Void> wait = backoff.sleep(attempt); // 10-15 ms, then 20-30 ms, ...
 * }
 *
 * <p><b>Thread safety:</b> immutable; thread safe if its random generator is (the default, {@link
 * ThreadLocalRandom}, is).
 */
public final class Backoff {
  private final long minNanos;
  private final long maxNanos;
  private final double jitter;
  private final RandomGenerator random; // null: ThreadLocalRandom.current() of the caller

  private Backoff(long minNanos, long maxNanos, double jitter, RandomGenerator random) {
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
    this.jitter = jitter;
    this.random = random;
  }

  /**
   * {@return an exponential backoff}
   *
   * @param min the delay before the first retry, not negative
   * @param max the longest delay, at least {@code min}
   * @param jitter the random part, as a fraction of the base delay, from 0 (none) to 1
   * @throws IllegalArgumentException if the arguments are out of range
   */
  public static Backoff exponential(Duration min, Duration max, double jitter) {
    long lo = nanos(Objects.requireNonNull(min, "min"));
    long hi = nanos(Objects.requireNonNull(max, "max"));
    if (lo < 0 || hi < lo) {
      throw new IllegalArgumentException("need 0 <= min <= max: min=" + min + ", max=" + max);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
    }
    return new Backoff(lo, hi, jitter, null);
  }

  /**
   * {@return this backoff drawing its jitter from {@code random}} A seeded generator makes the
   * delays reproducible.
   *
   * @param random the source of jitter; used from the threads that compute delays
   */
  public Backoff withRandom(RandomGenerator random) {
    return new Backoff(minNanos, maxNanos, jitter, Objects.requireNonNull(random, "random"));
  }

  /**
   * {@return the delay before retry number {@code attempt}}
   *
   * @param attempt the retry's number, from 0
   * @throws IllegalArgumentException if {@code attempt} is negative
   */
  public Duration delay(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
    long base = minNanos;
    for (int i = 0; i < attempt && base < maxNanos; i++) {
      base = base > maxNanos / 2 ? maxNanos : base * 2;
    }
    base = Math.min(base, maxNanos);
    if (jitter > 0 && base > 0) {
      RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
      long extra = (long) (base * jitter * r.nextDouble());
      base = maxNanos - base < extra ? maxNanos : base + extra;
    }
    return Duration.ofNanos(base);
  }

  /**
   * {@return a sleep for {@link #delay(int) delay(attempt)}} Needs a runtime with time enabled.
   *
   * @param attempt the retry's number, from 0
   */
  public Sleep sleep(int attempt) {
    return Time.sleep(delay(attempt));
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? -1 : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "Backoff{min="
        + Duration.ofNanos(minNanos)
        + ", max="
        + Duration.ofNanos(maxNanos)
        + ", jitter="
        + jitter
        + "}";
  }
}
