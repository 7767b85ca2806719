package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.task.Cancel;
import io.kyoto.runtime.internal.task.Scheduler;
import io.kyoto.runtime.internal.task.TaskCore;
import java.util.Queue;
import java.util.concurrent.locks.LockSupport;

/** What both flavors' schedulers offer the runtime. */
abstract sealed class SchedulerBase implements Scheduler
    permits CurrentThreadScheduler, MultiThreadScheduler {
  /** The message tokio gives for a nested {@code block_on}. */
  static final String NESTED_BLOCK_ON =
      "Cannot start a runtime from within a runtime. This happens because a function (like"
          + " `blockOn`) attempted to block the current thread while the thread is being used to"
          + " drive asynchronous tasks.";

  final RuntimeCore core;

  SchedulerBase(RuntimeCore core) {
    this.core = core;
  }

  abstract void start();

  abstract <T> T blockOn(Future<T> future) throws Exception;

  /** Wakes one parked worker, if any, to look for work. */
  abstract void unparkOne();

  abstract void beginShutdown();

  abstract void awaitWorkers(long timeoutNanos);

  // Set once cancelAll has drained the queues; see queuedLate().
  private volatile boolean drained;

  /**
   * After shutdown: cancels every queued task ({@link TaskCore#cancelQueued}); a task queued on
   * {@link #lateQueue()} afterwards is cancelled by {@link #queuedLate()}.
   */
  final void cancelAll() {
    cancelQueuedTasks();
    drained = true;
    cancelEach(lateQueue()); // anything queued while the flag was being set
  }

  /** Cancels every task in the run queues (after the workers stopped). */
  abstract void cancelQueuedTasks();

  /** {@return the queue that threads outside the runtime's workers schedule into after shutdown} */
  abstract Queue<TaskCore<?>> lateQueue();

  /**
   * Called after queuing a task on {@link #lateQueue()} from a thread that is not running the
   * scheduler. Once cancelAll is over (a wake or spawn that raced {@code close()}), nothing will
   * run that task any more, so this thread cancels it. The task is added before the flag is read,
   * and cancelAll sets the flag before draining once more, so either side finds it.
   */
  final void queuedLate() {
    if (drained) {
      cancelEach(lateQueue());
    }
  }

  private static void cancelEach(Queue<TaskCore<?>> queue) {
    TaskCore<?> t;
    while ((t = queue.poll()) != null) {
      t.cancelQueued();
    }
  }

  abstract SchedulerMetrics metrics();

  /** {@return the slots of the threads that poll tasks, for the blocking-poll detector} */
  abstract PollSlot[] pollSlots();

  /** {@return the workers' shares of the task counts (none for a current-thread scheduler)} */
  TaskCounts[] taskCounts() {
    return NO_COUNTS;
  }

  private static final TaskCounts[] NO_COUNTS = {};

  /** Counts the calling runtime thread as active for the blocking-poll detector. */
  void threadActive() {
    BlockingPollDetector d = core.detector();
    if (d != null) {
      d.threadActive();
    }
  }

  /** Counts the calling runtime thread as idle for the blocking-poll detector. */
  void threadIdle() {
    BlockingPollDetector d = core.detector();
    if (d != null) {
      d.threadIdle();
    }
  }

  @Override
  public void onForcedYield() {
    core.forcedYields.increment();
  }

  @Override
  public void onTaskFailure(TaskCore<?> task, Throwable failure) {
    core.onFailure(task, failure);
  }

  @Override
  public void onTaskTerminated(TaskCore<?> task) {
    core.onTerminated(task);
  }

  @Override
  public void onFirstPending(TaskCore<?> task) {
    core.onFirstPending(task);
  }

  /**
   * Cancels {@code future} and throws if the thread in {@code blockOn} was interrupted (a test
   * timeout, a shutdown hook): otherwise its parks would return at once and it would spin.
   */
  static void checkInterrupted(Future<?> future) throws InterruptedException {
    if (Thread.interrupted()) {
      future.cancel();
      throw new InterruptedException("blockOn was interrupted; its future was cancelled");
    }
  }

  /**
   * Polls {@code future} for a {@code blockOn} loop; if the poll throws, cancels the future (its
   * drop: see {@link Cancel#afterFailure}) before the failure leaves {@code blockOn}, unchanged.
   */
  static <T> Poll<T> pollOrDrop(Future<T> future, Context cx) throws Exception {
    try {
      return future.poll(cx);
    } catch (Throwable t) {
      Cancel.afterFailure(future, t);
      throw t;
    }
  }

  static void checkNotNested() {
    if (CurrentRuntime.isDriving()) {
      throw new IllegalStateException(NESTED_BLOCK_ON);
    }
  }

  /**
   * Polls {@code future} on the calling thread, parking between polls, while the runtime's workers
   * run the tasks (multi-thread {@code blockOn}). Wakes follow {@link BlockOnSignal}.
   */
  static <T> T pollOnThisThread(RuntimeCore core, Future<T> future) throws Exception {
    Thread me = Thread.currentThread();
    BlockOnSignal signal = new BlockOnSignal();
    Context cx =
        new Context(
            () -> {
              if (signal.wake()) {
                LockSupport.unpark(me);
              }
            });
    while (true) {
      if (core.isShutdown()) {
        future.cancel();
        throw core.shutdownException("the runtime was shut down while blockOn was waiting");
      }
      checkInterrupted(future);
      if (signal.takeWake()) {
        cx.setBudget(Context.INITIAL_BUDGET);
        Poll<T> p = pollOrDrop(future, cx);
        if (p.isReady()) {
          return p.value();
        }
        continue;
      }
      if (signal.mayPark()) {
        LockSupport.park(future);
      }
    }
  }
}
