package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * {@link AtomicWaker}'s Dekker protocol: the waiter registers then re-checks its condition; the
 * notifier makes the condition true then wakes. A wake is lost when the waiter saw the condition
 * false and nobody woke it.
 */
public final class AtomicWakerStress {
  private AtomicWakerStress() {}

  /** A waker that counts its wakes. */
  static final class CountingWaker implements Waker {
    final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }
  }

  /**
   * Register on an empty slot against a notification.
   *
   * <p>r1 = condition seen by the waiter's re-check (1 = true), r2 = wakes delivered.
   */
  @JCStressTest
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "waiter parks; notifier wakes it")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "waiter saw the condition; no waker")
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "waiter saw it and was woken too")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost wake: waiter would sleep forever")
  @Outcome(expect = Expect.FORBIDDEN, desc = "more than one wake")
  @State
  public static class RegisterWake {
    final AtomicWaker slot = new AtomicWaker();
    final CountingWaker waker = new CountingWaker();
    volatile boolean ready;

    @Actor
    public void waiter(II_Result r) {
      slot.register(waker);
      r.r1 = ready ? 1 : 0;
    }

    @Actor
    public void notifier() {
      ready = true;
      slot.wake();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = waker.wakes.get();
    }
  }

  /**
   * The waiter re-registers the waker that is already in the slot (the store is skipped) while a
   * notifier fires.
   */
  @JCStressTest
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "waiter parks; notifier wakes it")
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "waiter saw the condition and a wake")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost wake")
  @Outcome(expect = Expect.FORBIDDEN, desc = "the registered waker was not woken exactly once")
  @State
  public static class ReRegisterSameWake {
    final AtomicWaker slot = new AtomicWaker();
    final CountingWaker waker = new CountingWaker();
    volatile boolean ready;

    public ReRegisterSameWake() {
      slot.register(waker);
    }

    @Actor
    public void waiter(II_Result r) {
      slot.register(waker);
      r.r1 = ready ? 1 : 0;
    }

    @Actor
    public void notifier() {
      ready = true;
      slot.wake();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = waker.wakes.get();
    }
  }

  /**
   * The waiter replaces its waker with a new one (it was polled with another context) while a
   * notifier fires: either waker may be woken, but the waiter must not sleep with neither.
   *
   * <p>r1 = condition seen by the re-check, r2 = 10 * (wakes of the old waker) + (wakes of the new
   * one).
   */
  @JCStressTest
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the new waker was woken")
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "saw the condition; new waker woken")
  @Outcome(id = "1, 10", expect = Expect.ACCEPTABLE, desc = "old waker woken before the swap")
  @Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "the registered waker was dropped")
  @Outcome(
      id = "0, 10",
      expect = Expect.FORBIDDEN,
      desc = "only the replaced waker was woken and the waiter saw no condition: lost wake")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost wake")
  @Outcome(expect = Expect.FORBIDDEN, desc = "more than one wake")
  @State
  public static class ReplaceWaker {
    final AtomicWaker slot = new AtomicWaker();
    final CountingWaker oldWaker = new CountingWaker();
    final CountingWaker newWaker = new CountingWaker();
    volatile boolean ready;

    public ReplaceWaker() {
      slot.register(oldWaker);
    }

    @Actor
    public void waiter(II_Result r) {
      slot.register(newWaker);
      r.r1 = ready ? 1 : 0;
    }

    @Actor
    public void notifier() {
      ready = true;
      slot.wake();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = 10 * oldWaker.wakes.get() + newWaker.wakes.get();
    }
  }

  /** Two notifiers wake one registered waker: it is woken exactly once (the slot is taken). */
  @JCStressTest
  @Outcome(id = "1", expect = Expect.ACCEPTABLE, desc = "woken once")
  @Outcome(expect = Expect.FORBIDDEN, desc = "woken twice, or not at all")
  @State
  public static class TwoWakes {
    final AtomicWaker slot = new AtomicWaker();
    final CountingWaker waker = new CountingWaker();

    public TwoWakes() {
      slot.register(waker);
    }

    @Actor
    public void wake1() {
      slot.wake();
    }

    @Actor
    public void wake2() {
      slot.wake();
    }

    @Arbiter
    public void after(I_Result r) {
      r.r1 = waker.wakes.get();
    }
  }
}
