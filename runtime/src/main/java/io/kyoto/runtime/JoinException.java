package io.kyoto.runtime;

import java.util.concurrent.CancellationException;

/**
 * Why joining a task failed: the task threw (its exception is the {@linkplain #getCause() cause},
 * unchanged), or it was {@linkplain #isCancelled() aborted}. As tokio's {@code JoinError}.
 */
public final class JoinException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long taskId;

  JoinException(long taskId, Throwable cause) {
    super(
        cause instanceof CancellationException
            ? "task " + taskId + " was cancelled"
            : "task " + taskId + " failed: " + cause,
        cause);
    this.taskId = taskId;
  }

  /** {@return whether the task was aborted rather than failing} */
  public boolean isCancelled() {
    return getCause() instanceof CancellationException;
  }

  /** {@return whether the task failed with an exception of its own} */
  public boolean isFailure() {
    return !isCancelled();
  }

  /** {@return the id of the task} */
  public long taskId() {
    return taskId;
  }
}
