package io.kyoto.runtime.internal.rt;

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
      CURRENT = l.findVarHandle(PollSlot.class, "current", Object.class);
      POLLS = l.findVarHandle(PollSlot.class, "polls", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  volatile Thread thread; // the thread polling through this slot, set when it starts

  @SuppressWarnings("unused") // accessed through CURRENT
  private Object current; // a TaskCore, or what a current-thread blockOn is polling

  @SuppressWarnings("unused") // accessed through POLLS
  private long polls;

  /**
   * Marks the start of a poll of {@code task} (a {@link TaskCore}, or a {@code blockOn} future's
   * stand-in, whose {@code toString} names it in reports). Owner thread only.
   */
  void enter(Object task) {
    POLLS.setOpaque(this, (long) POLLS.getOpaque(this) + 1);
    CURRENT.setOpaque(this, task);
  }

  /** Marks the end of the poll. Owner thread only. */
  void exit() {
    CURRENT.setOpaque(this, (Object) null);
  }

  Object current() {
    return CURRENT.getOpaque(this);
  }

  long polls() {
    return (long) POLLS.getOpaque(this);
  }
}
