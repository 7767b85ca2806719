package io.kyoto.runtime.internal.rt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Driver}'s non-waiting turns skip the reactor while nothing is registered, but not the
 * event of a wake-up sent meanwhile: left pending, it would end the next waiting turn at once.
 */
class DriverTest {
  private static final long WAIT = TimeUnit.MILLISECONDS.toNanos(60);

  @Test
  void aWakeUpConsumedByANonWaitingTurnDoesNotCutTheNextWaitShort() {
    try (Driver driver = new Driver(true, null, null)) {
      driver.tryLock();
      try {
        driver.wakeup(null); // nobody waits: the event stays pending in the reactor
        driver.turn(0, false); // nothing registered, but the wake-up's event is consumed
        long t0 = System.nanoTime();
        driver.turn(WAIT, false);
        long waited = System.nanoTime() - t0;
        assertTrue(
            waited >= WAIT / 2,
            "the waiting turn returned after " + waited / 1000 + " µs, woken by a stale event");
      } finally {
        driver.unlock();
      }
    }
  }

  @Test
  void aWakeUpStillEndsAWaitingTurn() throws Exception {
    try (Driver driver = new Driver(true, null, null)) {
      driver.tryLock();
      try {
        driver.turn(0, false);
        Thread waker =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        Thread.sleep(20);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      driver.wakeup(null);
                    });
        long t0 = System.nanoTime();
        driver.turn(TimeUnit.SECONDS.toNanos(30), false);
        long waited = System.nanoTime() - t0;
        waker.join();
        assertTrue(
            waited < TimeUnit.SECONDS.toNanos(20), "not woken: " + waited / 1_000_000 + " ms");
      } finally {
        driver.unlock();
      }
    }
  }
}
