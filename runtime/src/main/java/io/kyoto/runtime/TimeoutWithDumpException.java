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
 */
public final class TimeoutWithDumpException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final String pending;
  private final transient List<TaskDump> tasks;

  TimeoutWithDumpException(String what, long millis, String pending, List<TaskDump> tasks) {
    super(message(what, millis, pending, tasks));
    this.what = what;
    this.pending = pending;
    this.tasks = List.copyOf(tasks);
  }

  private static String message(String what, long millis, String pending, List<TaskDump> tasks) {
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
   * {@return the task dump taken when the deadline fired (empty after deserialization)} The thread
   * that ran the timed-out future is not in it: its future is {@link #pending()}.
   */
  public List<TaskDump> tasks() {
    return tasks == null ? List.of() : tasks;
  }
}
