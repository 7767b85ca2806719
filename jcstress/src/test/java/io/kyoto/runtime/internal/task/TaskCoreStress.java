package io.kyoto.runtime.internal.task;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
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
 * {@link TaskCore}'s state word (RUNNING, NOTIFIED = 2, CANCELLED = 4, COMPLETE = 8) under races
 * between a worker running the task and other threads waking, aborting or joining it. The scheduler
 * is a counter of {@code schedule}/{@code defer} calls: a task must be queued exactly once per wake
 * that finds it idle, and a wake must never be lost.
 */
public final class TaskCoreStress {
  private TaskCoreStress() {}

  static final int BUDGET = 128;

  /** Counts how often a task is queued. */
  static final class CountingScheduler implements Scheduler {
    final AtomicInteger scheduled = new AtomicInteger();

    @Override
    public void schedule(TaskCore<?> task) {
      scheduled.incrementAndGet();
    }

    @Override
    public void defer(TaskCore<?> task) {
      scheduled.incrementAndGet();
    }

    @Override
    public void onTaskFailure(TaskCore<?> task, Throwable failure) {}

    @Override
    public void onTaskTerminated(TaskCore<?> task) {}
  }

  /**
   * A future that is never ready; each poll records whether it saw the signal, and cancel() is
   * counted.
   */
  static final class SignalFuture implements Future<Object> {
    volatile boolean signal;
    int sawSignal; // runner thread only; read by the arbiter
    final AtomicInteger cancels = new AtomicInteger();

    @Override
    public Poll<Object> poll(Context cx) {
      sawSignal = signal ? 1 : 0;
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancels.incrementAndGet();
    }
  }

  /**
   * A queued task is run while another thread makes its condition true and wakes it. Either the
   * wake folds into the pending run (the poll then sees the signal), or the task is rescheduled
   * exactly once.
   *
   * <p>r1 = times scheduled after the initial wake, r2 = final state, r3 = poll saw the signal.
   */
  @JCStressTest
  @Outcome(
      id = "0, 0, 1",
      expect = Expect.ACCEPTABLE,
      desc = "wake before the run claimed the task: folded into it; the poll saw the signal")
  @Outcome(id = "1, 2, 0", expect = Expect.ACCEPTABLE, desc = "woken during the poll: requeued")
  @Outcome(
      id = "1, 2, 1",
      expect = Expect.ACCEPTABLE,
      desc = "woken after the poll read the signal (during or after the poll): requeued")
  @Outcome(id = "0, 0, 0", expect = Expect.FORBIDDEN, desc = "lost wake")
  @Outcome(expect = Expect.FORBIDDEN, desc = "queued twice, NOTIFIED without a queue entry, etc.")
  @State
  public static class WakeDuringPoll {
    final CountingScheduler scheduler = new CountingScheduler();
    final SignalFuture future = new SignalFuture();
    final TaskCore<Object> task = new TaskCore<>(future, scheduler);

    public WakeDuringPoll() {
      task.wake();
      scheduler.scheduled.set(0);
    }

    @Actor
    public void worker() {
      task.run(BUDGET);
    }

    @Actor
    public void waker() {
      future.signal = true;
      task.wake();
    }

    @Arbiter
    public void after(III_Result r) {
      r.r1 = scheduler.scheduled.get();
      r.r2 = task.state();
      r.r3 = future.sawSignal;
    }
  }

  /** Two threads wake an idle task: it is queued exactly once. r1 = times queued, r2 = state. */
  @JCStressTest
  @Outcome(id = "1, 2", expect = Expect.ACCEPTABLE, desc = "queued once, NOTIFIED")
  @Outcome(expect = Expect.FORBIDDEN, desc = "queued twice or not at all")
  @State
  public static class TwoWakes {
    final CountingScheduler scheduler = new CountingScheduler();
    final TaskCore<Object> task = new TaskCore<>(new SignalFuture(), scheduler);

    @Actor
    public void wake1() {
      task.wake();
    }

    @Actor
    public void wake2() {
      task.wake();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r1 = scheduler.scheduled.get();
      r.r2 = task.state();
    }
  }

  /**
   * A wake and an abort hit an idle task: it is queued exactly once, NOTIFIED|CANCELLED (6). r1 =
   * times queued, r2 = state.
   */
  @JCStressTest
  @Outcome(id = "1, 6", expect = Expect.ACCEPTABLE, desc = "queued once, NOTIFIED|CANCELLED")
  @Outcome(expect = Expect.FORBIDDEN, desc = "queued twice or not at all, or a flag lost")
  @State
  public static class WakeAbortIdle {
    final CountingScheduler scheduler = new CountingScheduler();
    final TaskCore<Object> task = new TaskCore<>(new SignalFuture(), scheduler);

    @Actor
    public void wake() {
      task.wake();
    }

    @Actor
    public void abort() {
      task.abort();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r1 = scheduler.scheduled.get();
      r.r2 = task.state();
    }
  }

  /**
   * An abort races with a run of a queued task whose poll is pending. The cancellation must happen
   * on the runner (during this run) or the task must be queued again to run it: an abort is never
   * lost.
   *
   * <p>r1 = times queued after the initial wake, r2 = final state, r3 = cancel() calls.
   */
  @JCStressTest
  @Outcome(
      id = "0, 12, 1",
      expect = Expect.ACCEPTABLE,
      desc =
          "abort before or during the poll: the runner cancelled the future (CANCELLED|COMPLETE)")
  @Outcome(
      id = "1, 6, 0",
      expect = Expect.ACCEPTABLE,
      desc = "abort after the run: queued again (NOTIFIED|CANCELLED) to cancel on a worker")
  @Outcome(id = "0, 4, 0", expect = Expect.FORBIDDEN, desc = "lost abort: CANCELLED, never run")
  @Outcome(expect = Expect.FORBIDDEN, desc = "cancelled twice, queued twice, or bad state")
  @State
  public static class AbortDuringRun {
    final CountingScheduler scheduler = new CountingScheduler();
    final SignalFuture future = new SignalFuture();
    final TaskCore<Object> task = new TaskCore<>(future, scheduler);

    public AbortDuringRun() {
      task.wake();
      scheduler.scheduled.set(0);
    }

    @Actor
    public void worker() {
      task.run(BUDGET);
    }

    @Actor
    public void aborter() {
      task.abort();
    }

    @Arbiter
    public void after(III_Result r) {
      r.r1 = scheduler.scheduled.get();
      r.r2 = task.state();
      r.r3 = future.cancels.get();
    }
  }

  /** An output object with a plain field: a joiner that reads 42 saw it published. */
  static final class Output {
    int value;

    Output(int value) {
      this.value = value;
    }
  }

  /**
   * A worker completes the task while the join handle polls it. The joiner either gets the output
   * (fully built) or stays pending with its waker stored, and is then woken.
   *
   * <p>r1 = output read by the joiner (-1 = pending), r2 = joiner wakes.
   */
  @JCStressTest
  @Outcome(id = "42, 0", expect = Expect.ACCEPTABLE, desc = "join saw the completion")
  @Outcome(
      id = "42, 1",
      expect = Expect.ACCEPTABLE,
      desc = "join stored its waker, then saw the completion; woken as well (harmless)")
  @Outcome(id = "-1, 1", expect = Expect.ACCEPTABLE, desc = "join pending, then woken")
  @Outcome(id = "-1, 0", expect = Expect.FORBIDDEN, desc = "lost completion: joiner never woken")
  @Outcome(expect = Expect.FORBIDDEN, desc = "output not visible, failure, or double wake")
  @State
  public static class JoinComplete {
    final CountingScheduler scheduler = new CountingScheduler();
    final TaskCore<Output> task =
        new TaskCore<>(
            new Future<Output>() {
              @Override
              public Poll<Output> poll(Context cx) {
                return Poll.ready(new Output(42));
              }
            },
            scheduler);
    final AtomicInteger joinWakes = new AtomicInteger();
    final Waker joinWaker = joinWakes::incrementAndGet;

    public JoinComplete() {
      task.wake();
    }

    @Actor
    public void worker() {
      task.run(BUDGET);
    }

    @Actor
    public void joiner(II_Result r) {
      try {
        Poll<Output> p = task.pollJoin(new Context(joinWaker));
        r.r1 = p.isReady() ? p.value().value : -1;
      } catch (TaskCore.TaskFailure e) {
        r.r1 = -2;
      }
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = joinWakes.get();
    }
  }
}
