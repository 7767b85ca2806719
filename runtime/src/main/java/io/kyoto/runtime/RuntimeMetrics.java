package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.RuntimeCore;
import io.kyoto.runtime.internal.rt.SchedulerMetrics;
import java.time.Duration;

/**
 * A snapshot of a runtime's counters: stable API, as tokio's {@code RuntimeMetrics} plus the
 * per-worker counts tokio keeps unstable. Counters are read without stopping the runtime, so values
 * of different workers may be a few operations apart.
 */
public final class RuntimeMetrics {
  private final RuntimeCore core;
  private final SchedulerMetrics s;

  RuntimeMetrics(RuntimeCore core) {
    this.core = core;
    this.s = core.metrics();
  }

  /** {@return the number of worker threads (1 for current-thread)} */
  public int numWorkers() {
    return s.workers();
  }

  /** {@return the number of tasks spawned and not yet finished} */
  public int numAliveTasks() {
    return core.aliveTasks();
  }

  /** {@return the number of tasks spawned since the runtime started} */
  public long spawnedTasksCount() {
    return core.spawnedTasks();
  }

  /** {@return the number of tasks waiting in the shared (inject) queue} */
  public int globalQueueDepth() {
    return s.globalQueueDepth();
  }

  /** {@return the number of threads in the blocking pool} */
  public int numBlockingThreads() {
    return core.blockingThreads();
  }

  /**
   * {@return the number of task polls by worker {@code worker}}
   *
   * @param worker the worker's index
   */
  public long workerPollCount(int worker) {
    return s.polls()[worker];
  }

  /**
   * {@return how many times worker {@code worker} parked}
   *
   * @param worker the worker's index
   */
  public long workerParkCount(int worker) {
    return s.parks()[worker];
  }

  /**
   * {@return how many tasks worker {@code worker} stole from others}
   *
   * @param worker the worker's index
   */
  public long workerStealCount(int worker) {
    return s.steals()[worker];
  }

  /**
   * {@return how many times worker {@code worker}'s local queue overflowed into the inject queue}
   *
   * @param worker the worker's index
   */
  public long workerOverflowCount(int worker) {
    return s.overflows()[worker];
  }

  /**
   * {@return the time worker {@code worker} spent polling tasks}
   *
   * @param worker the worker's index
   */
  public Duration workerTotalBusyDuration(int worker) {
    return Duration.ofNanos(s.busyNanos()[worker]);
  }

  /**
   * {@return how many task polls the blocking-poll detector reported} Each is one poll that kept a
   * runtime thread longer than {@code Runtime.Builder.blockingPollThreshold}.
   */
  public long blockingPollCount() {
    return core.blockingPollCount();
  }

  /**
   * {@return how many task polls ended with the whole coop budget spent} These are the yields that
   * the budget forced on tasks that always found their resources ready.
   */
  public long budgetForcedYieldCount() {
    return core.forcedYieldCount();
  }
}
