package io.kyoto.runtime.internal.task;

/** Where a woken task goes: the runtime's run queues. */
public interface Scheduler {
  /**
   * Queues {@code task} to be run. Called from any thread; from a worker of this scheduler the task
   * goes to that worker's local queue (or LIFO slot), from elsewhere to the shared queue.
   *
   * @param task a task that has just been marked notified
   */
  void schedule(TaskCore<?> task);

  /**
   * Queues {@code task} to run only after the scheduler has polled its driver (tokio's deferred
   * wake, used by {@code yieldNow}). Called by the task's runner right after a poll that yielded;
   * the task is still RUNNING (see {@link TaskCore#yieldFromOwnPoll}), and the queue must publish
   * the runner's writes to whichever thread takes it (release/acquire), as for any queued task.
   *
   * @param task a task that yielded in the poll that just ended
   */
  void defer(TaskCore<?> task);

  /**
   * Called when a task fails, with the runtime's unhandled-exception policy in mind.
   *
   * @param task the task
   * @param failure what it threw
   */
  void onTaskFailure(TaskCore<?> task, Throwable failure);

  /**
   * Called once a task has completed, failed or been cancelled (for the alive-task count).
   *
   * @param task the task
   */
  void onTaskTerminated(TaskCore<?> task);

  /**
   * {@return whether the calling thread is, right now, inside {@code task}'s poll on behalf of this
   * scheduler} {@link TaskCore#yieldFromOwnPoll} asks before it keeps the task RUNNING across a
   * yield: a waker (or a context) used from another thread, or outside the poll, must wake the task
   * instead. The default, false, makes every yield an ordinary wake.
   *
   * @param task a task of this scheduler
   */
  default boolean isPolling(TaskCore<?> task) {
    return false;
  }

  /**
   * Called by the runner, before it releases the task, when the task's poll ends pending for the
   * first time: the task joins the runtime's alive-task list only then (a task that completes in
   * its first poll never does, and costs no list update). Tasks not yet polled are in a run queue
   * and are reached there at shutdown.
   *
   * @param task the task, still marked running
   */
  default void onFirstPending(TaskCore<?> task) {}

  /** Called when a task's poll ended pending with its coop budget spent (a forced yield). */
  default void onForcedYield() {}
}
