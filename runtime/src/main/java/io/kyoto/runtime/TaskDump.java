package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.Describe;
import io.kyoto.runtime.internal.task.TaskCore;
import java.util.Objects;

/**
 * One entry of a task dump ({@link Handle#dumpTasks()}): a spawned task, or the future of a thread
 * inside {@link Runtime#blockOn}, as tokio's (unstable) {@code Handle::dump}.
 *
 * <p>A dump is a best-effort snapshot taken while the runtime runs: each task's state and future
 * are read without stopping it, so a task may move on while it is being described. The description
 * is the future's {@code toString()}, made safe (it never throws) and cut to a few hundred
 * characters; Kyoto's own futures say what they wait for (a sleep's deadline, a channel receive,
 * the inner future of a combinator).
 *
 * @param id the task's id (as {@link JoinHandle#id()}), or for {@link State#BLOCK_ON} the id of the
 *     thread inside {@code blockOn}
 * @param state what the task was doing
 * @param futureClass the class name of the task's root future, empty once it completed
 * @param future the description of the task's root future, empty once it completed
 */
public record TaskDump(long id, State state, String futureClass, String future) {
  /** What a task was doing when it was dumped. */
  public enum State {
    /** Waiting to be woken: pending on something. */
    IDLE("idle"),
    /** Woken and queued, waiting for a worker. */
    SCHEDULED("scheduled"),
    /** Being polled by a worker. */
    RUNNING("running"),
    /** Aborted; the cancellation has not run yet. */
    CANCELLING("cancelling"),
    /** Completed, failed or cancelled (a task caught just as it finished). */
    COMPLETE("complete"),
    /** Not a task: the future a thread passed to {@code blockOn}, polled by that thread. */
    BLOCK_ON("blockOn");

    private final String label;

    State(String label) {
      this.label = label;
    }

    /** {@return the lower-case name used in {@link TaskDump#toString()}} */
    public String label() {
      return label;
    }
  }

  /**
   * Checks the components.
   *
   * @param id the id
   * @param state the state
   * @param futureClass the future's class name
   * @param future the future's description
   */
  public TaskDump {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(futureClass, "futureClass");
    Objects.requireNonNull(future, "future");
  }

  /**
   * {@return a safe, bounded description of {@code future}: its {@code toString()}, or a fallback
   * when that throws, cut to a few hundred characters}
   *
   * @param future any future (or object), may be null
   */
  public static String describe(Object future) {
    return Describe.of(future);
  }

  static TaskDump of(TaskCore<?> task) {
    int s = task.state();
    Future<?> f = task.futureForDump();
    State state;
    if ((s & TaskCore.COMPLETE) != 0) {
      state = State.COMPLETE;
    } else if ((s & TaskCore.CANCELLED) != 0) {
      state = State.CANCELLING;
    } else if ((s & TaskCore.RUNNING) != 0) {
      state = task.isQueuedRunning() ? State.SCHEDULED : State.RUNNING;
    } else if ((s & TaskCore.NOTIFIED) != 0) {
      state = State.SCHEDULED;
    } else {
      state = State.IDLE;
    }
    return new TaskDump(
        task.id(), state, f == null ? "" : f.getClass().getName(), f == null ? "" : describe(f));
  }

  static TaskDump ofBlockOn(Thread thread, Future<?> future) {
    return new TaskDump(
        thread.threadId(), State.BLOCK_ON, future.getClass().getName(), describe(future));
  }

  /** {@return one line: {@code task 7 [idle] Sleep{...}}, or {@code blockOn (thread 1) ...}} */
  @Override
  public String toString() {
    String head =
        state == State.BLOCK_ON
            ? "blockOn (thread " + id + ")"
            : "task " + id + " [" + state.label + "]";
    return future.isEmpty() ? head : head + " " + future;
  }
}
