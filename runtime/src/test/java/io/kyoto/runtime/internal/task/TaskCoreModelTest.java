package io.kyoto.runtime.internal.task;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * The {@link TaskCore} state machine against a sequential model in which a run is atomic, plus its
 * safety invariants checked directly.
 *
 * <p>One task, spawned ({@code scheduleNew}: queued holding RUNNING) before the scenario, lives on
 * a test scheduler whose run queue is a single slot: a second entry while one is queued is itself a
 * violation ("queued twice"). Every thread may {@link #wake()}, {@link #abort()}, {@link #join()},
 * or act as a worker with {@link #runOnce(Action)}, which takes the queued entry and runs the task;
 * the {@code action} tells the scripted future what to do if this run polls it: stay pending, wake
 * itself, wake itself deferred as {@code yieldNow} does (keeping RUNNING until the next run),
 * complete, or throw.
 *
 * <h2>Why the results are linearizable</h2>
 *
 * <ul>
 *   <li>The state bits change before the queue does ({@code wake} sets NOTIFIED, then schedules),
 *       so a worker that simply found the slot empty could see "not queued" after another thread's
 *       wake had returned having seen NOTIFIED, which no sequential order explains. A real worker
 *       finds the entry a moment later; so {@code runOnce} reports {@code EMPTY} only when the task
 *       is neither running nor notified, and otherwise spins until the entry arrives or the run in
 *       flight ends. A lost schedule would hang it; the spin is bounded, so it is reported as one.
 *   <li>An abort that arrives during a poll is honoured at the end of that poll, unless the poll
 *       completed the task (as in tokio). A joiner may see the task still pending after that abort
 *       returned, and then see it complete normally, which no order of atomic runs explains. So
 *       runs and joins report only {@code PENDING} or {@code OVER}/{@code COMPLETE}, and which
 *       ending it was (value, failure or cancellation) is checked directly against what the future
 *       did, with the abort's timing: a run that began after an {@code abort()} returned must not
 *       poll, and a cancellation needs an abort.
 * </ul>
 *
 * <p>Random scenarios rarely line up the interesting races, so {@link #races()} adds fixed ones
 * that model checking explores fully, one or more per transition of the {@link TaskCore} class
 * javadoc. Seeded mutations of {@code TaskCore} (a missed reschedule, a lost abort, a joiner store
 * without the re-read, the completer reading the waker before setting COMPLETE, a wake that queues
 * a running task, ...) each fail this test.
 *
 * <h2>Invariants checked directly</h2>
 *
 * <p>In the operations (recorded, because {@code run} swallows what the future throws) and in the
 * {@link Validate} function, at quiescence:
 *
 * <ul>
 *   <li>the task is never queued twice, and no run finds a stale entry;
 *   <li>polls never overlap; no poll after completion, after {@code cancel()}, or after the future
 *       returned ready or threw; {@code cancel()} at most once and never during a poll; a future
 *       that threw is cancelled once (dropped, as tokio drops a future that panicked) before the
 *       failure is visible, and one that returned ready never;
 *   <li>a wake issued after the latest poll started is not lost: the task is complete or queued;
 *   <li>an aborted task that is not complete is queued (abort of an idle task scheduled it);
 *   <li>queued iff NOTIFIED or held RUNNING (spawned and not run yet, or after a yield), and
 *       nothing else is RUNNING;
 *   <li>a joiner that got {@code PENDING} is woken once if the task completed; nobody is woken
 *       twice, or before completion; the join sees the future's own value or exception, or a {@link
 *       CancellationException} exactly when {@code cancel()} ran on a future that had not thrown;
 *   <li>{@code onTaskTerminated} once per completion, {@code onTaskFailure} once per failure.
 * </ul>
 */
public class TaskCoreModelTest {
  /** What the future does when a run polls it. */
  public enum Action {
    /** Returns pending, without waking. */
    PENDING,
    /** Wakes its own task, then returns pending. */
    SELF_WAKE,
    /** Yields (as {@code yieldNow}): deferred, keeping RUNNING until the next run; pending. */
    DEFERRED_WAKE,
    /** Returns {@code VALUE}. */
    READY,
    /** Throws. */
    THROW
  }

  static final int VALUE = 7;

  /** Yields before a worker decides that a notified task's queue entry was lost. */
  static final int SPIN_LIMIT = 1_000_000;

  /** Orders wakes against poll starts, for the lost-wake check. */
  private final AtomicLong clock = new AtomicLong();

  private final AtomicLong lastWake = new AtomicLong();
  private final AtomicLong lastPollStart = new AtomicLong();
  private final AtomicLong firstAbortCalled = new AtomicLong();
  private final AtomicLong firstAbortReturned = new AtomicLong();
  private final AtomicReference<String> violation = new AtomicReference<>();

  /** The run queue: "S" for a scheduled entry, "D" for a deferred one, null when empty. */
  private final AtomicReference<String> slot = new AtomicReference<>();

  private final AtomicInteger terminated = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger joinRegistrations = new AtomicInteger();
  private final AtomicInteger joinWakes = new AtomicInteger();
  private final Waker joinWaker = new CountingWaker();

  private final ScriptedFuture future = new ScriptedFuture();
  private final TaskCore<Integer> task = new TaskCore<>(future, new SlotScheduler());

  public TaskCoreModelTest() {
    task.scheduleNew(); // spawned: queued once, holding RUNNING for its first run
  }

  @Operation
  public void wake() {
    lastWake.accumulateAndGet(clock.incrementAndGet(), Math::max);
    task.wake();
  }

  @Operation
  public void abort() {
    firstAbortCalled.compareAndSet(0, clock.incrementAndGet());
    task.abort();
    firstAbortReturned.compareAndSet(0, clock.incrementAndGet());
  }

  /** Polls the join side with a recording waker: {@code PENDING} or {@code COMPLETE}. */
  @Operation
  public String join() {
    try {
      Poll<Integer> p = task.pollJoin(new Context(joinWaker));
      if (p.isPending()) {
        joinRegistrations.incrementAndGet();
        return "PENDING";
      }
      if (p.value() != VALUE || !future.finished || future.thrown != null || future.cancels != 0) {
        fail("join got " + p.value() + " but the future did not return it");
      }
    } catch (TaskCore.TaskFailure f) {
      Throwable cause = f.getCause();
      if (cause instanceof CancellationException) {
        if (future.cancels != 1 || future.finished) {
          fail("join saw a cancellation, but cancel() ran " + future.cancels + " times");
        }
      } else if (cause != future.thrown) {
        fail("join saw " + cause + " instead of the future's own exception");
      } else if (future.cancels != 1) {
        fail("join saw the failure, but cancel() of the failed future ran " + future.cancels);
      }
    }
    return "COMPLETE";
  }

  /**
   * Acts as a worker: takes the task from the run queue, if it is (about to be) there, runs it, and
   * returns the entry's kind with {@code PENDING} or {@code OVER}.
   */
  @Operation
  public String runOnce(Action action) {
    String kind;
    for (int spins = 0; (kind = slot.getAndSet(null)) == null; spins++) {
      int s = task.state();
      if ((s & TaskCore.COMPLETE) != 0 || (s & (TaskCore.RUNNING | TaskCore.NOTIFIED)) == 0) {
        return "EMPTY";
      }
      // An entry is on its way, or a run is in flight. Bounded, so that a lost schedule fails fast
      // instead of hanging the stress run.
      if (spins == SPIN_LIMIT) {
        fail("notified, but the entry never reached the queue");
        return "LOST";
      }
      Thread.yield();
    }
    Run run = new Run(action);
    future.current = run; // published to our own poll; the previous run's poll has ended
    long start = clock.incrementAndGet();
    boolean completed = task.run(Context.INITIAL_BUDGET);
    boolean finishes = run.polled && (action == Action.READY || action == Action.THROW);
    if (!run.polled && !run.cancelled) {
      fail("a stale " + kind + " entry: the run neither polled nor cancelled");
    } else if (completed != (run.cancelled || finishes)) {
      fail("run returned " + completed + " after polled=" + run.polled + " action=" + action);
    } else if (run.cancelled && finishes) {
      fail("cancelled after the future completed");
    } else if (run.cancelled && firstAbortCalled.get() == 0) {
      fail("cancelled without an abort");
    }
    long aborted = firstAbortReturned.get();
    if (run.polled && aborted != 0 && aborted < start) {
      fail("polled although abort() returned before the run began");
    }
    return kind + (completed ? ":OVER" : ":PENDING");
  }

  @Validate
  public void invariantsHoldAtQuiescence() {
    String v = violation.get();
    if (v != null) {
      throw new AssertionError(v + "; " + task);
    }
    int s = task.state();
    boolean complete = (s & TaskCore.COMPLETE) != 0;
    boolean queued = slot.get() != null;
    // A task queued new or after a yield keeps RUNNING until its next run.
    boolean held = task.isQueuedRunning();
    check(!held || queued, "held RUNNING but not queued");
    check((s & TaskCore.RUNNING) == 0 || held, "RUNNING at quiescence");
    if (complete) {
      check(!queued, "a complete task is still queued");
      check(terminated.get() == 1, "onTaskTerminated ran " + terminated.get() + " times");
      // A joiner that stored its waker but then saw COMPLETE on its re-read may be woken anyway.
      int wakes = joinWakes.get();
      check(wakes <= 1, "joiner woken " + wakes + " times");
      check(joinRegistrations.get() == 0 || wakes == 1, "a pending joiner was not woken");
    } else {
      check(
          queued == ((s & TaskCore.NOTIFIED) != 0 || held), "queued=" + queued + " but state " + s);
      check(lastWake.get() < lastPollStart.get() || queued, "a wake after the last poll was lost");
      check((s & TaskCore.CANCELLED) == 0 || queued, "an aborted task is neither done nor queued");
      check(terminated.get() == 0 && joinWakes.get() == 0, "terminated/woken before completion");
      check(future.cancels == 0, "cancelled but not complete");
    }
    if (complete && future.thrown != null) {
      check(future.cancels == 1, "the failed future was cancelled " + future.cancels + " times");
    }
    check(failures.get() == (future.thrown != null ? 1 : 0), "onTaskFailure " + failures.get());
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what + "; " + task);
    }
  }

  private void fail(String what) {
    violation.compareAndSet(null, what);
  }

  /** What one {@link #runOnce} asked for and saw; written by the runner only. */
  static final class Run {
    final Action action;
    boolean polled;
    boolean cancelled;

    Run(Action action) {
      this.action = action;
    }
  }

  /** Does what the current run asks, and checks how it is polled and cancelled. */
  final class ScriptedFuture implements Future<Integer> {
    final AtomicInteger inPoll = new AtomicInteger();
    volatile Thread polling; // the thread inside poll(), else null: the scheduler's slot
    Run current; // set by the worker that took the queue entry, before run()
    int cancels;
    boolean finished;
    Exception thrown;

    @Override
    public Poll<Integer> poll(Context cx) throws Exception {
      if (inPoll.incrementAndGet() != 1) {
        fail("two polls at once");
      }
      polling = Thread.currentThread();
      try {
        lastPollStart.accumulateAndGet(clock.incrementAndGet(), Math::max);
        if (task.isComplete() || cancels > 0 || finished) {
          fail("polled after completion or cancel");
        }
        if (cx.waker() != task) {
          fail("polled with a foreign waker");
        }
        Run run = current;
        run.polled = true;
        switch (run.action) {
          case SELF_WAKE -> selfWake(cx);
          case DEFERRED_WAKE -> {
            lastWake.accumulateAndGet(clock.incrementAndGet(), Math::max);
            if (!task.yieldFromOwnPoll()) {
              fail("the runner could not yield");
            }
          }
          case READY -> {
            finished = true;
            return Poll.ready(VALUE);
          }
          case THROW -> {
            finished = true;
            thrown = new IllegalStateException("boom");
            throw thrown;
          }
          default -> {}
        }
        return Poll.pending();
      } finally {
        polling = null;
        inPoll.decrementAndGet();
      }
    }

    private void selfWake(Context cx) {
      lastWake.accumulateAndGet(clock.incrementAndGet(), Math::max);
      cx.waker().wake();
    }

    @Override
    public void cancel() {
      if (inPoll.get() != 0) {
        fail("cancel() during a poll");
      }
      if (++cancels != 1) {
        fail("cancel() called " + cancels + " times");
      }
      if (thrown == null) {
        current.cancelled = true; // an abort's cancel, not the drop of a failed future
      }
    }
  }

  /** The joiner's waker. */
  final class CountingWaker implements Waker {
    @Override
    public void wake() {
      if (!task.isComplete()) {
        fail("joiner woken before COMPLETE");
      }
      joinWakes.incrementAndGet();
    }
  }

  /** A run queue of one slot, which is all a task that is never queued twice needs. */
  final class SlotScheduler implements Scheduler {
    @Override
    public void schedule(TaskCore<?> t) {
      enqueue("S");
    }

    @Override
    public void defer(TaskCore<?> t) {
      enqueue("D");
    }

    private void enqueue(String kind) {
      if (!slot.compareAndSet(null, kind)) {
        fail("queued twice");
      }
    }

    @Override
    public void onTaskFailure(TaskCore<?> t, Throwable failure) {
      failures.incrementAndGet();
      if (failure != future.thrown) {
        fail("onTaskFailure got " + failure);
      }
    }

    @Override
    public void onTaskTerminated(TaskCore<?> t) {
      terminated.incrementAndGet();
    }

    @Override
    public boolean isPolling(TaskCore<?> t) {
      return future.polling == Thread.currentThread(); // what a worker's poll slot tells
    }
  }

  /** The sequential model: the state machine with atomic runs. */
  public static final class Spec {
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean notified = true;
    private boolean cancelled;
    private boolean complete;

    public Spec() {
      queue.add("S");
    }

    public void wake() {
      if (!complete && !notified) {
        notified = true;
        queue.add("S");
      }
    }

    public void abort() {
      if (complete || cancelled) {
        return;
      }
      cancelled = true;
      if (!notified) {
        notified = true;
        queue.add("S");
      }
    }

    public String join() {
      return complete ? "COMPLETE" : "PENDING";
    }

    public String runOnce(Action action) {
      String kind = queue.pollFirst();
      if (kind == null) {
        return "EMPTY";
      }
      notified = false;
      if (cancelled || action == Action.READY || action == Action.THROW) {
        complete = true;
        return kind + ":OVER";
      }
      if (action == Action.SELF_WAKE || action == Action.DEFERRED_WAKE) {
        notified = true;
        queue.add(action == Action.SELF_WAKE ? "S" : "D");
      }
      return kind + ":PENDING";
    }
  }

  /**
   * The races this test is about, as fixed scenarios that model checking explores fully (random
   * scenarios hit them only now and then). The task starts queued.
   */
  static List<ExecutionScenario> races() {
    return List.of(
        // abort during a poll that stays pending; the joiner must be woken by the cancellation
        scenario(
            List.of(),
            List.of(
                List.of(actor("runOnce", Action.PENDING)), List.of(actor("join"), actor("abort"))),
            List.of(actor("runOnce", Action.PENDING), actor("join"))),
        // abort and wake of an idle task, racing each other and a worker
        scenario(
            List.of(actor("runOnce", Action.PENDING)),
            List.of(
                List.of(actor("abort")),
                List.of(actor("wake")),
                List.of(actor("runOnce", Action.PENDING))),
            List.of(actor("runOnce", Action.PENDING), actor("join"))),
        // a wake during a poll, with two workers
        scenario(
            List.of(),
            List.of(
                List.of(actor("runOnce", Action.PENDING), actor("runOnce", Action.PENDING)),
                List.of(actor("wake")),
                List.of(actor("runOnce", Action.PENDING))),
            List.of(actor("runOnce", Action.PENDING))),
        // completion, a racing abort, and a joiner registering around the COMPLETE transition
        scenario(
            List.of(),
            List.of(
                List.of(actor("runOnce", Action.READY)),
                List.of(actor("join"), actor("join")),
                List.of(actor("abort"))),
            List.of(actor("join"))),
        // a deferred self-wake racing a foreign wake and an abort
        scenario(
            List.of(),
            List.of(
                List.of(actor("runOnce", Action.DEFERRED_WAKE), actor("runOnce", Action.THROW)),
                List.of(actor("wake"), actor("abort"))),
            List.of(actor("runOnce", Action.PENDING), actor("join"))));
  }

  // Lincheck's scenario DSL takes Kotlin function references; from Java the scenario is built
  // from its parts (actors are the public operations looked up by name).
  private static ExecutionScenario scenario(
      List<Actor> before, List<List<Actor>> parallel, List<Actor> after) {
    return new ExecutionScenario(before, parallel, after, null);
  }

  private static Actor actor(String operation, Object... arguments) {
    for (Method m : TaskCoreModelTest.class.getMethods()) {
      if (m.getName().equals(operation)) {
        return new Actor(m, List.of(arguments));
      }
    }
    throw new IllegalArgumentException(operation);
  }

  @Test
  void modelChecking() {
    ModelCheckingOptions options = new ModelCheckingOptions();
    races().forEach(options::addCustomScenario);
    options
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(1)
        .actorsPerThread(3)
        .actorsAfter(2)
        .iterations(10)
        .invocationsPerIteration(100)
        .check(TaskCoreModelTest.class);
  }

  @Test
  void stress() {
    StressOptions options = new StressOptions();
    races().forEach(options::addCustomScenario);
    options
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(1)
        .actorsPerThread(3)
        .actorsAfter(2)
        .iterations(20)
        .invocationsPerIteration(200)
        .check(TaskCoreModelTest.class);
  }
}
