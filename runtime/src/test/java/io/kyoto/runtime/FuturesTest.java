package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The future contract and combinators, polled by hand with a counting waker. */
class FuturesTest {
  /** A future that is pending until {@link #complete} and counts wakes and cancels. */
  static class Manual<T> implements Future<T> {
    T value;
    Exception error;
    boolean done;
    Waker waker;
    int polls;
    int cancels;

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      polls++;
      if (error != null) {
        throw error;
      }
      if (done) {
        return Poll.ready(value);
      }
      waker = cx.waker();
      return Poll.pending();
    }

    void complete(T v) {
      value = v;
      done = true;
      if (waker != null) {
        waker.wake();
      }
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  private final AtomicInteger wakes = new AtomicInteger();
  private final Context cx = new Context(wakes::incrementAndGet);

  @Test
  void pollConstantsDoNotAllocate() {
    assertSame(Poll.pending(), Poll.pending());
    assertSame(Poll.ready(null), Poll.ready(null));
    assertTrue(Poll.ready(1).isReady());
    assertThrows(IllegalStateException.class, () -> Poll.pending().value());
  }

  @Test
  void mapAndFlatMapChainAndWake() throws Exception {
    Manual<Integer> first = new Manual<>();
    Manual<String> second = new Manual<>();
    Future<String> f = first.map(x -> x * 2).flatMap(x -> second.map(s -> s + x));
    assertTrue(f.poll(cx).isPending());
    first.complete(21);
    assertEquals(1, wakes.get(), "completing the inner future wakes the task");
    assertTrue(f.poll(cx).isPending());
    second.complete("answer=");
    assertEquals("answer=42", f.poll(cx).value());
  }

  @Test
  void failuresPropagateAndRecover() throws Exception {
    Future<Integer> failing = Futures.failed(new IOException("boom"));
    IOException e = assertThrows(IOException.class, () -> failing.map(x -> x + 1).poll(cx));
    assertEquals("boom", e.getMessage());
    assertEquals(
        -1, Futures.<Integer>failed(new IOException("x")).recover(err -> -1).poll(cx).value());
    assertEquals(
        "x",
        Futures.<String>failed(new IOException("x"))
            .recoverWith(err -> Futures.ready(err.getMessage()))
            .poll(cx)
            .value());
    assertEquals(
        "ok:1",
        Futures.ready(1).handle((v, err) -> err == null ? "ok:" + v : "err").poll(cx).value());
    assertEquals(
        "err:IOException",
        Futures.<Integer>failed(new IOException())
            .handle((v, err) -> "err:" + err.getClass().getSimpleName())
            .poll(cx)
            .value());
    // A function that throws fails the future with that exception.
    assertThrows(
        IllegalStateException.class,
        () ->
            Futures.ready(1)
                .map(
                    x -> {
                      throw new IllegalStateException("in map");
                    })
                .poll(cx));
  }

  @Test
  void cancelReachesTheInnermostPendingFuture() throws Exception {
    Manual<Integer> first = new Manual<>();
    Manual<Integer> second = new Manual<>();
    Future<Integer> f = first.flatMap(x -> second);
    f.poll(cx);
    f.cancel();
    assertEquals(1, first.cancels);
    first.done = true;
    Future<Integer> g = first.flatMap(x -> second);
    g.poll(cx);
    g.cancel();
    assertEquals(1, second.cancels, "after the first step, cancel goes to the second");
  }

  @Test
  void joinWaitsForAllAndRotatesTheFirstPolled() throws Exception {
    List<Integer> order = new ArrayList<>();
    Manual<Integer> a = new Manual<>();
    Manual<Integer> b = new Manual<>();
    Future<Integer> ta =
        c -> {
          order.add(0);
          return a.poll(c);
        };
    Future<Integer> tb =
        c -> {
          order.add(1);
          return b.poll(c);
        };
    Future<List<Integer>> both = Futures.join(List.of(ta, tb));
    assertTrue(both.poll(cx).isPending());
    assertTrue(both.poll(cx).isPending());
    assertEquals(List.of(0, 1, 1, 0), order, "the first branch polled rotates, as tokio's join!");
    a.complete(1);
    b.complete(2);
    assertEquals(List.of(1, 2), both.poll(cx).value());
  }

  @Test
  void joinFailsFastAndCancelsTheOthers() {
    Manual<Integer> slow = new Manual<>();
    Future<List<Integer>> j =
        Futures.join(List.of(slow, Futures.<Integer>failed(new IOException("bad"))));
    assertThrows(IOException.class, () -> j.poll(cx));
    assertEquals(1, slow.cancels);
  }

  @Test
  void joinOfTwoCombines() throws Exception {
    assertEquals(
        "a1", Futures.join(Futures.ready("a"), Futures.ready(1), (s, i) -> s + i).poll(cx).value());
  }

  @Test
  void loopRunsAMillionIterationsInConstantStack() throws Exception {
    Future<Integer> loop =
        Futures.loop(
            0, i -> Futures.ready(i < 1_000_000 ? Futures.Step.next(i + 1) : Futures.Step.done(i)));
    assertEquals(1_000_000, loop.poll(cx).value());
  }

  @Test
  void loopYieldsWhenTheBudgetIsSpent() throws Exception {
    Context budgeted = new Context(wakes::incrementAndGet);
    budgeted.setBudget(10);
    Future<Integer> loop =
        Futures.loop(
            0, i -> Futures.ready(i < 100 ? Futures.Step.next(i + 1) : Futures.Step.done(i)));
    assertTrue(loop.poll(budgeted).isPending(), "an always-ready loop must yield");
    assertEquals(1, wakes.get(), "and wake itself so it is polled again");
    budgeted.setBudget(Context.UNCONSTRAINED);
    assertEquals(100, loop.poll(budgeted).value());
  }

  @Test
  void repeatRunsEachStepInTurnOnlyAfterThePreviousOneCompleted() throws Exception {
    List<Manual<String>> steps = new ArrayList<>();
    Future<Void> r =
        Futures.repeat(
            3,
            i -> {
              assertEquals(steps.size(), i, "the step's index");
              Manual<String> m = new Manual<>();
              steps.add(m);
              return m;
            });
    assertTrue(r.poll(cx).isPending());
    assertEquals(1, steps.size(), "the second step starts only when the first one completed");
    steps.get(0).complete("a");
    assertTrue(r.poll(cx).isPending());
    assertEquals(2, steps.size());
    steps.get(1).complete("b");
    assertTrue(r.poll(cx).isPending());
    steps.get(2).complete("c");
    assertTrue(r.poll(cx).isReady());
    assertEquals(3, steps.size());
    assertTrue(r.toString().startsWith("Repeat[3 of 3"), r.toString());
  }

  @Test
  void repeatOfZeroCompletesAtOnceAndNegativeIsRejected() throws Exception {
    AtomicInteger made = new AtomicInteger();
    assertTrue(Futures.repeat(0, i -> Futures.ready(made.incrementAndGet())).poll(cx).isReady());
    assertEquals(0, made.get());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Futures.repeat(-1, i -> Futures.ready(1)));
    assertEquals("times must not be negative, was -1", e.getMessage());
  }

  @Test
  void repeatRunsAMillionReadyStepsAndYieldsWhenTheBudgetIsSpent() throws Exception {
    AtomicInteger made = new AtomicInteger();
    assertTrue(
        Futures.repeat(1_000_000, i -> Futures.ready(made.incrementAndGet())).poll(cx).isReady());
    assertEquals(1_000_000, made.get());
    Context budgeted = new Context(wakes::incrementAndGet);
    budgeted.setBudget(10);
    Future<Void> r = Futures.repeat(100, i -> Futures.ready(1));
    assertTrue(r.poll(budgeted).isPending(), "always-ready steps must yield");
    assertEquals(1, wakes.get(), "and wake the task so it is polled again");
    budgeted.setBudget(Context.UNCONSTRAINED);
    assertTrue(r.poll(budgeted).isReady());
  }

  @Test
  void repeatFailsWithAFailedStepAndCancelsTheRunningStep() throws Exception {
    IOException boom = new IOException("boom");
    AtomicInteger made = new AtomicInteger();
    Future<Void> failing =
        Futures.repeat(
            5, i -> made.incrementAndGet() == 2 ? Futures.failed(boom) : Futures.ready("ok"));
    assertSame(boom, assertThrows(IOException.class, () -> failing.poll(cx)));
    assertEquals(2, made.get(), "no step after the failed one");
    Manual<String> running = new Manual<>();
    Future<Void> r = Futures.repeat(2, i -> running);
    assertTrue(r.poll(cx).isPending());
    r.cancel();
    assertEquals(1, running.cancels);
    assertThrows(
        NullPointerException.class, () -> Futures.repeat(1, i -> null).poll(cx), "null step");
  }

  /** A future that stays pending and counts its cancels. */
  private static final class Pending implements Future<Integer> {
    int cancels;

    @Override
    public Poll<Integer> poll(Context cx) {
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  @Test
  void anErrorFromOneFutureOfAJoinOrARaceCancelsTheOthers() {
    // As for an exception: the join (small and large) and the race fail and release their other
    // futures, which would otherwise keep their registrations (timers, waiters) forever.
    Context cx = new Context(Waker.noop());
    Future<Integer> failing =
        c -> {
          throw new AssertionError("boom");
        };
    for (int size : new int[] {2, 40}) {
      List<Pending> others = new ArrayList<>();
      List<Future<Integer>> all = new ArrayList<>();
      for (int i = 0; i < size - 1; i++) {
        Pending p = new Pending();
        others.add(p);
        all.add(p);
      }
      all.add(failing);
      Future<List<Integer>> join = Futures.join(all);
      assertThrows(AssertionError.class, () -> join.poll(cx), "join of " + size);
      for (Pending p : others) {
        assertEquals(1, p.cancels, "join of " + size + ": every other future is cancelled");
      }
    }
    Pending loser = new Pending();
    Future<Integer> race = Select.race(loser, failing);
    assertThrows(AssertionError.class, () -> race.poll(cx));
    assertEquals(1, loser.cancels, "race: the other branch is cancelled");
    Pending other = new Pending();
    Future<Integer> raceOk = Select.raceOk(List.of(other, failing));
    assertThrows(AssertionError.class, () -> raceOk.poll(cx));
    assertEquals(
        1, other.cancels, "raceOk: an Error is not a failure to skip; the rest is cancelled");
  }

  @Test
  void budgetCounts() {
    Context c = new Context(Waker.noop());
    assertTrue(c.tryConsumeBudget(), "unconstrained by default");
    c.setBudget(1);
    assertTrue(c.tryConsumeBudget());
    assertFalse(c.tryConsumeBudget());
    assertFalse(c.hasBudgetRemaining());
    assertThrows(IllegalArgumentException.class, () -> c.setBudget(-1));
  }

  @Test
  void lazyDefersCreation() throws Exception {
    AtomicInteger created = new AtomicInteger();
    Future<Integer> f =
        Futures.lazy(
            () -> {
              created.incrementAndGet();
              return Futures.ready(7);
            });
    assertEquals(0, created.get());
    assertEquals(7, f.poll(cx).value());
    assertEquals(1, created.get());
  }

  @Test
  void aLargeJoinPollsOnlyTheFuturesThatWereWoken() throws Exception {
    int n = 1000;
    int[] polls = new int[n];
    boolean[] done = new boolean[n];
    Waker[] wakers = new Waker[n];
    List<Future<Integer>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      futures.add(
          cx -> {
            polls[k]++;
            wakers[k] = cx.waker();
            return done[k] ? Poll.ready(k) : Poll.pending();
          });
    }
    Future<List<Integer>> join = Futures.join(futures);
    Context cx = new Context(Waker.noop());
    assertTrue(join.poll(cx).isPending());
    for (int i = 0; i < n; i++) {
      assertEquals(1, polls[i]);
    }
    done[5] = true;
    wakers[5].wake();
    assertTrue(join.poll(cx).isPending());
    assertEquals(2, polls[5]);
    assertEquals(1, polls[6], "a future that was not woken is not polled again");
    for (int i = 0; i < n; i++) {
      if (i != 5) {
        done[i] = true;
        wakers[i].wake();
      }
    }
    Poll<List<Integer>> p = join.poll(cx);
    assertTrue(p.isReady());
    assertEquals(999, p.value().get(999));
    assertEquals(2 * n, java.util.Arrays.stream(polls).sum());
  }

  @Test
  void aLargeJoinYieldsWhenAFutureWakesItselfAtEveryPoll() throws Exception {
    // A future that wakes itself and returns pending (a "try again later" poll) was queued again
    // and re-polled inside the same join poll, forever: the joining task never yielded. As tokio's
    // FuturesUnordered, one poll of the join polls at most as many futures as it holds.
    int n = 40;
    int[] spins = new int[1];
    List<Future<Integer>> futures = new ArrayList<>();
    futures.add(
        cx -> {
          if (++spins[0] > 10_000) {
            throw new IllegalStateException("the join kept polling a self-waking future");
          }
          cx.waker().wake();
          return Poll.pending();
        });
    for (int i = 1; i < n; i++) {
      futures.add(new Manual<>());
    }
    Future<List<Integer>> join = Futures.join(futures);
    assertTrue(join.poll(cx).isPending());
    assertTrue(spins[0] <= n, "polled the self-waking future " + spins[0] + " times");
    assertTrue(wakes.get() > 0, "the join woke its task to be polled again");
  }

  @Test
  void aTaskLocalIsBoundWhileItsScopedFutureIsCancelled() throws Exception {
    // tokio drops a TaskLocalFuture's inner future inside the scope, so cleanup code (a log line
    // with the request id) still sees the value; cancel() is Kyoto's drop.
    TaskLocal<String> id = TaskLocal.create();
    List<String> seen = new ArrayList<>();
    Future<Void> inner =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            seen.add("poll:" + id.get());
            return Poll.pending();
          }

          @Override
          public void cancel() {
            seen.add("cancel:" + (id.isBound() ? id.get() : "unbound"));
          }
        };
    Future<Void> scoped = id.scope("req-1", inner);
    assertTrue(scoped.poll(cx).isPending());
    scoped.cancel();
    assertEquals(List.of("poll:req-1", "cancel:req-1"), seen);
    assertFalse(id.isBound(), "the scope ends with the cancel");
  }

  /** A pending future whose cancel() counts itself, then throws {@code failure}. */
  private static final class ThrowsOnCancel extends Manual<Integer> {
    final IllegalStateException failure;

    ThrowsOnCancel(String name) {
      this.failure = new IllegalStateException(name);
    }

    @Override
    public void cancel() {
      super.cancel();
      throw failure;
    }
  }

  @Test
  void cancellingAJoinCancelsEveryFutureWhenOneCancelThrows() throws Exception {
    for (int n : new int[] {3, 40}) { // Join, and JoinAll for more than 32 futures
      ThrowsOnCancel first = new ThrowsOnCancel("first");
      ThrowsOnCancel last = new ThrowsOnCancel("last");
      List<Manual<Integer>> all = new ArrayList<>();
      all.add(first);
      for (int i = 2; i < n; i++) {
        all.add(new Manual<>());
      }
      all.add(last);
      Future<List<Integer>> join = Futures.join(all);
      assertTrue(join.poll(cx).isPending());
      IllegalStateException e = assertThrows(IllegalStateException.class, join::cancel);
      assertSame(first.failure, e, n + " futures: the first cancel's exception goes on");
      assertEquals(List.of(last.failure), List.of(e.getSuppressed()), n + " futures");
      for (Manual<Integer> f : all) {
        assertEquals(1, f.cancels, n + " futures: every future is cancelled once");
      }
    }
  }

  @Test
  void aJoinsFailureSurvivesASiblingsCancelThatThrows() throws Exception {
    for (int n : new int[] {2, 40}) {
      Manual<Integer> bad = new Manual<>();
      ThrowsOnCancel other = new ThrowsOnCancel("other");
      List<Manual<Integer>> all = new ArrayList<>();
      all.add(other);
      for (int i = 2; i < n; i++) {
        all.add(new Manual<>());
      }
      all.add(bad);
      Future<List<Integer>> join = Futures.join(all);
      assertTrue(join.poll(cx).isPending());
      IOException failure = new IOException("bad");
      bad.error = failure;
      if (bad.waker != null) {
        bad.waker.wake();
      }
      IOException e = assertThrows(IOException.class, () -> join.poll(cx), n + " futures");
      assertSame(failure, e, n + " futures");
      assertEquals(List.of(other.failure), List.of(e.getSuppressed()), n + " futures");
      for (Manual<Integer> f : all) {
        assertEquals(1, f.cancels, n + " futures: every future is cancelled once");
      }
    }
  }
}
