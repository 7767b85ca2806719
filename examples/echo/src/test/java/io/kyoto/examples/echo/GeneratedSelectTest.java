package io.kyoto.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.annotation.Branch;
import io.kyoto.runtime.annotation.Else;
import io.kyoto.runtime.annotation.Select;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of selects generated from {@code @Select} declarations. */
class GeneratedSelectTest {

  /** The classic connection loop's events; a null message means the chat channel closed. */
  @Select
  abstract static class ConnEvents {
    @Branch
    String line(String line) {
      return "line " + line;
    }

    @Branch(disableOnNull = true)
    String message(String message) {
      return "message " + message;
    }

    @Branch
    String tick(long at) {
      return "tick " + at;
    }

    @Else
    String closed() {
      return "closed";
    }
  }

  /** A timer racing a value: the timer loses and must leave no registration behind. */
  @Select(biased = true)
  interface Timed {
    @Branch
    default String slept(Void v) {
      return "slept";
    }

    @Branch
    default String now(String v) {
      return v;
    }
  }

  @Select(biased = true)
  interface Biased {
    @Branch
    default String first(String v) {
      return "first " + v;
    }

    @Branch
    default String second(String v) {
      return "second " + v;
    }

    @Branch
    default String third(String v) {
      return "third " + v;
    }
  }

  @Select
  interface NoElse {
    @Branch(disableOnNull = true)
    default String only(String v) {
      return v;
    }
  }

  static final ConnEvents EVENTS = new ConnEvents() {};

  /** A future whose poll result the test sets, counting polls and cancels. */
  static final class Probe<T> implements Future<T> {
    Poll<T> next = Poll.pending();
    Exception failure;
    int polls;
    int cancels;

    static <T> Probe<T> pending() {
      return new Probe<>();
    }

    static <T> Probe<T> ready(T value) {
      Probe<T> p = new Probe<>();
      p.next = Poll.ready(value);
      return p;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      polls++;
      if (failure != null) {
        throw failure;
      }
      return next;
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  Runtime rt;

  @BeforeEach
  void start() throws Exception {
    rt = Runtime.builder().currentThread().build();
  }

  @AfterEach
  void stop() throws Exception {
    rt.close();
  }

  /** Polls {@code f} once on the runtime. */
  <T> Poll<T> pollOnce(Future<T> f) throws Exception {
    return rt.blockOn(cx -> Poll.ready(f.poll(cx)));
  }

  @Test
  void firstReadyWinsAndLosersAreCancelledExactlyOnce() throws Exception {
    Probe<String> line = Probe.pending();
    Probe<String> message = Probe.ready("hi");
    Probe<Long> tick = Probe.pending();
    Future<String> select = GeneratedSelectTest_ConnEvents_Select.of(EVENTS, line, message, tick);
    assertEquals(Poll.ready("message hi"), pollOnce(select));
    select.cancel(); // the select is over: cancelling it again changes nothing
    assertEquals(1, line.cancels);
    assertEquals(0, message.cancels);
    assertEquals(1, tick.cancels);
  }

  @Test
  void pendingUntilABranchIsReady() throws Exception {
    Probe<String> line = Probe.pending();
    Probe<String> message = Probe.pending();
    Probe<Long> tick = Probe.pending();
    Future<String> select = GeneratedSelectTest_ConnEvents_Select.of(EVENTS, line, message, tick);
    assertTrue(pollOnce(select).isPending());
    // A task dump shows the select as its branches and what each waits for.
    assertEquals(
        "GeneratedSelectTest_ConnEvents_Select[line: "
            + line
            + ", message: "
            + message
            + ", tick: "
            + tick
            + "]",
        select.toString());
    tick.next = Poll.ready(42L);
    assertEquals(Poll.ready("tick 42"), pollOnce(select));
    // the first poll polled every branch; the second, from a random start, line or not
    assertTrue(line.polls == 1 || line.polls == 2, "line polled " + line.polls);
    assertEquals(2, tick.polls);
    assertEquals(1, line.cancels);
    assertEquals(1, message.cancels);
    assertEquals(0, tick.cancels);
  }

  @Test
  void biasedPollsInDeclarationOrder() throws Exception {
    for (int run = 0; run < 100; run++) {
      Probe<String> first = Probe.pending();
      Future<String> select =
          GeneratedSelectTest_Biased_Select.of(
              new Biased() {}, first, Probe.ready("b"), Probe.ready("c"));
      assertEquals(Poll.ready("second b"), pollOnce(select));
      assertEquals(1, first.polls);
      assertEquals(1, first.cancels);
    }
  }

  @Test
  void nullValueDisablesTheBranchAndTheSelectKeepsWaiting() throws Exception {
    Probe<String> line = Probe.pending();
    Probe<String> message = Probe.ready(null); // the chat channel closed
    Probe<Long> tick = Probe.pending();
    Future<String> select = GeneratedSelectTest_ConnEvents_Select.of(EVENTS, line, message, tick);
    assertTrue(pollOnce(select).isPending());
    assertTrue(pollOnce(select).isPending());
    assertEquals(1, message.polls, "a disabled branch is not polled again");
    line.next = Poll.ready("bye");
    assertEquals(Poll.ready("line bye"), pollOnce(select));
    assertEquals(0, message.cancels, "a completed future is not cancelled");
    assertEquals(1, tick.cancels);
  }

  @Test
  void elseRunsWhenEveryBranchIsDisabled() throws Exception {
    Probe<String> message = Probe.ready(null);
    Future<String> select = GeneratedSelectTest_ConnEvents_Select.of(EVENTS, null, message, null);
    assertEquals(Poll.ready("closed"), pollOnce(select));
  }

  @Test
  void withoutElseAllDisabledFails() {
    Future<String> select =
        GeneratedSelectTest_NoElse_Select.of(new NoElse() {}, Probe.ready(null));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pollOnce(select));
    assertEquals("all branches are disabled and there is no else branch", e.getMessage());
  }

  @Test
  void aFailingBranchCancelsTheOthersAndFailsTheSelect() {
    Probe<String> line = Probe.pending();
    Probe<String> message = Probe.pending();
    message.failure = new IOException("boom");
    Probe<Long> tick = Probe.pending();
    Future<String> select = GeneratedSelectTest_ConnEvents_Select.of(EVENTS, line, message, tick);
    Exception e = assertThrows(Exception.class, () -> pollOnce(select));
    assertInstanceOf(IOException.class, e);
    assertEquals(1, line.cancels);
    assertEquals(1, message.cancels, "the failed future is dropped once, as Select drops it");
    assertEquals(1, tick.cancels);
  }

  @Test
  void unbiasedStartIsFair() throws Exception {
    int[] wins = new int[3];
    int runs = 3000;
    for (int run = 0; run < runs; run++) {
      Future<String> select =
          GeneratedSelectTest_ConnEvents_Select.of(
              EVENTS, Probe.ready("a"), Probe.ready("b"), Probe.ready(1L));
      String v = pollOnce(select).value();
      wins[v.startsWith("line") ? 0 : v.startsWith("message") ? 1 : 2]++;
    }
    for (int w : wins) {
      assertTrue(w > runs * 25 / 100 && w < runs * 42 / 100, java.util.Arrays.toString(wins));
    }
  }

  @Test
  void aLosingChannelWaiterIsReleased() throws Exception {
    // The loser waits on a Notify. If its cancelled waiter stayed registered, notifyOne() would
    // hand the permit to it and a fresh notified() would never complete.
    Timed handlers = new Timed() {};
    io.kyoto.runtime.sync.Notify notify = new io.kyoto.runtime.sync.Notify();
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      String won =
          rt.blockOn(
              GeneratedSelectTest_Timed_Select.of(
                  handlers, notify.notified(), io.kyoto.runtime.Futures.ready("now")));
      assertEquals("now", won);
      notify.notifyOne();
      rt.blockOn(io.kyoto.runtime.Time.timeout(java.time.Duration.ofSeconds(5), notify.notified()));
    }
  }

  @Test
  void aLosingSleepLeavesNoTimerBehind() throws Exception {
    // A paused clock jumps to the next timer whenever the runtime is idle. Waiting for a plain
    // thread leaves it idle, so a timer leaked by the cancelled loser would show as the clock
    // leaping an hour ahead.
    Timed handlers = new Timed() {};
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      long elapsed =
          rt.blockOn(
              io.kyoto.runtime.Futures.lazy(
                  () -> {
                    long start = io.kyoto.runtime.Time.now();
                    io.kyoto.runtime.Sleep hour =
                        io.kyoto.runtime.Time.sleep(java.time.Duration.ofHours(1));
                    return GeneratedSelectTest_Timed_Select.of(
                            handlers, hour, io.kyoto.runtime.Futures.ready("now"))
                        .flatMap(v -> idleForAMoment())
                        .map(v -> io.kyoto.runtime.Time.now() - start);
                  }));
      assertTrue(elapsed < 1_000_000_000L, "the cancelled sleep's timer fired: " + elapsed);
    }
  }

  private static Future<Void> idleForAMoment() {
    io.kyoto.runtime.sync.CancellationToken done = new io.kyoto.runtime.sync.CancellationToken();
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
}
