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
public sealed interface JoinHandle<T> extends Future<T> permits TaskCore {
  // The task is its own handle: a spawn allocates one object, not a task and a wrapper (tokio's
  // JoinHandle is a pointer to the task too). TaskCore is this interface's only implementation.

  @Override
  default Poll<T> poll(Context cx) throws JoinException {
    TaskCore<T> task = (TaskCore<T>) this;
    try {
      return task.pollJoin(cx);
    } catch (TaskCore.TaskFailure f) {
      throw new JoinException(task.id(), f.getCause());
    }
  }

  /** Stops waiting for the task; the task itself keeps running (use {@link #abort()} for that). */
  @Override
  default void cancel() {
    ((TaskCore<T>) this).clearJoinWaker();
  }

  /**
   * Requests cancellation of the task at its next suspension point. Idempotent; returns at once. If
   * the task completes before it reaches a suspension point, joining still yields its value.
   */
  void abort();

  /** {@return whether the task has completed, failed or been cancelled} */
  boolean isFinished();

  /** {@return a handle that can abort the task without owning its result} */
  default AbortHandle abortHandle() {
    return new AbortHandle((TaskCore<T>) this);
  }

  /** {@return the task's id, unique in this JVM} */
  long id();
}
