package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link ScheduledIo}: one packed word ({@code tick << 16 | readiness}) that the driver sets with
 * its tick and a task clears after a would-block only if the tick is still the one its failed
 * operation saw, plus reader/writer waker slots (store then re-check vs set then take).
 */
public final class ScheduledIoStress {
  private ScheduledIoStress() {}

  /** A waker that counts its wakes. */
  static final class CountingWaker implements Waker {
    final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }
  }

  /** {@return the tick of a word} */
  static int tick(long word) {
    return (int) (word >>> 16);
  }

  /**
   * The resource was readable at tick 1; a task's read based on that word would block and clears
   * READABLE while the driver delivers a new readable event at tick 2. The clear must not erase the
   * newer readiness: it either runs first (then the event sets READABLE again) or sees tick 2 and
   * does nothing.
   *
   * <p>r1 = readiness bits after both, r2 = tick after both.
   */
  @JCStressTest
  @Outcome(id = "1, 2", expect = Expect.ACCEPTABLE, desc = "the tick-2 readiness survived")
  @Outcome(
      id = "0, .*",
      expect = Expect.FORBIDDEN,
      desc = "a stale clear erased readiness set by a newer tick: the task would wait forever")
  @Outcome(expect = Expect.FORBIDDEN, desc = "the word lost its tick or gained bits")
  @State
  public static class SetVsStaleClear {
    final ScheduledIo io = new ScheduledIo(7);
    final long seen;

    public SetVsStaleClear() {
      io.setReadiness(1, ScheduledIo.READABLE);
      seen = io.word();
    }

    @Actor
    public void driver() {
      io.setReadiness(2, ScheduledIo.READABLE);
    }

    @Actor
    public void task() {
      io.clearReadiness(seen, ScheduledIo.READABLE);
    }

    @Arbiter
    public void after(II_Result r) {
      long w = io.word();
      r.r1 = ScheduledIo.readiness(w);
      r.r2 = tick(w);
    }
  }

  /**
   * Readable and writable at tick 1; the task clears both after a would-block while the driver
   * delivers WRITABLE alone at tick 2. A clear that ran first loses READABLE legitimately (the
   * event did not report it); a clear after the event must keep both.
   *
   * <p>r1 = readiness bits after both, r2 = tick after both.
   */
  @JCStressTest
  @Outcome(id = "2, 2", expect = Expect.ACCEPTABLE, desc = "cleared first, then writable at tick 2")
  @Outcome(id = "3, 2", expect = Expect.ACCEPTABLE, desc = "event first; the stale clear skipped")
  @Outcome(
      id = {"0, .*", "1, .*"},
      expect = Expect.FORBIDDEN,
      desc = "the tick-2 WRITABLE was cleared by a clear based on tick 1")
  @Outcome(expect = Expect.FORBIDDEN, desc = "the word lost its tick or gained bits")
  @State
  public static class SetOtherVsStaleClear {
    final ScheduledIo io = new ScheduledIo(7);
    final long seen;

    public SetOtherVsStaleClear() {
      io.setReadiness(1, ScheduledIo.READABLE | ScheduledIo.WRITABLE);
      seen = io.word();
    }

    @Actor
    public void driver() {
      io.setReadiness(2, ScheduledIo.WRITABLE);
    }

    @Actor
    public void task() {
      io.clearReadiness(seen, ScheduledIo.READABLE | ScheduledIo.WRITABLE);
    }

    @Arbiter
    public void after(II_Result r) {
      long w = io.word();
      r.r1 = ScheduledIo.readiness(w);
      r.r2 = tick(w);
    }
  }

  /**
   * A reader polls for readiness (storing its waker, then re-checking) while the driver sets
   * READABLE and takes the reader's waker. The reader sees the readiness or is woken.
   *
   * <p>r1 = 1 if the poll returned a ready word, 0 if pending; r2 = the reader's wakes.
   */
  @JCStressTest
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "event first: ready at once")
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "registered first: pending, woken")
  @Outcome(
      id = "1, 1",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc = "the re-check after the store saw the event, which also woke the stored waker")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost wake: the reader waits forever")
  @Outcome(expect = Expect.FORBIDDEN, desc = "woken more than once")
  @State
  public static class PollVsEvent {
    final ScheduledIo io = new ScheduledIo(7);
    final CountingWaker reader = new CountingWaker();

    @Actor
    public void driver() {
      io.setReadiness(1, ScheduledIo.READABLE);
    }

    @Actor
    public void task(II_Result r) {
      r.r1 = io.pollReadiness(ScheduledIo.READ_INTEREST, reader) == -1 ? 0 : 1;
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = reader.wakes.get();
    }
  }

  /**
   * A reader polls while the owner closes the resource ({@code terminate(CLOSED)}, which wakes both
   * waiters). The reader sees the terminal flag or is woken.
   *
   * <p>r1 = 1 if the poll returned a word with CLOSED, 0 if pending; r2 = the reader's wakes.
   */
  @JCStressTest
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "closed first: fails at once")
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "registered first: pending, woken")
  @Outcome(
      id = "1, 1",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc = "the re-check saw the close, which also woke the stored waker")
  @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost close: the reader waits forever")
  @Outcome(expect = Expect.FORBIDDEN, desc = "woken more than once")
  @State
  public static class PollVsClose {
    final ScheduledIo io = new ScheduledIo(7);
    final CountingWaker reader = new CountingWaker();

    @Actor
    public void owner() {
      io.terminate(ScheduledIo.CLOSED);
    }

    @Actor
    public void task(II_Result r) {
      long w = io.pollReadiness(ScheduledIo.READ_INTEREST, reader);
      r.r1 = w != -1 && (ScheduledIo.readiness(w) & ScheduledIo.CLOSED) != 0 ? 1 : 0;
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = reader.wakes.get();
    }
  }
}
