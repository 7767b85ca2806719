package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.internal.task.TaskCore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one runtime thread is polling right now, for the {@link BlockingPollDetector}.
 *
 * <p>Written by the owning thread around every task poll with opaque stores (no fences: the
 * detector only needs to see the values eventually, and a stale read delays a report by one sample,
 * never invents one, because it needs the same task and count in two samples a threshold apart).
 */
final class PollSlot {
  private static final VarHandle CURRENT;
  private static final VarHandle POLLS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      CURRENT = l.findVarHandle(PollSlot.class, "current", TaskCore.class);
      POLLS = l.findVarHandle(PollSlot.class, "polls", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  volatile Thread thread; // the thread polling through this slot, set when it starts

  @SuppressWarnings("unused") // accessed through CURRENT
  private TaskCore<?> current;

  @SuppressWarnings("unused") // accessed through POLLS
  private long polls;

  /** Marks the start of a poll of {@code task}. Owner thread only. */
  void enter(TaskCore<?> task) {
    POLLS.setOpaque(this, (long) POLLS.getOpaque(this) + 1);
    CURRENT.setOpaque(this, task);
  }

  /** Marks the end of the poll. Owner thread only. */
  void exit() {
    CURRENT.setOpaque(this, (TaskCore<?>) null);
  }

  TaskCore<?> current() {
    return (TaskCore<?>) CURRENT.getOpaque(this);
  }

  long polls() {
    return (long) POLLS.getOpaque(this);
  }
}
