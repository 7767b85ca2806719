package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One tracked unit of work of a {@link TaskTracker}, counted until {@link #close()} (tokio-util's
 * {@code TaskTrackerToken}).
 *
 * <p><b>Thread safety:</b> thread safe; the count drops exactly once however often it is closed.
 */
public final class TaskTrackerToken implements AutoCloseable {
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED =
          MethodHandles.lookup().findVarHandle(TaskTrackerToken.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final TaskTracker tracker;
  private volatile boolean closed;

  TaskTrackerToken(TaskTracker tracker) {
    this.tracker = tracker;
  }

  /** {@return the tracker this token counts in} */
  public TaskTracker tracker() {
    return tracker;
  }

  /** Stops counting this token; later calls do nothing. */
  @Override
  public void close() {
    if (CLOSED.compareAndSet(this, false, true)) {
      tracker.untrack();
    }
  }
}
