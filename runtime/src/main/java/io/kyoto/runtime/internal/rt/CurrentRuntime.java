package io.kyoto.runtime.internal.rt;

/**
 * The runtime the current thread belongs to: set on worker and blocking-pool threads for their
 * whole life, and around {@code blockOn} on the calling thread.
 */
public final class CurrentRuntime {
  private static final ThreadLocal<RuntimeCore> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> DRIVING = new ThreadLocal<>();

  /**
   * The runtime of the thread that entered one last (typically the one thread in {@code blockOn}),
   * so that its {@code Task.spawn} calls skip the thread-local lookup, which costs more than the
   * rest of a spawn. Each entry is immutable and names its thread; only that thread writes entries
   * naming it, on every enter and restore, so an entry a thread finds for itself is its latest
   * (other threads' writes replace it with their own, which it ignores).
   */
  private static volatile Entry last;

  private record Entry(Thread thread, RuntimeCore core, TaskCounts counts) {}

  private CurrentRuntime() {}

  /** {@return the current runtime, or null outside one} */
  public static RuntimeCore get() {
    if (Thread.currentThread() instanceof WorkerThread wt && wt.core != null) {
      return wt.core; // a worker's runtime never changes while it runs
    }
    Entry e = last;
    if (e != null && e.thread == Thread.currentThread()) {
      return e.core;
    }
    return CURRENT.get();
  }

  /**
   * Makes {@code core} current; returns the previous one for {@link #restore}.
   *
   * @param core the runtime to enter
   * @return the runtime that was current before
   */
  public static RuntimeCore enter(RuntimeCore core) {
    return enter(core, null);
  }

  /**
   * Makes {@code core} current, with task counts of this thread's own (a thread in {@code blockOn}:
   * {@link RuntimeCore#openCounts}); returns the previous runtime for {@link #restore}.
   *
   * @param core the runtime to enter
   * @param counts where this thread counts its spawns, or null
   * @return the runtime that was current before
   */
  static RuntimeCore enter(RuntimeCore core, TaskCounts counts) {
    RuntimeCore previous = CURRENT.get();
    CURRENT.set(core);
    last = new Entry(Thread.currentThread(), core, counts);
    if (core != null && core.config().rngSeed() != null) {
      FastRand.current().reseed(core.nextRngSeed());
    }
    if (Thread.currentThread() instanceof WorkerThread wt) {
      wt.core = core;
    }
    return previous;
  }

  /**
   * Restores the runtime returned by {@link #enter}.
   *
   * @param previous the runtime to make current again, or null
   */
  public static void restore(RuntimeCore previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
    // null rather than an entry with no runtime: a static must not keep a finished thread alive.
    last = previous == null ? null : new Entry(Thread.currentThread(), previous, null);
    if (Thread.currentThread() instanceof WorkerThread wt) {
      wt.core = previous;
    }
  }

  /**
   * {@return the task counts this thread entered {@code core} with, or null} Only while this thread
   * is the last to have entered a runtime: others fall back to the runtime's shared counters.
   *
   * @param core the runtime
   */
  static TaskCounts ownCounts(RuntimeCore core) {
    Entry e = last;
    return e != null && e.thread == Thread.currentThread() && e.core == core ? e.counts : null;
  }

  /** {@return whether this thread is running tasks or a {@code blockOn} right now} */
  public static boolean isDriving() {
    return DRIVING.get() != null;
  }

  /**
   * Marks this thread as running tasks (worker loop, {@code blockOn}), where blocking on another
   * future is refused.
   *
   * @param driving the new mark
   */
  static void setDriving(boolean driving) {
    if (driving) {
      DRIVING.set(Boolean.TRUE);
    } else {
      DRIVING.remove();
    }
  }
}
