package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.TaskCore;

/**
 * The future of a spawned task's result, as tokio's {@code JoinHandle}.
 *
 * <p>The task runs whether or not the handle is polled; forgetting the handle detaches the task.
 * Polling it yields the task's value, or fails with a {@link JoinException} whose cause is the
 * task's own exception (or a {@link java.util.concurrent.CancellationException} after {@link
 * #abort()}).
 *
 * <p><b>Cancel safety:</b> cancel safe. {@link #cancel()} (what {@code select} does to a losing
 * branch) only stops waiting: the task keeps running and can be joined again.
 *
 * <p><b>Thread safety:</b> {@link #abort()}, {@link #isFinished()} and {@link #abortHandle()} may
 * be called from any thread; polling belongs to one task.
 *
 * @param <T> the task's value type
 */
public final class JoinHandle<T> implements Future<T> {
  private final TaskCore<T> task;

  JoinHandle(TaskCore<T> task) {
    this.task = task;
  }

  @Override
  public Poll<T> poll(Context cx) throws JoinException {
    try {
      return task.pollJoin(cx);
    } catch (TaskCore.TaskFailure f) {
      throw new JoinException(task.id(), f.getCause());
    }
  }

  /** Stops waiting for the task; the task itself keeps running (use {@link #abort()} for that). */
  @Override
  public void cancel() {
    task.clearJoinWaker();
  }

  /**
   * Requests cancellation of the task at its next suspension point. Idempotent; returns at once. If
   * the task completes before it reaches a suspension point, joining still yields its value.
   */
  public void abort() {
    task.abort();
  }

  /** {@return whether the task has completed, failed or been cancelled} */
  public boolean isFinished() {
    return task.isComplete();
  }

  /** {@return a handle that can abort the task without owning its result} */
  public AbortHandle abortHandle() {
    return new AbortHandle(task);
  }

  /** {@return the task's id, unique in this JVM} */
  public long id() {
    return task.id();
  }

  @Override
  public String toString() {
    // e.g. JoinHandle{Task{id=7}}: the task's own future is in the task dump under that id.
    return "JoinHandle{" + task + "}";
  }
}
