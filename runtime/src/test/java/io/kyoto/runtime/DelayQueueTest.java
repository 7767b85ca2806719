package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DelayQueue} on the paused clock: order, removal, reset, waiting while empty. */
@Timeout(30)
class DelayQueueTest {
  private static final long MS = 1_000_000;

  private static Runtime paused() {
    return Runtime.builder().currentThread().startPaused(true).build();
  }

  /** Takes {@code n} values from the queue, each as "value@ms since t0". */
  private static Future<List<String>> take(DelayQueue<String> q, int n, long t0) {
    List<String> out = new ArrayList<>();
    return Futures.loop(
        0,
        i ->
            i == n
                ? Futures.ready(Futures.Step.<Integer, List<String>>done(out))
                : q.next()
                    .map(
                        e -> {
                          out.add(e.value() + "@" + (Time.now() - t0) / MS);
                          return Futures.Step.next(i + 1);
                        }));
  }

  @Test
  void valuesComeOutAtTheirDeadlinesInDeadlineThenInsertionOrder() throws Exception {
    try (Runtime rt = paused()) {
      List<String> out =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    DelayQueue<String> q = new DelayQueue<>();
                    q.insert("c", Duration.ofMillis(30));
                    q.insert("a", Duration.ofMillis(10));
                    q.insert("b", Duration.ofMillis(20));
                    q.insert("d", Duration.ofMillis(20));
                    q.insert("now", Duration.ZERO);
                    assertEquals(5, q.size());
                    return take(q, 5, t0).inspect(v -> assertTrue(q.isEmpty()));
                  }));
      assertEquals(List.of("now@0", "a@10", "b@20", "d@20", "c@30"), out);
    }
  }

  @Test
  void removeAndResetBeforeTheDeadline() throws Exception {
    try (Runtime rt = paused()) {
      List<String> out =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    DelayQueue<String> q = new DelayQueue<>();
                    DelayQueue.Key x = q.insert("x", Duration.ofMillis(10));
                    DelayQueue.Key y = q.insert("y", Duration.ofMillis(20));
                    DelayQueue.Key z = q.insert("z", Duration.ofMillis(5));
                    assertEquals("x", q.remove(x));
                    assertFalse(q.contains(x));
                    assertFalse(q.tryRemove(x));
                    assertThrows(NoSuchElementException.class, () -> q.remove(x));
                    assertThrows(NoSuchElementException.class, () -> q.reset(x, Duration.ZERO));
                    q.reset(y, Duration.ofMillis(3)); // sooner: before z
                    q.resetAt(z, t0 + 40 * MS); // later
                    assertEquals(t0 + 40 * MS, q.deadline(z));
                    DelayQueue<String> other = new DelayQueue<>();
                    assertThrows(IllegalArgumentException.class, () -> other.remove(y));
                    return take(q, 2, t0)
                        .inspect(
                            v -> {
                              assertFalse(q.contains(z));
                              assertThrows(NoSuchElementException.class, () -> q.deadline(z));
                            });
                  }));
      assertEquals(List.of("y@3", "z@40"), out);
    }
  }

  @Test
  void nextWaitsWhileEmptyAndSeesAnEarlierDeadlineInsertedMeanwhile() throws Exception {
    try (Runtime rt = paused()) {
      List<String> out =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    DelayQueue<String> q = new DelayQueue<>();
                    // Another task of this thread feeds the queue while next() waits.
                    Task.spawn(
                        Time.sleep(Duration.ofMillis(50))
                            .map(
                                v -> {
                                  q.insert("late", Duration.ofMillis(100)); // due at 150
                                  return null;
                                })
                            .flatMap(v -> Time.sleep(Duration.ofMillis(10)))
                            .map(
                                v -> {
                                  q.insert("early", Duration.ofMillis(5)); // due at 65
                                  return null;
                                }));
                    return take(q, 2, t0);
                  }));
      assertEquals(List.of("early@65", "late@150"), out);
    }
  }

  @Test
  void aCancelledNextTakesNothingAndAClearedQueueWaits() throws Exception {
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                DelayQueue<String> q = new DelayQueue<>();
                q.insert("kept", Duration.ofMillis(20));
                Future<?> lost =
                    Select.<String>builder()
                        .biased()
                        .branch(Time.sleep(Duration.ofMillis(10)), v -> "timer")
                        .branch(q.next(), e -> "queue")
                        .build();
                return lost.flatMap(
                        winner -> {
                          assertEquals("timer", winner);
                          assertEquals(1, q.size(), "the cancelled next() took nothing");
                          return q.next();
                        })
                    .flatMap(
                        e -> {
                          assertEquals("kept", e.value());
                          q.insert("gone", Duration.ofMillis(1));
                          q.clear();
                          return Time.timeout(Duration.ofSeconds(1), q.next());
                        })
                    .handle(
                        (v, error) -> {
                          assertTrue(
                              error instanceof java.util.concurrent.TimeoutException,
                              "a cleared queue has nothing to give: " + v);
                          return null;
                        });
              }));
    }
  }

  @Test
  void tenThousandValuesOverAnHourComeOutSorted() throws Exception {
    try (Runtime rt = paused()) {
      long[] out =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Random random = new Random(42);
                    DelayQueue<Long> q = new DelayQueue<>();
                    long t0 = Time.now();
                    List<DelayQueue.Key> keys = new ArrayList<>();
                    for (int i = 0; i < 10_000; i++) {
                      long at = t0 + (long) (random.nextDouble() * 3_600_000) * MS;
                      keys.add(q.insertAt(at, at));
                    }
                    for (int i = 0; i < 10_000; i += 7) {
                      q.remove(keys.get(i)); // some leave early
                    }
                    for (int i = 3; i < 10_000; i += 11) {
                      if (q.contains(keys.get(i))) {
                        long at = t0 + (long) (random.nextDouble() * 3_600_000) * MS;
                        q.resetAt(keys.get(i), at); // the value is its first deadline: keep it
                      }
                    }
                    int n = q.size();
                    long[] seen = new long[n * 2];
                    return Futures.loop(
                        0,
                        i ->
                            i == n
                                ? Futures.ready(Futures.Step.<Integer, long[]>done(seen))
                                : q.next()
                                    .map(
                                        e -> {
                                          seen[2 * i] = e.deadline();
                                          seen[2 * i + 1] = Time.now();
                                          return Futures.Step.next(i + 1);
                                        }));
                  }));
      for (int i = 2; i < out.length; i += 2) {
        assertTrue(out[i - 2] <= out[i], "deadline order at " + i / 2);
      }
      for (int i = 0; i < out.length; i += 2) {
        assertTrue(out[i + 1] >= out[i], "never before its deadline");
        assertTrue(out[i + 1] - out[i] < 2 * MS, "at its deadline, to the millisecond");
      }
      List<Long> deadlines = new ArrayList<>();
      for (int i = 0; i < out.length; i += 2) deadlines.add(out[i]);
      List<Long> sorted = new ArrayList<>(deadlines);
      sorted.sort(Comparator.naturalOrder());
      assertEquals(sorted, deadlines);
    }
  }

  @Test
  void outsideARuntimeTheDurationFormsFailClearly() {
    DelayQueue<String> q = new DelayQueue<>();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> q.insert("x", Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("Kyoto runtime"), e.getMessage());
  }
}
