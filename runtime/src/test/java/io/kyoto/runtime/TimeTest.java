package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers, the paused clock, timeouts and intervals. */
@Timeout(30)
class TimeTest {
  private static Runtime paused() {
    return Runtime.builder().currentThread().startPaused(true).build();
  }

  private static final long MS = 1_000_000;

  @Test
  void anHourOfPausedTimePassesInstantly() throws Exception {
    try (Runtime rt = paused()) {
      long t0 = System.nanoTime();
      long[] clock = new long[2];
      rt.blockOn(
          Futures.lazy(
              () -> {
                clock[0] = Time.now();
                return Time.sleep(Duration.ofHours(1)).map(v -> clock[1] = Time.now());
              }));
      assertEquals(Duration.ofHours(1).toNanos(), clock[1] - clock[0], "auto-advanced exactly");
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
    }
  }

  @Test
  void cancellingATimeoutReleasesItsTimerEvenWhenTheInnerCancelThrows() throws Exception {
    // The task polls a one-hour timeout once (its timer now holds the task's waker), cancels it,
    // then sleeps two hours. A timer left behind would wake the task at the first hour: a third
    // poll.
    IllegalStateException cancelFailure = new IllegalStateException("inner cancel");
    Future<Void> inner =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            throw cancelFailure;
          }
        };
    try (Runtime rt = paused()) {
      int[] polls = {0};
      rt.blockOn(
          Futures.lazy(
              () -> {
                Future<Void> timeout = Time.timeout(Duration.ofHours(1), inner);
                Sleep twoHours = Time.sleep(Duration.ofHours(2));
                return cx -> {
                  if (polls[0]++ == 0) {
                    assertTrue(timeout.poll(cx).isPending());
                    assertThrows(IllegalStateException.class, timeout::cancel);
                  }
                  return twoHours.poll(cx);
                };
              }));
      assertEquals(2, polls[0], "woken by the cancelled timeout's timer");
    }
  }

  @Test
  void aTimeoutThatFiresKeepsItsTimeoutExceptionWhenTheInnerCancelThrows() throws Exception {
    // The deadline is the outcome; the inner future it drops is cancelled, and what that cancel()
    // throws is suppressed into the TimeoutException, as for any failure (Future's contract).
    IllegalStateException cancelFailure = new IllegalStateException("inner cancel");
    Future<Void> inner =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            throw cancelFailure;
          }
        };
    try (Runtime rt = paused()) {
      Exception e =
          assertThrows(
              Exception.class,
              () -> rt.blockOn(Futures.lazy(() -> Time.timeout(Duration.ofSeconds(1), inner))));
      assertEquals(TimeoutException.class, e.getClass(), e.toString());
      assertEquals(List.of(cancelFailure), List.of(e.getSuppressed()));
    }
  }

  @Test
  void aZeroSleepIsReadyAtItsFirstPollWithoutATimer() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      int[] polls = {0};
      rt.blockOn(
          rt.spawn(
              Futures.lazy(
                  () -> {
                    Sleep zero = Time.sleep(Duration.ZERO);
                    return cx -> {
                      polls[0]++;
                      assertTrue(zero.poll(cx).isReady(), "a zero sleep waited");
                      return Poll.ready(null);
                    };
                  })));
      assertEquals(1, polls[0]);
      assertTrue(Time.sleep(Duration.ofNanos(-5)).isElapsed(), "a negative sleep is elapsed");
    }
  }

  @Test
  void aSleepWhoseDeadlinePassedBeforeItsFirstPollStillCompletes() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      // The deadline is behind the clock but (usually) not behind the wheel's processed tick: the
      // driver takes it and fires it at its next turn, which the registration starts.
      for (int i = 0; i < 100; i++) {
        rt.blockOn(rt.spawn(Futures.lazy(() -> Time.sleepUntil(Time.now() - 100_000))));
      }
    }
  }

  @Test
  void timersFireInDeadlineOrder() throws Exception {
    try (Runtime rt = paused()) {
      List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
      rt.blockOn(
          Futures.lazy(
              () -> {
                List<Future<? extends Void>> all = new ArrayList<>();
                int[] delays = {50, 10, 3000, 70_000, 1, 200};
                for (int d : delays) {
                  all.add(Task.spawn(Time.sleep(Duration.ofMillis(d)).inspect(v -> fired.add(d))));
                }
                return Futures.join(all);
              }));
      assertEquals(List.of(1, 10, 50, 200, 3000, 70_000), fired);
    }
  }

  @Test
  void sleepsAreRoundedUpNeverEarly() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      long[] t = new long[2];
      rt.blockOn(
          Futures.lazy(
              () -> {
                t[0] = Time.now();
                return Time.sleep(Duration.ofNanos(1_500_000)).map(v -> t[1] = Time.now());
              }));
      assertTrue(t[1] - t[0] >= 1_500_000, "slept " + (t[1] - t[0]) + " ns");
    }
  }

  @Test
  void timeoutPollsTheFutureFirstAndCancelsItWhenTimeIsUp() throws Exception {
    try (Runtime rt = paused()) {
      assertEquals(7, rt.blockOn(Time.timeout(Duration.ZERO, Futures.ready(7))));
      int[] cancels = new int[1];
      Future<Integer> never =
          new Future<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
              return Poll.pending();
            }

            @Override
            public void cancel() {
              cancels[0]++;
            }
          };
      TimeoutException e =
          assertThrows(
              TimeoutException.class, () -> rt.blockOn(never.timeout(Duration.ofSeconds(3))));
      assertTrue(e.getMessage().contains("deadline has elapsed"));
      // Once: the timeout cancels its future and forgets it, so blockOn's drop of the failed
      // timeout (its cancel(), as for any future whose poll threw) does not cancel it again.
      assertEquals(1, cancels[0]);
      assertEquals(
          "fast",
          rt.blockOn(
              Time.sleep(Duration.ofSeconds(1)).map(v -> "fast").timeout(Duration.ofSeconds(2))));
    }
  }

  @Test
  void timeoutAtGivesSeveralStepsOneDeadline() throws Exception {
    try (Runtime rt = paused()) {
      long[] at = new long[2];
      TimeoutException e =
          assertThrows(
              TimeoutException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            long deadline = Time.now() + Duration.ofSeconds(3).toNanos();
                            at[0] = deadline;
                            Future<String> step = Time.sleep(Duration.ofSeconds(2)).map(v -> "ok");
                            return Time.timeoutAt(deadline, step) // fits: 2 s of 3
                                .flatMap(
                                    v ->
                                        Time.timeoutAt( // 1 s left for another 2 s: fails
                                                deadline, Time.sleep(Duration.ofSeconds(2)))
                                            .handle(
                                                (w, x) -> {
                                                  at[1] = Time.now();
                                                  throw x;
                                                }));
                          })));
      assertEquals("deadline has elapsed", e.getMessage());
      assertEquals(at[0], at[1], "failed exactly at the deadline");
      // Past the deadline, a ready future still succeeds: the inner future is polled first.
      assertEquals(
          7, rt.blockOn(Futures.lazy(() -> Time.timeoutAt(Time.now() - 1, Futures.ready(7)))));
      assertThrows(
          TimeoutException.class,
          () -> rt.blockOn(Futures.lazy(() -> Time.timeoutAt(Time.now(), Task.yieldNow()))));
    }
    IllegalStateException outside =
        assertThrows(IllegalStateException.class, () -> Time.timeoutAt(0, Futures.ready(1)));
    assertTrue(outside.getMessage().contains("Kyoto runtime"), outside.getMessage());
  }

  @Test
  void timeoutFiresWhenTheInnerFutureSpendsTheWholeBudget() throws Exception {
    // tokio polls the delay unconstrained when the inner future exhausted the budget; otherwise a
    // future that always spends the budget (a busy loop over ready items) never times out.
    try (Runtime rt = paused()) {
      int[] cancels = new int[1];
      Future<Integer> hog =
          new Future<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
              while (cx.tryConsumeBudget()) {
                // busy: every item is ready
              }
              cx.waker().wake();
              return Poll.pending();
            }

            @Override
            public void cancel() {
              cancels[0]++;
            }
          };
      Context cx = new Context(Waker.noop());
      Future<Integer> timed =
          rt.blockOn(Futures.fromSupplier(() -> Time.timeout(Duration.ofMillis(10), hog)));
      rt.blockOn(
          Futures.lazy(
              () -> {
                cx.setBudget(Context.INITIAL_BUDGET);
                assertTrue(timed.poll(cx).isPending());
                return Time.advance(Duration.ofMillis(20));
              }));
      cx.setBudget(Context.INITIAL_BUDGET);
      assertThrows(
          TimeoutException.class, () -> rt.blockOn(Futures.fromSupplier(() -> timed.poll(cx))));
      assertEquals(1, cancels[0]);
    }
  }

  @Test
  void advanceMovesAPausedClockAndFiresDueTimers() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      List<String> log = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                Time.pause();
                long start = Time.now();
                JoinHandle<Void> s =
                    Task.spawn(Time.sleep(Duration.ofSeconds(10)).inspect(v -> log.add("woke")));
                return Task.yieldNow()
                    .flatMap(v -> Time.advance(Duration.ofSeconds(9)))
                    .map(
                        v -> {
                          log.add("9s:" + s.isFinished());
                          return v;
                        })
                    .flatMap(v -> Time.advance(Duration.ofSeconds(1)))
                    .flatMap(v -> s)
                    .map(
                        v -> {
                          log.add("elapsed=" + (Time.now() - start) / 1_000_000_000L);
                          Time.resume();
                          return v;
                        });
              }));
      assertEquals(List.of("9s:false", "woke", "elapsed=10"), log);
    }
  }

  @Test
  void aSleepCancelledByALostSelectFiresWhenRacedAgain() throws Exception {
    // A deadline made once, outside the loop, and raced against a tick in every iteration: the
    // select cancels it each time it loses, and it must still fire at its deadline.
    try (Runtime rt = paused()) {
      long[] result =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    Sleep deadline = Time.sleep(Duration.ofMillis(100));
                    Interval tick = Time.interval(Duration.ofMillis(10));
                    return Futures.loop(
                        0L,
                        ticks ->
                            Select.<Boolean>builder()
                                .biased()
                                .branch(deadline, v -> true)
                                .branch(tick.tick(), t -> false)
                                .build()
                                .map(
                                    done ->
                                        done
                                            ? Futures.Step.<Long, long[]>done(
                                                new long[] {(Time.now() - t0) / MS, ticks})
                                            : Futures.Step.next(ticks + 1)));
                  }));
      assertEquals(100, result[0], "fired at its deadline");
      assertEquals(10, result[1], "ticks at 0, 10, ..., 90 won before it");
    }
  }

  @Test
  void resetMovesATickThatIsAlreadyWaiting() throws Exception {
    // A heartbeat loop keeps its tick across a select (Select.borrow) and resets the interval when
    // a message comes: the waiting tick must follow the new schedule, and report the instant it
    // fired at.
    try (Runtime rt = paused()) {
      long[] result =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    Interval every = Time.interval(Duration.ofMillis(10));
                    return every
                        .tick()
                        .flatMap(
                            first -> {
                              Future<Long> tick = every.tick(); // waits for 10 ms
                              return Select.<Long>builder()
                                  .biased()
                                  .branch(Select.borrow(tick), t -> -1L)
                                  .branch(Time.sleep(Duration.ofMillis(5)), v -> 0L)
                                  .build()
                                  .flatMap(
                                      lost -> {
                                        assertEquals(0L, lost, "the sleep wins at 5 ms");
                                        every.reset(); // next tick: 15 ms
                                        return tick;
                                      })
                                  .flatMap(
                                      t -> {
                                        long firedAt = (Time.now() - t0) / MS;
                                        long scheduled = (t - t0) / MS;
                                        return every
                                            .tick()
                                            .map(
                                                u ->
                                                    new long[] {firedAt, scheduled, (u - t0) / MS});
                                      });
                            });
                  }));
      assertEquals(15, result[0], "fired at");
      assertEquals(15, result[1], "reported");
      assertEquals(25, result[2], "the tick after it");
    }
  }

  @Test
  void intervalTicksAtOnceThenEveryPeriod() throws Exception {
    try (Runtime rt = paused()) {
      List<Long> ticks =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long start = Time.now();
                    Interval every = Time.interval(Duration.ofMillis(100));
                    List<Long> out = new ArrayList<>();
                    return Futures.loop(
                        0,
                        n ->
                            n == 4
                                ? Futures.ready(Futures.Step.<Integer, List<Long>>done(out))
                                : every
                                    .tick()
                                    .map(
                                        t -> {
                                          out.add((t - start) / MS);
                                          return Futures.Step.next(n + 1);
                                        }));
                  }));
      assertEquals(List.of(0L, 100L, 200L, 300L), ticks);
    }
  }

  @Test
  void intervalScheduleStartsWhenTheIntervalIsCreated() throws Exception {
    // tokio's interval(period) is interval_at(Instant::now(), period): the schedule starts at
    // creation, not at the first tick; ticks missed before the first poll burst (the default).
    try (Runtime rt = paused()) {
      List<Long> ticks =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long start = Time.now();
                    Interval every = Time.interval(Duration.ofMillis(100));
                    List<Long> out = new ArrayList<>();
                    return Time.advance(Duration.ofMillis(250))
                        .flatMap(
                            ignored ->
                                Futures.repeat(
                                    4, i -> every.tick().map(t -> out.add((t - start) / MS))))
                        .map(v -> out);
                  }));
      assertEquals(List.of(0L, 100L, 200L, 300L), ticks);
    }
  }

  @Test
  void missedTickBehaviors() throws Exception {
    assertEquals(List.of(0L, 350L, 350L, 350L, 400L), missed(MissedTickBehavior.BURST));
    assertEquals(List.of(0L, 350L, 450L, 550L, 650L), missed(MissedTickBehavior.DELAY));
    assertEquals(List.of(0L, 350L, 400L, 500L, 600L), missed(MissedTickBehavior.SKIP));
  }

  /** Ticks every 100 ms, but the work after the first tick takes 350 ms; returns tick times. */
  private static List<Long> missed(MissedTickBehavior behavior) throws Exception {
    try (Runtime rt = paused()) {
      return rt.blockOn(
          Futures.lazy(
              () -> {
                long start = Time.now();
                Interval every = Time.interval(Duration.ofMillis(100)).missedTickBehavior(behavior);
                List<Long> at = new ArrayList<>();
                return Futures.loop(
                    0,
                    n -> {
                      if (n == 5) {
                        return Futures.ready(Futures.Step.<Integer, List<Long>>done(at));
                      }
                      return every
                          .tick()
                          .flatMap(
                              t -> {
                                at.add((Time.now() - start) / MS);
                                return n == 0
                                    ? Time.sleep(Duration.ofMillis(350))
                                    : Futures.<Void>ready(null);
                              })
                          .map(v -> Futures.Step.next(n + 1));
                    });
              }));
    }
  }

  @Test
  void usingTimeWithoutTheDriverNamesTheBuilderCall() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> rt.blockOn(Time.sleep(Duration.ofMillis(1))));
      assertTrue(e.getMessage().contains("Call `enableTime`"), e.getMessage());
    }
  }

  @Test
  void pauseIsRefusedOnAMultiThreadRuntime() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableTime().build()) {
      assertThrows(
          IllegalStateException.class,
          () ->
              rt.blockOn(
                  Futures.fromSupplier(
                      () -> {
                        Time.pause();
                        return null;
                      })));
    }
  }

  @Test
  void aCancelledSleepReleasesItsTimer() throws Exception {
    try (Runtime rt = paused()) {
      int[] wakes = new int[1];
      Sleep s =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Sleep sleep = Time.sleep(Duration.ofSeconds(1));
                    assertTrue(sleep.poll(new Context(() -> wakes[0]++)).isPending());
                    sleep.cancel();
                    // A timer left in the wheel would fire when the clock passes its deadline.
                    return Time.sleep(Duration.ofSeconds(2)).map(v -> sleep);
                  }));
      assertEquals(0, wakes[0], "the cancelled sleep's timer fired");
      assertFalse(s.isElapsed());
    }
  }

  @Test
  void multiThreadTimersFire() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      long took =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = System.nanoTime();
                    List<Future<? extends Void>> all = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                      all.add(Task.spawn(Time.sleep(Duration.ofMillis(1 + i % 20))));
                    }
                    return Futures.join(all).map(v -> System.nanoTime() - t0);
                  }));
      assertTrue(took >= 20 * MS);
    }
  }
}
