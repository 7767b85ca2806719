package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.TaskCore;

/**
 * Aborts a task without owning its result. A task has one {@link JoinHandle} and any number of
 * abort handles.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class AbortHandle {
  private final TaskCore<?> task;

  AbortHandle(TaskCore<?> task) {
    this.task = task;
  }

  /**
   * Requests cancellation of the task at its next suspension point. Idempotent; returns at once. A
   * task that completes before reaching a suspension point keeps its result.
   */
  public void abort() {
    task.abort();
  }

  /** {@return whether the task has completed, failed or been cancelled} */
  public boolean isFinished() {
    return task.isComplete();
  }

  /** {@return the task's id} */
  public long id() {
    return task.id();
  }
}
