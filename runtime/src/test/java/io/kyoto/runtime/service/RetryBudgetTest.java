package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RetryBudget} on a hand-driven clock, and {@link Backoff}. */
class RetryBudgetTest {
  private long now;

  private RetryBudget budget(Duration ttl, int minPerSecond, double ratio) {
    return RetryBudget.withClock(() -> now, ttl, minPerSecond, ratio);
  }

  @Test
  void depositsPayForRetriesAtTheRatio() {
    RetryBudget b = budget(Duration.ofSeconds(10), 0, 0.1);
    assertFalse(b.withdraw(), "no deposits, no reserve");
    for (int i = 0; i < 25; i++) {
      b.deposit();
    }
    assertEquals(2, b.retriesAvailable());
    assertTrue(b.withdraw());
    assertTrue(b.withdraw());
    assertFalse(b.withdraw());
  }

  @Test
  void theReserveAllowsMinPerSecondRetriesOverTheTtl() {
    RetryBudget b = budget(Duration.ofSeconds(2), 3, 0.5);
    assertEquals(6, b.retriesAvailable());
    for (int i = 0; i < 6; i++) {
      assertTrue(b.withdraw());
    }
    assertFalse(b.withdraw());
    now += Duration.ofSeconds(2).toNanos(); // the withdrawals expire with their slot
    assertEquals(6, b.retriesAvailable());
  }

  @Test
  void depositsExpireAfterTheTtl() {
    RetryBudget b = budget(Duration.ofSeconds(1), 0, 1.0);
    for (int i = 0; i < 5; i++) {
      b.deposit();
    }
    now += Duration.ofMillis(500).toNanos();
    b.deposit();
    assertEquals(6, b.retriesAvailable());
    now += Duration.ofMillis(600).toNanos(); // 1.1 s after the first five, 0.6 s after the last
    assertEquals(1, b.retriesAvailable());
    now += Duration.ofSeconds(5).toNanos();
    assertEquals(0, b.retriesAvailable());
  }

  @Test
  void ratiosAboveOneAllowSeveralRetriesPerRequest() {
    RetryBudget b = budget(Duration.ofSeconds(1), 0, 3.0);
    b.deposit();
    assertEquals(3, b.retriesAvailable());
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> budget(Duration.ZERO, 0, 0.1));
    assertThrows(IllegalArgumentException.class, () -> budget(Duration.ofSeconds(1), -1, 0.1));
    assertThrows(IllegalArgumentException.class, () -> budget(Duration.ofSeconds(1), 0, -0.5));
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0);
    assertEquals(Duration.ofMillis(100), b.delay(0));
    assertEquals(Duration.ofMillis(200), b.delay(1));
    assertEquals(Duration.ofMillis(400), b.delay(2));
    assertEquals(Duration.ofMillis(800), b.delay(3));
    assertEquals(Duration.ofSeconds(1), b.delay(4));
    assertEquals(Duration.ofSeconds(1), b.delay(1000));
  }

  @Test
  void jitterAddsUpToItsFractionOfTheBaseAndIsReproducibleWithASeed() {
    Backoff b =
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10), 0.5)
            .withRandom(new SplittableRandom(42));
    Backoff same =
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10), 0.5)
            .withRandom(new SplittableRandom(42));
    boolean varied = false;
    for (int attempt = 0; attempt < 5; attempt++) {
      Duration base = Duration.ofMillis(100L << attempt);
      for (int k = 0; k < 20; k++) {
        Duration d = b.delay(attempt);
        assertEquals(d, same.delay(attempt));
        assertTrue(d.compareTo(base) >= 0 && d.compareTo(base.multipliedBy(3).dividedBy(2)) <= 0);
        varied |= !d.equals(base);
      }
    }
    assertTrue(varied, "jitter changes the delays");
    assertThrows(
        IllegalArgumentException.class,
        () -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
  }
}
