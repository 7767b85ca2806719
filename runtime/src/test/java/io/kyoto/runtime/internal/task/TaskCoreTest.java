package io.kyoto.runtime.internal.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * The transitions of {@link TaskCore}, one at a time, on the calling thread. {@link
 * TaskCoreModelTest} checks them under concurrency.
 */
class TaskCoreTest {
  private final RecordingScheduler scheduler = new RecordingScheduler();
  private final ScriptedFuture future = new ScriptedFuture();
  private final TaskCore<Integer> task = new TaskCore<>(future, scheduler);

  @Test
  void wakeOfAnIdleTaskSchedulesItOnce() {
    task.wake();

    assertEquals(List.of(task), scheduler.scheduled);
    assertEquals(TaskCore.NOTIFIED, task.state());
  }

  @Test
  void wakesOfAQueuedTaskQueueItOnlyOnce() {
    task.wake();
    task.wake();
    task.wake();

    assertEquals(1, scheduler.scheduled.size());
  }

  @Test
  void pendingPollWithoutWakeLeavesTheTaskIdle() {
    future.then(cx -> Poll.pending());
    task.wake();

    assertFalse(task.run(Context.INITIAL_BUDGET));

    assertEquals(0, task.state());
    assertEquals(1, scheduler.scheduled.size());
    task.wake();
    assertEquals(2, scheduler.scheduled.size());
  }

  @Test
  void wakeDuringPollReschedulesAfterThePoll() {
    future.then(
        cx -> {
          cx.waker().wake();
          assertEquals(1, scheduler.scheduled.size(), "not queued while running");
          assertEquals(TaskCore.RUNNING | TaskCore.NOTIFIED, task.state());
          return Poll.pending();
        });
    future.then(cx -> Poll.ready(3));
    task.wake();

    assertFalse(task.run(Context.INITIAL_BUDGET));

    assertEquals(List.of(task, task), scheduler.scheduled);
    assertEquals(TaskCore.NOTIFIED, task.state());
    assertTrue(task.run(Context.INITIAL_BUDGET));
    assertEquals(2, future.polls);
  }

  @Test
  void aNewTaskIsQueuedHoldingRunningAndItsFirstRunTakesItOver() {
    future.then(cx -> Poll.pending());
    task.scheduleNew();

    assertEquals(List.of(task), scheduler.scheduled);
    assertEquals(TaskCore.RUNNING, task.state());
    assertTrue(task.isQueuedRunning());
    task.wake(); // before the first run: already queued
    task.abort(); // likewise: the first run cancels instead of polling
    assertEquals(1, scheduler.scheduled.size());

    assertTrue(task.run(Context.INITIAL_BUDGET));
    assertEquals(0, future.polls);
    assertEquals(1, future.cancels);
    assertTrue(task.isComplete());
    assertFalse(task.isQueuedRunning());
  }

  @Test
  void aNewTaskRunsOnceAndIsIdleAfterAPendingPoll() {
    future.then(cx -> Poll.pending());
    task.scheduleNew();

    assertFalse(task.run(Context.INITIAL_BUDGET));

    assertEquals(1, future.polls);
    assertEquals(0, task.state(), "idle");
    assertFalse(task.run(Context.INITIAL_BUDGET), "no entry left: a second run is stale");
    assertEquals(1, future.polls);
  }

  @Test
  void aYieldGoesToDeferKeepingRunningAndTheNextRunTakesItOver() {
    future.then(
        cx -> {
          assertTrue(task.yieldFromOwnPoll());
          return Poll.pending();
        });
    future.then(
        cx -> {
          cx.waker().wake(); // a plain wake on the next poll is not deferred
          return Poll.pending();
        });
    task.wake();

    assertFalse(task.run(Context.INITIAL_BUDGET));

    assertEquals(List.of(task), scheduler.deferred);
    assertEquals(1, scheduler.scheduled.size(), "only the spawn's entry");
    assertEquals(TaskCore.RUNNING, task.state(), "held for the next run");
    assertTrue(task.isQueuedRunning());
    task.wake(); // a wake while queued after the yield must not queue it twice
    assertEquals(1, scheduler.scheduled.size());
    assertEquals(TaskCore.RUNNING | TaskCore.NOTIFIED, task.state());

    assertFalse(task.run(Context.INITIAL_BUDGET));

    assertEquals(2, future.polls);
    assertFalse(task.isQueuedRunning());
    assertEquals(1, scheduler.deferred.size());
    assertEquals(2, scheduler.scheduled.size(), "the plain wake of the second poll");
    assertEquals(TaskCore.NOTIFIED, task.state());
  }

  @Test
  void anAbortWhileQueuedAfterAYieldCancelsInTheNextRun() {
    future.then(
        cx -> {
          assertTrue(task.yieldFromOwnPoll());
          return Poll.pending();
        });
    task.wake();
    task.run(Context.INITIAL_BUDGET);

    task.abort();
    assertEquals(1, scheduler.scheduled.size(), "queued already: the abort schedules nothing");

    assertTrue(task.run(Context.INITIAL_BUDGET));
    assertEquals(1, future.polls);
    assertEquals(1, future.cancels);
    assertTrue(task.isComplete());
  }

  @Test
  void anAbortDuringAYieldingPollCancelsAtOnce() {
    future.then(
        cx -> {
          assertTrue(task.yieldFromOwnPoll());
          task.abort();
          return Poll.pending();
        });
    task.wake();

    assertTrue(task.run(Context.INITIAL_BUDGET));
    assertEquals(List.of(), scheduler.deferred);
    assertEquals(1, future.cancels);
  }

  @Test
  void onlyTheTaskRunnerMayYieldForIt() throws Exception {
    assertFalse(task.yieldFromOwnPoll(), "not being polled");
    Thread[] other = new Thread[1];
    boolean[] fromOther = new boolean[1];
    future.then(
        cx -> {
          other[0] = Thread.ofPlatform().start(() -> fromOther[0] = task.yieldFromOwnPoll());
          other[0].join();
          return Poll.pending();
        });
    task.wake();
    task.run(Context.INITIAL_BUDGET);

    assertFalse(fromOther[0], "another thread is not this task's runner");
    assertEquals(List.of(), scheduler.deferred);
    assertEquals(0, task.state(), "idle: nothing yielded");
  }

  @Test
  void completionWakesTheJoinerAndHandsItTheOutput() throws Exception {
    CountingWaker joiner = new CountingWaker();
    future.then(cx -> Poll.ready(42));
    task.wake();
    assertTrue(task.pollJoin(new Context(joiner)).isPending());

    assertTrue(task.run(Context.INITIAL_BUDGET));

    assertEquals(1, joiner.wakes);
    assertEquals(Poll.ready(42), task.pollJoin(new Context(joiner)));
    assertEquals(TaskCore.COMPLETE, task.state());
    assertEquals(1, scheduler.terminated);
  }

  @Test
  void abortOfAnIdleTaskSchedulesItOnceAndTheRunCancelsTheFuture() {
    future.then(cx -> Poll.pending());
    task.wake();
    task.run(Context.INITIAL_BUDGET);
    CountingWaker joiner = new CountingWaker();
    assertThrowsNothingYet(joiner);

    task.abort();
    task.abort();
    task.wake();

    assertEquals(2, scheduler.scheduled.size());
    assertEquals(TaskCore.NOTIFIED | TaskCore.CANCELLED, task.state());
    assertEquals(0, future.cancels, "cancel() runs on the worker, not the aborting thread");
    assertTrue(task.run(Context.INITIAL_BUDGET));
    assertEquals(1, future.polls);
    assertEquals(1, future.cancels);
    assertEquals(1, joiner.wakes);
    assertCancelled();
  }

  @Test
  void abortOfAQueuedTaskCancelsItWithoutPolling() {
    task.wake();
    task.abort();

    assertEquals(1, scheduler.scheduled.size());
    assertTrue(task.run(Context.INITIAL_BUDGET));
    assertEquals(0, future.polls);
    assertEquals(1, future.cancels);
    assertCancelled();
  }

  @Test
  void abortDuringPollCancelsAtTheEndOfThatPoll() {
    future.then(
        cx -> {
          task.abort();
          cx.waker().wake();
          assertEquals(0, future.cancels);
          return Poll.pending();
        });
    task.wake();

    assertTrue(task.run(Context.INITIAL_BUDGET));

    assertEquals(1, future.cancels);
    assertEquals(1, scheduler.scheduled.size(), "not rescheduled");
    assertEquals(TaskCore.COMPLETE | TaskCore.CANCELLED, task.state());
    assertCancelled();
  }

  @Test
  void abortDuringAPollThatCompletesKeepsTheOutput() throws Exception {
    future.then(
        cx -> {
          task.abort();
          return Poll.ready(5);
        });
    task.wake();

    assertTrue(task.run(Context.INITIAL_BUDGET));

    assertEquals(0, future.cancels);
    assertEquals(Poll.ready(5), task.pollJoin(new Context(Waker.noop())));
  }

  @Test
  void failureReachesTheJoinerUnchanged() throws Exception {
    // The failed future is dropped: cancel() runs once (tokio drops a panicked future, which
    // releases its registrations), before the joiner can see the failure, which is unchanged.
    IOException boom = new IOException("boom");
    int[] cancelsSeenByJoinerWake = {-1};
    future.then(
        cx -> {
          throw boom;
        });
    Waker joiner = () -> cancelsSeenByJoinerWake[0] = future.cancels;
    assertTrue(task.pollJoin(new Context(joiner)).isPending());
    task.wake();

    assertTrue(task.run(Context.INITIAL_BUDGET));

    TaskCore.TaskFailure f =
        assertThrows(TaskCore.TaskFailure.class, () -> task.pollJoin(new Context(Waker.noop())));
    assertSame(boom, f.getCause());
    assertEquals(0, boom.getSuppressed().length);
    assertEquals(List.of(boom), scheduler.failures);
    assertEquals(1, scheduler.terminated);
    assertEquals(1, future.cancels);
    assertEquals(1, cancelsSeenByJoinerWake[0], "cancel() runs before the joiner is woken");
  }

  @Test
  void aCancelThatThrowsAfterAFailureIsSuppressedByTheFailure() {
    IOException boom = new IOException("boom");
    IllegalStateException cancelFailure = new IllegalStateException("cancel failed");
    future.then(
        cx -> {
          throw boom;
        });
    future.cancelThrows = cancelFailure;
    task.wake();

    assertTrue(task.run(Context.INITIAL_BUDGET));

    TaskCore.TaskFailure f =
        assertThrows(TaskCore.TaskFailure.class, () -> task.pollJoin(new Context(Waker.noop())));
    assertSame(boom, f.getCause());
    assertEquals(List.of(cancelFailure), List.of(boom.getSuppressed()));
    assertEquals(List.of(boom), scheduler.failures);
  }

  @Test
  void completedTaskIgnoresWakesAbortsAndStaleRuns() {
    future.then(cx -> Poll.ready(1));
    task.wake();
    task.run(Context.INITIAL_BUDGET);

    task.wake();
    task.abort();

    assertEquals(1, scheduler.scheduled.size());
    assertFalse(task.run(Context.INITIAL_BUDGET));
    assertEquals(1, future.polls);
    assertEquals(0, future.cancels);
    assertEquals(TaskCore.COMPLETE, task.state());
  }

  @Test
  void runWithoutNotificationIsAStaleEntry() {
    assertFalse(task.run(Context.INITIAL_BUDGET));
    assertEquals(0, future.polls);
  }

  private void assertThrowsNothingYet(CountingWaker joiner) {
    try {
      assertTrue(task.pollJoin(new Context(joiner)).isPending());
    } catch (TaskCore.TaskFailure f) {
      throw new AssertionError("not complete yet", f);
    }
  }

  private void assertCancelled() {
    TaskCore.TaskFailure f =
        assertThrows(TaskCore.TaskFailure.class, () -> task.pollJoin(new Context(Waker.noop())));
    assertInstanceOf(CancellationException.class, f.getCause());
    // Ids are assigned on first use: the message must not show an unassigned 0.
    assertEquals("task " + task.id() + " was aborted", f.getCause().getMessage());
    assertEquals(1, scheduler.terminated);
    assertEquals(List.of(), scheduler.failures);
  }

  /** A poll step of the scripted future. */
  @FunctionalInterface
  interface Step {
    Poll<Integer> poll(Context cx) throws Exception;
  }

  /** Runs one scripted step per poll; counts polls and cancels. */
  static final class ScriptedFuture implements Future<Integer> {
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    int polls;
    int cancels;
    RuntimeException cancelThrows;

    void then(Step step) {
      steps.add(step);
    }

    @Override
    public Poll<Integer> poll(Context cx) throws Exception {
      assertEquals(0, cancels, "polled after cancel()");
      polls++;
      Step step = steps.poll();
      if (step == null) {
        throw new AssertionError("unexpected poll " + polls);
      }
      return step.poll(cx);
    }

    @Override
    public void cancel() {
      cancels++;
      if (cancelThrows != null) {
        throw cancelThrows;
      }
    }
  }

  /** Records what the task asks of its scheduler. */
  static final class RecordingScheduler implements Scheduler {
    final List<TaskCore<?>> scheduled = new ArrayList<>();
    final List<TaskCore<?>> deferred = new ArrayList<>();
    final List<Throwable> failures = new ArrayList<>();
    int terminated;

    @Override
    public void schedule(TaskCore<?> task) {
      scheduled.add(task);
    }

    @Override
    public void defer(TaskCore<?> task) {
      deferred.add(task);
    }

    @Override
    public void onTaskFailure(TaskCore<?> task, Throwable failure) {
      if (failure instanceof AssertionError e) {
        throw e; // an assertion inside a scripted step, which run() caught
      }
      failures.add(failure);
    }

    @Override
    public void onTaskTerminated(TaskCore<?> task) {
      terminated++;
    }

    // Stands in for a worker's poll slot: the test thread runs every task, and a task is being
    // polled while it holds RUNNING taken from a queue entry (not held for a queued run).
    private final Thread runner = Thread.currentThread();

    @Override
    public boolean isPolling(TaskCore<?> task) {
      return Thread.currentThread() == runner
          && (task.state() & TaskCore.RUNNING) != 0
          && !task.isQueuedRunning();
    }
  }

  /** Counts its wakes. */
  static final class CountingWaker implements Waker {
    int wakes;

    @Override
    public void wake() {
      wakes++;
    }
  }
}
