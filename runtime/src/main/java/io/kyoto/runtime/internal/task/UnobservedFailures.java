package io.kyoto.runtime.internal.task;

import java.lang.ref.Cleaner;

/**
 * Reports a task that failed when nobody ever joins it: once its handle (the task itself) is
 * garbage, if no joiner was given the failure, the failure is logged (WARNING, logger {@code
 * io.kyoto.runtime}) with its stack trace. A fire-and-forget {@code Task.spawn} whose future throws
 * would otherwise fail without a trace, as an unobserved {@code CompletableFuture} does; tokio
 * prints a task's panic. A failure that a joiner receives, however late, is the joiner's and is not
 * logged; nor is an abort.
 *
 * <p>It costs nothing for tasks that succeed: only a failure registers the task with a {@link
 * Cleaner}, whose thread ({@code kyoto-unobserved-failures}, a daemon) starts with the first
 * failure. The report comes when the collector finds the handle unreachable, so possibly much later
 * than the failure.
 */
final class UnobservedFailures {
  private UnobservedFailures() {}

  /** Tests see the ids of the tasks reported here. */
  static volatile java.util.function.LongConsumer onReport;

  /** Started with the first failure: most runtimes never need the thread. */
  private static final class Holder {
    static final Cleaner CLEANER =
        Cleaner.create(
            r -> {
              Thread t = new Thread(r, "kyoto-unobserved-failures");
              t.setDaemon(true);
              return t;
            });
    static final System.Logger LOG = System.getLogger("io.kyoto.runtime");
  }

  /**
   * Watches a task that just failed.
   *
   * @param task the task, whose collection ends the watch
   * @param failed its failure, marked observed when a joiner takes it
   * @param id the task's id, for the message
   */
  static void watch(TaskCore<?> task, TaskCore.Failed failed, long id) {
    // The action holds the failure and the id, never the task: it must become unreachable.
    Holder.CLEANER.register(
        task,
        () -> {
          if (!failed.observed) {
            var hook = onReport;
            if (hook != null) {
              hook.accept(id);
            }
            report(id, failed.error);
          }
        });
  }

  // Rate limit, on the cleaner's one thread: a bug that fails thousands of tasks logs one report
  // a second, each saying how many it stands for.
  private static long lastReport = Long.MIN_VALUE / 2;
  private static long suppressed;

  private static void report(long id, Throwable error) {
    long now = System.nanoTime();
    if (now - lastReport < 1_000_000_000L) {
      suppressed++;
      return;
    }
    lastReport = now;
    String m = message(id, error);
    if (suppressed > 0) {
      m += " (" + suppressed + " more such failures since the last report were not logged)";
      suppressed = 0;
    }
    Holder.LOG.log(System.Logger.Level.WARNING, m, error);
  }

  /**
   * {@return the report's message}
   *
   * @param id the task's id
   * @param error its failure
   */
  static String message(long id, Throwable error) {
    return "task "
        + id
        + " failed and nobody joined it (its JoinHandle was dropped): "
        + error
        + ". Join the handle, handle the failure inside the task (recover, handle), or use a"
        + " JoinSet or TaskTracker to collect it.";
  }
}
