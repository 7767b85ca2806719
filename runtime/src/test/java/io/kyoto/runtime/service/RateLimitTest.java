package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RateLimit}: a fixed window of {@code num} calls per {@code per}, on the paused clock. */
class RateLimitTest {
  private static final long MS = 1_000_000;

  private static Runtime paused() {
    return Runtime.builder().currentThread().enableTime().startPaused(true).build();
  }

  @Test
  void afterNumCallsReadinessWaitsForTheWindowToEnd() throws Exception {
    List<Long> callTimes = new ArrayList<>();
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                long start = Time.now();
                Service<Integer, String> svc =
                    new RateLimit<>(
                        Service.of(
                            n -> {
                              callTimes.add((Time.now() - start) / MS);
                              return Futures.ready("ok");
                            }),
                        2,
                        Duration.ofSeconds(1));
                return Futures.loop(
                    0,
                    i ->
                        i == 5
                            ? Futures.ready(Step.done(null))
                            : svc.oneshot(i).map(r -> Step.next(i + 1)));
              }));
    }
    assertEquals(List.of(0L, 0L, 1000L, 1000L, 2000L), callTimes);
  }

  @Test
  void theWindowIsSharedByHandles() throws Exception {
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                ManualService inner = new ManualService();
                Service<Integer, String> a = new RateLimit<>(inner, 2, Duration.ofMillis(100));
                Service<Integer, String> b = a.newHandle();
                Service<Integer, String> c = a.newHandle();
                Polled.readiness(a).ready();
                Polled.readiness(b).ready();
                Polled<Void> readyC = Polled.readiness(c);
                readyC.pending();
                long start = Time.now();
                return Time.sleep(Duration.ofMillis(99))
                    .flatMap(
                        v -> {
                          readyC.pending();
                          return Time.sleep(Duration.ofMillis(1));
                        })
                    .map(
                        v -> {
                          assertTrue(readyC.isWoken(), "the window's end wakes the waiter");
                          readyC.ready();
                          assertEquals(100 * MS, Time.now() - start);
                          return null;
                        });
              }));
    }
  }

  @Test
  void releaseGivesAnUnusedReservationBack() throws Exception {
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                ManualService inner = new ManualService();
                Service<Integer, String> a = new RateLimit<>(inner, 1, Duration.ofSeconds(1));
                Service<Integer, String> b = a.newHandle();
                Polled.readiness(a).ready();
                Polled<Void> readyB = Polled.readiness(b);
                readyB.pending();
                a.release();
                readyB.ready(); // the slot is free again in the same window
                assertThrows(IllegalStateException.class, () -> a.call(1));
                return Futures.ready(null);
              }));
    }
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> RateLimit.layer(0, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> RateLimit.layer(1, Duration.ZERO));
  }
}
