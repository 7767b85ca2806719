package io.kyoto.runtime;

/** What the runtime does when a task fails with an exception (tokio's {@code UnhandledPanic}). */
public enum UnhandledExceptionPolicy {
  /**
   * The failure goes to the task's {@link JoinHandle}; other tasks go on. The default. A failure
   * that no joiner ever takes is logged (WARNING, logger {@code io.kyoto.runtime}, with its stack
   * trace) once the handle is garbage, so that a fire-and-forget task does not fail without a
   * trace. Release what a task owns on failure too: a task that serves a channel (an actor) scopes
   * its receiver with {@link Futures#using}, so that its failure closes the channel and the
   * senders' next sends fail instead of waiting for good.
   */
  IGNORE,

  /** The runtime shuts down: every task is cancelled and later {@code blockOn} calls fail. */
  SHUTDOWN_RUNTIME
}
