package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link Notify}'s state word: the permit moves EMPTY ↔ NOTIFIED by CAS without the lock, while
 * waiters enter and leave WAITING under it. A notification must reach exactly one place: the racing
 * waiter (at its first poll, or by a wake and its next poll) or the stored permit.
 */
public final class NotifyStress {
  private NotifyStress() {}

  /** A waker that counts its wakes. */
  static final class CountingWaker implements Waker {
    final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }
  }

  static int ready(Notified n, Context cx) {
    return n.poll(cx).isReady() ? 1 : 0;
  }

  /**
   * A waiter's first poll racing a notification; each subclass's notifier actor picks which one.
   *
   * <p>r1 = the first poll was ready; r2 = wakes delivered; r3 = in the arbiter, if the first poll
   * was pending, whether the second is ready, else whether a fresh {@code notified()} finds a
   * permit left over.
   */
  abstract static class FirstPollRace {
    final Notify notify = new Notify();
    final Notified waiter = notify.notified();
    final CountingWaker waker = new CountingWaker();
    final Context cx = new Context(waker);

    /** The waiter actor's body. */
    void firstPoll(III_Result r) {
      r.r1 = ready(waiter, cx);
    }

    /** The arbiter's body. */
    void settle(III_Result r) {
      r.r2 = waker.wakes.get();
      if (r.r1 == 0) {
        r.r3 = ready(waiter, cx);
      } else {
        r.r3 = ready(notify.notified(), new Context(new CountingWaker()));
      }
    }
  }

  /** A waiter's first poll races {@code notifyOne()} (results as {@link FirstPollRace}). */
  @JCStressTest
  @Outcome(
      id = "1, 0, 0",
      expect = Expect.ACCEPTABLE,
      desc = "permit stored first, consumed at once")
  @Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "queued, then woken and completed")
  @Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "lost notification: never woken")
  @Outcome(id = "1, 0, 1", expect = Expect.FORBIDDEN, desc = "one notifyOne served twice")
  @Outcome(expect = Expect.FORBIDDEN, desc = "spurious or repeated wake, or not completed")
  @State
  public static class NotifyOneVsFirstPoll extends FirstPollRace {
    @Actor
    public void waiter(III_Result r) {
      firstPoll(r);
    }

    @Actor
    public void notifier() {
      notify.notifyOne();
    }

    @Arbiter
    public void after(III_Result r) {
      settle(r);
    }
  }

  /**
   * Two {@code notifyOne()} calls with nobody waiting: permits do not add up.
   *
   * <p>r1, r2 = whether the first and the second later {@code notified()} complete at once.
   */
  @JCStressTest
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "one permit stored, consumed once")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "both notifications lost")
  @Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "permits added up")
  @Outcome(expect = Expect.FORBIDDEN, desc = "impossible")
  @State
  public static class TwoNotifyOne {
    final Notify notify = new Notify();

    @Actor
    public void first() {
      notify.notifyOne();
    }

    @Actor
    public void second() {
      notify.notifyOne();
    }

    @Arbiter
    public void after(II_Result r) {
      Context cx = new Context(new CountingWaker());
      r.r1 = ready(notify.notified(), cx);
      r.r2 = ready(notify.notified(), cx);
    }
  }

  /**
   * A waiter created before {@code notifyWaiters()} polls for the first time while it runs: it must
   * complete (at its first poll, or woken and at its next), and no permit is stored (results as
   * {@link FirstPollRace}).
   */
  @JCStressTest
  @Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "saw the call count change at once")
  @Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "queued, then woken and completed")
  @Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "lost: never woken")
  @Outcome(id = "1, 0, 1", expect = Expect.FORBIDDEN, desc = "notifyWaiters stored a permit")
  @Outcome(expect = Expect.FORBIDDEN, desc = "spurious or repeated wake, or not completed")
  @State
  public static class NotifyWaitersVsFirstPoll extends FirstPollRace {
    @Actor
    public void waiter(III_Result r) {
      firstPoll(r);
    }

    @Actor
    public void notifier() {
      notify.notifyWaiters();
    }

    @Arbiter
    public void after(III_Result r) {
      settle(r);
    }
  }
}
