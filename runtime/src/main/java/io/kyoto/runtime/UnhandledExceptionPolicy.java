package io.kyoto.runtime;

/** What the runtime does when a task fails with an exception (tokio's {@code UnhandledPanic}). */
public enum UnhandledExceptionPolicy {
  /** The failure goes to the task's {@link JoinHandle}; other tasks go on. The default. */
  IGNORE,

  /** The runtime shuts down: every task is cancelled and later {@code blockOn} calls fail. */
  SHUTDOWN_RUNTIME
}
