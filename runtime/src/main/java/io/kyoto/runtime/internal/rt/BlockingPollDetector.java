package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.internal.task.TaskCore;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Logs any single task poll that keeps a runtime thread longer than a threshold: the most common
 * bug in async code (a blocking call, a long computation) made visible.
 *
 * <p>One daemon thread samples every {@link PollSlot} once per threshold. A slot showing the same
 * task and the same poll count in two consecutive samples has been inside one poll for at least the
 * threshold (and at most twice it): the detector logs a warning with the thread's current stack
 * (where the poll is stuck) once per poll, and counts it in the runtime metrics. The hot path pays
 * two opaque stores per poll.
 */
final class BlockingPollDetector implements Runnable {
  private static final System.Logger LOG = System.getLogger("io.kyoto.runtime");

  private final PollSlot[] slots;
  private final long thresholdNanos;
  private final LongAdder reports;
  private final Thread thread;
  private volatile boolean stopped;

  BlockingPollDetector(String name, PollSlot[] slots, long thresholdNanos, LongAdder reports) {
    this.slots = slots;
    this.thresholdNanos = thresholdNanos;
    this.reports = reports;
    this.thread =
        Thread.ofPlatform().daemon().name(name + "-blocking-poll-detector").unstarted(this);
  }

  void start() {
    thread.start();
  }

  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
  }

  @Override
  public void run() {
    int n = slots.length;
    TaskCore<?>[] lastTask = new TaskCore<?>[n];
    long[] lastPolls = new long[n];
    long[] reported = new long[n];
    while (!stopped) {
      LockSupport.parkNanos(this, thresholdNanos);
      for (int i = 0; i < n && !stopped; i++) {
        PollSlot slot = slots[i];
        TaskCore<?> task = slot.current();
        long polls = slot.polls();
        if (task != null && task == lastTask[i] && polls == lastPolls[i] && reported[i] != polls) {
          reported[i] = polls;
          report(slot, task);
        }
        lastTask[i] = task;
        lastPolls[i] = polls;
      }
    }
  }

  private void report(PollSlot slot, TaskCore<?> task) {
    reports.increment();
    Thread t = slot.thread;
    if (t == null || !LOG.isLoggable(System.Logger.Level.WARNING)) {
      return;
    }
    Throwable where = new Throwable("stack of " + t.getName() + " while polling " + task);
    where.setStackTrace(t.getStackTrace());
    LOG.log(
        System.Logger.Level.WARNING,
        "A task poll has blocked runtime thread "
            + t.getName()
            + " for more than "
            + thresholdNanos / 1_000_000
            + " ms ("
            + task
            + "). Blocking calls belong in Task.spawnBlocking; long computations should yield"
            + " (Task.yieldNow) between steps.",
        where);
  }
}
