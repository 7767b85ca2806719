package io.kyoto.runtime;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The failure of {@link Time#timeoutWithDump}: a {@link TimeoutException} whose message says what
 * timed out, describes the future that was still pending, and dumps the runtime's alive tasks
 * ({@link Handle#dumpTasks()}), all taken at the moment the deadline fired and before the future
 * was cancelled. {@code @AsyncTest} methods with a timeout fail with it.
 *
 * <p>Example message:
 *
 * <pre>
 * &#64;AsyncTest Spec.hangs() timed out after 5000 ms
 *   pending: Mpsc.recv[waiting for a message, senders=1, len=0]
 *   alive tasks (1):
 *     task 42 [idle] Sleep{deadline in 3599000ms}
 * </pre>
 *
 * <p>A last line {@code not listed (queued for a first poll, or still in it): <n>} follows when
 * alive tasks could not be listed ({@link #unlistedTasks()}).
 */
public final class TimeoutWithDumpException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final String pending;
  private final transient List<TaskDump> tasks;
  private final int unlisted;

  TimeoutWithDumpException(
      String what, long millis, String pending, List<TaskDump> tasks, int unlisted) {
    super(message(what, millis, pending, tasks, unlisted));
    this.what = what;
    this.pending = pending;
    this.tasks = List.copyOf(tasks);
    this.unlisted = unlisted;
  }

  private static String message(
      String what, long millis, String pending, List<TaskDump> tasks, int unlisted) {
    StringBuilder sb = new StringBuilder();
    sb.append(what).append(" timed out after ").append(millis).append(" ms");
    sb.append("\n  pending: ").append(pending);
    sb.append("\n  alive tasks (").append(tasks.size()).append(')');
    sb.append(tasks.isEmpty() ? ": none" : ":");
    int shown = 0;
    for (TaskDump t : tasks) {
      if (shown == 50) {
        sb.append("\n    ... and ").append(tasks.size() - shown).append(" more");
        break;
      }
      sb.append("\n    ").append(t);
      shown++;
    }
    if (unlisted > 0) {
      // Alive but never pending: queued for a worker that never came (often one a blocking poll
      // holds), or that very poll.
      sb.append("\n  not listed (queued for a first poll, or still in it): ").append(unlisted);
    }
    return sb.toString();
  }

  /** {@return what timed out, as given to {@link Time#timeoutWithDump}} */
  public String what() {
    return what;
  }

  /** {@return the description of the future that was still pending} */
  public String pending() {
    return pending;
  }

  /**
   * {@return how many alive tasks the dump could not list when the deadline fired} A dump lists a
   * task from its first poll that returns pending, so these were queued for their first poll, or in
   * it: in a hung test, usually tasks stuck behind a worker that a blocking poll holds, and that
   * poll itself (the blocking-poll detector's log names it). A best-effort count: the alive tasks
   * minus the listed ones, read one after the other.
   */
  public int unlistedTasks() {
    return unlisted;
  }

  /**
   * {@return the task dump taken when the deadline fired (empty after deserialization)} The thread
   * that ran the timed-out future is not in it: its future is {@link #pending()}.
   */
  public List<TaskDump> tasks() {
    return tasks == null ? List.of() : tasks;
  }
}
