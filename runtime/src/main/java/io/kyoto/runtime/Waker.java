package io.kyoto.runtime;

/**
 * Wakes a task so that its scheduler polls it again.
 *
 * <p>A future that returns {@link Poll#pending()} must first arrange for {@link Context#waker()}
 * (the waker of the <em>latest</em> poll) to be woken when it can make progress; otherwise the task
 * is never polled again. Waking is idempotent until the task runs, cheap, and allowed from any
 * thread; waking a finished task does nothing.
 *
 * <p><b>Thread safety:</b> implementations are thread safe.
 */
@FunctionalInterface
public interface Waker {
  /** Schedules the task to be polled again. */
  void wake();

  /** {@return a waker that does nothing, for polling futures outside a task (tests, tools)} */
  static Waker noop() {
    return NoopWaker.INSTANCE;
  }
}
