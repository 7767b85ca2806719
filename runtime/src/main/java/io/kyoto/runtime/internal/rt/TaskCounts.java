package io.kyoto.runtime.internal.rt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's share of the runtime's spawned and terminated task counts. Its worker thread is the
 * only writer, with plain increments published by release stores (no locked instruction, no shared
 * cache line: a {@code LongAdder} shared by every thread cost a spawn more than its queue push);
 * {@link RuntimeCore} adds the shares of all workers to the counts of other threads.
 *
 * <p>A reader that loads a worker's terminated count with acquire also sees the spawn of every task
 * it counts (the task reached that worker through a queue, after its spawn was counted), so the
 * runtime's alive count (terminated read first) is never negative.
 */
final class TaskCounts {
  private static final VarHandle SPAWNED;
  private static final VarHandle TERMINATED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SPAWNED = lookup.findVarHandle(TaskCounts.class, "spawned", long.class);
      TERMINATED = lookup.findVarHandle(TaskCounts.class, "terminated", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private long spawned; // via SPAWNED: written by the owning worker only
  private long terminated; // via TERMINATED: written by the owning worker only

  /** On the owning worker: one more task spawned. */
  void spawned() {
    SPAWNED.setRelease(this, spawned + 1);
  }

  /** On the owning worker: one more task terminated. */
  void terminated() {
    TERMINATED.setRelease(this, terminated + 1);
  }

  /** {@return the spawned count, from any thread} */
  long spawnedCount() {
    return (long) SPAWNED.getAcquire(this);
  }

  /** {@return the terminated count, from any thread} */
  long terminatedCount() {
    return (long) TERMINATED.getAcquire(this);
  }
}
