package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.sync.Broadcast;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.runtime.sync.Mpsc;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Select}: winners, losers, disabled branches, else, failures, budget, and a real loop. */
@Timeout(30)
class SelectTest {
  private static final long MS = 1_000_000;

  private static Context cx() {
    return new Context(Waker.noop());
  }

  @Test
  void theFirstReadyBranchWinsAndEveryLoserIsCancelledOnce() throws Exception {
    SelectProbe<Integer> a = SelectProbe.pending();
    SelectProbe<String> b = SelectProbe.pending();
    SelectProbe<Long> c = SelectProbe.pending();
    Future<String> select =
        Select.<String>builder()
            .branch(a, v -> "a" + v)
            .branch(b, v -> "b" + v)
            .branch(c, v -> "c" + v)
            .build();
    assertTrue(select.poll(cx()).isPending());
    assertEquals(List.of(1, 1, 1), List.of(a.polls, b.polls, c.polls));
    b.complete("!");
    assertEquals("b!", select.poll(cx()).value());
    assertEquals(List.of(1, 0, 1), List.of(a.cancels, b.cancels, c.cancels));
    select.cancel(); // after completion: nothing more to release
    assertEquals(List.of(1, 0, 1), List.of(a.cancels, b.cancels, c.cancels));
    assertThrows(IllegalStateException.class, () -> select.poll(cx()));
  }

  @Test
  void cancellingAPendingSelectCancelsEveryBranchOnce() throws Exception {
    SelectProbe<Integer> a = SelectProbe.pending();
    SelectProbe<Integer> b = SelectProbe.pending();
    Future<Integer> select =
        Select.<Integer>builder().branch(a, v -> v).branchIf(false, b, v -> v).build();
    assertTrue(select.poll(cx()).isPending());
    select.cancel();
    select.cancel();
    assertEquals(List.of(1, 1), List.of(a.cancels, b.cancels));
  }

  @Test
  void biasedPollsInDeclarationOrderAndPicksTheFirstReady() throws Exception {
    for (int run = 0; run < 200; run++) {
      SelectProbe<String> a = SelectProbe.pending();
      SelectProbe<String> b = SelectProbe.ready("b");
      SelectProbe<String> c = SelectProbe.ready("c");
      Future<String> select =
          Select.<String>builder()
              .biased()
              .branch(a, v -> v)
              .branch(b, v -> v)
              .branch(c, v -> v)
              .build();
      assertEquals("b", select.poll(cx()).value());
      assertEquals(List.of(1, 1, 0), List.of(a.polls, b.polls, c.polls), "c is never polled");
      assertEquals(List.of(1, 0, 1), List.of(a.cancels, b.cancels, c.cancels));
    }
  }

  @Test
  void aBranchWithAFalsePreconditionIsNeverPolled() throws Exception {
    SelectProbe<String> disabled = SelectProbe.ready("never");
    SelectProbe<String> other = SelectProbe.pending();
    Future<String> select =
        Select.<String>builder()
            .branchIf(false, disabled, v -> v)
            .branchIf(true, other, v -> v)
            .build();
    for (int i = 0; i < 50; i++) {
      assertTrue(select.poll(cx()).isPending());
    }
    other.complete("other");
    assertEquals("other", select.poll(cx()).value());
    assertEquals(0, disabled.polls);
    assertEquals(1, disabled.cancels, "released when the select ends, as tokio drops it");
  }

  @Test
  void aValueThatDoesNotMatchDisablesTheBranchAndTheSelectKeepsWaiting() throws Exception {
    SelectProbe<String> closed = SelectProbe.ready(null); // a closed channel's recv()
    SelectProbe<Integer> odd = SelectProbe.ready(4);
    SelectProbe<String> other = SelectProbe.pending();
    Future<String> select =
        Select.<String>builder()
            .branchSome(closed, v -> "line " + v)
            .branchMatching(odd, v -> v % 2 == 1, v -> "odd " + v)
            .branch(other, v -> v)
            .build();
    assertTrue(select.poll(cx()).isPending());
    assertTrue(select.poll(cx()).isPending());
    assertEquals(1, closed.polls, "a disabled branch is not polled again");
    assertEquals(1, odd.polls);
    other.complete("other");
    assertEquals("other", select.poll(cx()).value());
    assertEquals(0, closed.cancels, "complete, so not cancelled");
    assertEquals(0, odd.cancels);
  }

  @Test
  void anEmptyOptionalDisablesABranchPresent() throws Exception {
    SelectProbe<String> other = SelectProbe.pending();
    Future<String> select =
        Select.<String>builder()
            .branchPresent(Futures.ready(Optional.<Integer>empty()), v -> "item " + v)
            .branch(other, v -> v)
            .build();
    assertTrue(select.poll(cx()).isPending());
    other.complete("other");
    assertEquals("other", select.poll(cx()).value());
    Future<String> present =
        Select.<String>builder()
            .branchPresent(Futures.ready(Optional.of(5)), v -> "item " + (v + 1))
            .build();
    assertEquals("item 6", present.poll(cx()).value());
  }

  @Test
  void theHelpersForGeneratedSelectsMatchTheRuntimeSelect() {
    for (int i = 0; i < 100; i++) {
      int start = Select.randomStart(5);
      assertTrue(start >= 0 && start < 5);
    }
    assertEquals(0, Select.randomStart(1));
    assertThrows(IllegalArgumentException.class, () -> Select.randomStart(0));
    assertEquals(
        "all branches are disabled and there is no else branch",
        Select.allBranchesDisabled().getMessage());
  }

  @Test
  void theElseBranchRunsWhenEveryBranchIsDisabled() throws Exception {
    SelectProbe<String> closed = SelectProbe.ready(null);
    SelectProbe<String> off = SelectProbe.ready("x");
    Future<String> select =
        Select.<String>builder()
            .branchSome(closed, v -> v)
            .branchIfMatching(false, off, v -> true, v -> v)
            .orElse(() -> "else")
            .build();
    assertEquals("else", select.poll(cx()).value());
    assertEquals(0, off.polls);
    assertEquals(1, off.cancels);

    SelectProbe<String> never = SelectProbe.pending();
    Future<String> allOff =
        Select.<String>builder().branchIf(false, never, v -> v).orElse(() -> "idle").build();
    assertEquals("idle", allOff.poll(cx()).value());
    assertEquals(0, never.polls);
    assertEquals(
        "only else", Select.<String>builder().orElse(() -> "only else").build().poll(cx()).value());
  }

  @Test
  void everyBranchDisabledWithoutElseFailsLikeTokio() {
    Future<String> select =
        Select.<String>builder()
            .branchSome(Futures.<String>ready(null), v -> v)
            .branchIf(false, Futures.ready("x"), v -> v)
            .build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> select.poll(cx()));
    assertEquals("all branches are disabled and there is no else branch", e.getMessage());
    assertThrows(IllegalStateException.class, () -> Select.<String>builder().build());
  }

  @Test
  void aFailingBranchFailsTheSelectAfterCancellingTheOthers() throws Exception {
    IOException boom = new IOException("boom");
    SelectProbe<String> ok = SelectProbe.pending();
    SelectProbe<String> bad = SelectProbe.failing(boom);
    Future<String> select = Select.<String>builder().branch(ok, v -> v).branch(bad, v -> v).build();
    assertSame(boom, assertThrows(IOException.class, () -> select.poll(cx())));
    assertEquals(1, ok.cancels);
    assertEquals(1, bad.cancels, "a failed future is dropped: cancelled once, as tokio drops it");
    select.cancel();
    assertEquals(1, bad.cancels, "and never again");

    SelectProbe<String> loser = SelectProbe.pending();
    Future<String> throwingHandler =
        Select.<String>builder()
            .branch(loser, v -> v)
            .branch(
                Futures.ready("x"),
                v -> {
                  throw new IOException("handler");
                })
            .build();
    assertEquals(
        "handler", assertThrows(IOException.class, () -> throwingHandler.poll(cx())).getMessage());
    assertEquals(1, loser.cancels);
  }

  @Test
  void anExhaustedBudgetMakesTheSelectYieldBeforePollingAnything() throws Exception {
    int[] wakes = new int[1];
    Context cx = new Context(() -> wakes[0]++);
    cx.setBudget(0);
    SelectProbe<String> ready = SelectProbe.ready("r");
    Future<String> select =
        Select.<String>builder().branch(ready, v -> v).orElse(() -> "else").build();
    assertTrue(select.poll(cx).isPending());
    assertEquals(1, wakes[0]);
    assertEquals(0, ready.polls);
    cx.setBudget(1);
    assertEquals("r", select.poll(cx).value());
    assertEquals(1, cx.budget(), "the select itself consumes no budget");
  }

  @Test
  void sixtyFourBranchesAndNoMore() throws Exception {
    Select.Builder<Integer> b = Select.builder();
    for (int i = 0; i < 63; i++) {
      b.branch(SelectProbe.<Integer>pending(), v -> v);
    }
    b.branch(Futures.ready(63), v -> v);
    assertThrows(IllegalStateException.class, () -> b.branch(Futures.ready(64), v -> v));
    assertEquals(63, b.build().poll(cx()).value());
    assertThrows(IllegalStateException.class, b::build);
  }

  @Test
  void raceReturnsTheFirstOutcomeAndRaceOkTheFirstSuccess() throws Exception {
    SelectProbe<Integer> slow = SelectProbe.pending();
    assertEquals(2, Select.race(slow, Futures.ready(2)).poll(cx()).value());
    assertEquals(1, slow.cancels);

    SelectProbe<Integer> other = SelectProbe.pending();
    IOException first = new IOException("first");
    Future<Integer> race = Select.race(List.of(Futures.failed(first), other));
    assertSame(first, assertThrows(IOException.class, () -> race.poll(cx())));
    assertEquals(1, other.cancels);

    SelectProbe<Integer> later = SelectProbe.pending();
    Future<Integer> ok = Select.raceOk(List.of(Futures.failed(first), later));
    assertTrue(ok.poll(cx()).isPending());
    later.complete(7);
    assertEquals(7, ok.poll(cx()).value());

    IOException second = new IOException("second");
    Future<Integer> allFail =
        Select.raceOk(List.of(Futures.failed(first), Futures.<Integer>failed(second)));
    IOException e = assertThrows(IOException.class, () -> allFail.poll(cx()));
    assertTrue(e == first || e == second);
    assertEquals(1, e.getSuppressed().length);
    assertThrows(IllegalArgumentException.class, () -> Select.race(List.of()));
  }

  @Test
  void raceOkOfFuturesFailingWithTheSameExceptionFailsWithIt() {
    // A shared exception instance (a preallocated "closed" failure) cannot suppress itself:
    // Throwable.addSuppressed(this) throws IllegalArgumentException, which replaced the failure.
    IOException shared = new IOException("closed");
    Future<Integer> allFail =
        Select.raceOk(List.of(Futures.failed(shared), Futures.<Integer>failed(shared)));
    assertSame(shared, assertThrows(IOException.class, () -> allFail.poll(cx())));
    assertEquals(0, shared.getSuppressed().length);
  }

  @Test
  void raceOkAddsALaterFailureAsSuppressedOnceEvenIfSeveralFuturesShareIt() {
    // Two futures failing with the same instance (a shared "closed" failure) must not list it
    // twice under the first failure. The start is random, so try until the distinct one is first.
    for (int i = 0; i < 40; i++) {
      IOException own = new IOException("own");
      IOException shared = new IOException("shared");
      Future<Integer> allFail =
          Select.raceOk(
              List.of(
                  Futures.failed(own), Futures.<Integer>failed(shared), Futures.failed(shared)));
      IOException e = assertThrows(IOException.class, () -> allFail.poll(cx()));
      Throwable[] suppressed = e.getSuppressed();
      assertEquals(1, suppressed.length, "suppressed: " + List.of(suppressed));
      assertTrue(e == own ? suppressed[0] == shared : suppressed[0] == own);
    }
  }

  @Test
  void aBorrowedFutureSurvivesLosing() throws Exception {
    SelectProbe<String> deadline = SelectProbe.pending();
    for (int i = 0; i < 3; i++) {
      Future<String> select =
          Select.<String>builder()
              .branch(Select.borrow(deadline), v -> "deadline")
              .branch(Futures.ready("work" + i), v -> v)
              .biased()
              .build();
      assertEquals("work" + i, select.poll(cx()).value());
    }
    assertEquals(3, deadline.polls);
    assertEquals(0, deadline.cancels);
  }

  @Test
  void aLosingSleepLeavesNoTimerBehind() throws Exception {
    // A paused clock jumps to the next timer whenever the runtime is idle. Waiting for a plain
    // thread (not the blocking pool, which holds the clock) leaves it idle, so a leaked timer
    // would show as the clock leaping an hour ahead.
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      long elapsed =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long start = Time.now();
                    Sleep hour = Time.sleep(Duration.ofHours(1));
                    return Select.<String>builder()
                        .biased()
                        .branch(hour, v -> "slept")
                        .branch(Futures.ready("now"), v -> v)
                        .build()
                        .flatMap(v -> idleForAMoment())
                        .map(v -> Time.now() - start);
                  }));
      assertTrue(elapsed < 1000 * MS, "the cancelled sleep's timer fired: " + elapsed);

      long control =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long start = Time.now();
                    Sleep hour = Time.sleep(Duration.ofHours(1));
                    return Select.<String>builder()
                        .biased()
                        .branch(Select.borrow(hour), v -> "slept") // not cancelled: timer stays
                        .branch(Futures.ready("now"), v -> v)
                        .build()
                        .flatMap(v -> idleForAMoment())
                        .map(
                            v -> {
                              hour.cancel();
                              return Time.now() - start;
                            });
                  }));
      assertEquals(Duration.ofHours(1).toNanos(), control, "the probe sees a live timer");
    }
  }

  private static Future<Void> idleForAMoment() {
    CancellationToken done = new CancellationToken();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              done.cancel();
            });
    return done.cancelled();
  }

  /** What a connection task reacts to. */
  private sealed interface Event {
    record Line(String text) implements Event {}

    record Message(String text) implements Event {}

    record Tick() implements Event {}

    record Shutdown() implements Event {}
  }

  @Test
  void theClassicConnectionLoop() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).rngSeed(42).build()) {
      List<String> log = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                long start = Time.now();
                Mpsc.UnboundedChannel<String> lines = Mpsc.unboundedChannel();
                Broadcast.Channel<String> chat = Broadcast.channel(16);
                CancellationToken shutdown = new CancellationToken();
                Interval ticks = Time.interval(Duration.ofSeconds(1));
                JoinHandle<Void> conn =
                    Task.spawn(
                        Futures.loop(
                            (Void) null,
                            ignored ->
                                Select.<Event>builder()
                                    .branchSome(lines.rx().recv(), Event.Line::new)
                                    .branch(chat.rx().recv(), Event.Message::new)
                                    .branch(ticks.tick(), t -> new Event.Tick())
                                    .branch(shutdown.cancelled(), v -> new Event.Shutdown())
                                    .build()
                                    .map(
                                        event -> {
                                          log.add((Time.now() - start) / MS + " " + event);
                                          return event instanceof Event.Shutdown
                                              ? Futures.Step.<Void, Void>done(null)
                                              : Futures.Step.<Void, Void>next(null);
                                        })));
                return sleepMs(10)
                    .map(v -> send(() -> lines.tx().send("hello")))
                    .flatMap(v -> sleepMs(10))
                    .map(v -> send(() -> chat.tx().send("news")))
                    .flatMap(v -> sleepMs(1000))
                    .map(v -> send(() -> lines.tx().close()))
                    .flatMap(v -> sleepMs(10))
                    .map(v -> send(() -> chat.tx().send("after close")))
                    .flatMap(v -> sleepMs(10))
                    .map(v -> send(shutdown::cancel))
                    .flatMap(v -> conn);
              }));
      assertEquals(
          List.of(
              "0 Tick[]",
              "10 Line[text=hello]",
              "20 Message[text=news]",
              "1000 Tick[]",
              "1030 Message[text=after close]",
              "1040 Shutdown[]"),
          log);
    }
  }

  private static Future<Void> sleepMs(long ms) {
    return Time.sleep(Duration.ofMillis(ms));
  }

  private static Void send(ThrowingRunnable action) throws Exception {
    action.run();
    return null;
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** A pending future that counts its cancels and, if {@code failure} is set, then throws it. */
  private static final class Loser implements Future<Integer> {
    final RuntimeException failure;
    int cancels;

    Loser(RuntimeException failure) {
      this.failure = failure;
    }

    @Override
    public Poll<Integer> poll(Context cx) {
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancels++;
      if (failure != null) {
        throw failure;
      }
    }
  }

  @Test
  void cancellingARaceCancelsEveryFutureWhenOneCancelThrows() throws Exception {
    IllegalStateException first = new IllegalStateException("first");
    IllegalStateException last = new IllegalStateException("last");
    List<Loser> all = List.of(new Loser(first), new Loser(null), new Loser(last));
    Future<Integer> race = Select.race(all);
    assertTrue(race.poll(cx()).isPending());
    IllegalStateException e = assertThrows(IllegalStateException.class, race::cancel);
    assertSame(first, e);
    assertEquals(List.of(last), List.of(e.getSuppressed()));
    for (Loser f : all) {
      assertEquals(1, f.cancels, "every future is cancelled once");
    }
  }
}
