package io.kyoto.runtime.internal.rt;

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
 *
 * <p>An idle runtime must cost no CPU, so the detector goes dormant (parks without a timeout) when
 * no runtime thread is active. Runtime threads count themselves in {@link #active} when they wake
 * from an idle park and out when they park; the detector sets {@link #dormant}, then re-reads
 * {@code active}; a waking thread increments {@code active}, then reads {@code dormant}. Both are
 * volatile, so one side always sees the other (Dekker): either the detector stays awake or the
 * thread wakes it.
 */
final class BlockingPollDetector implements Runnable {
  /** Looked up on first report: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.runtime");

    private Log() {}
  }

  private final PollSlot[] slots;
  private final long thresholdNanos;
  private final LongAdder reports;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile boolean dormant;
  private final java.util.concurrent.atomic.AtomicInteger active =
      new java.util.concurrent.atomic.AtomicInteger();

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

  /** A runtime thread became active (left an idle park, or entered {@code blockOn}). */
  void threadActive() {
    active.incrementAndGet();
    if (dormant) {
      dormant = false;
      LockSupport.unpark(thread);
    }
  }

  /** A runtime thread is about to park idle (or left {@code blockOn}). */
  void threadIdle() {
    active.decrementAndGet();
  }

  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
  }

  @Override
  public void run() {
    int n = slots.length;
    Object[] lastTask = new Object[n];
    long[] lastPolls = new long[n];
    long[] reported = new long[n];
    while (!stopped) {
      if (active.get() <= 0) {
        dormant = true;
        if (active.get() <= 0 && !stopped) {
          LockSupport.park(this); // until a runtime thread wakes up (or a spurious return)
        }
        dormant = false;
        continue;
      }
      LockSupport.parkNanos(this, thresholdNanos);
      for (int i = 0; i < n && !stopped; i++) {
        PollSlot slot = slots[i];
        Object task = slot.current();
        long polls = slot.polls();
        if (task != null && task == lastTask[i] && polls == lastPolls[i] && reported[i] != polls) {
          reported[i] = polls;
          report(slot, task, polls);
        }
        lastTask[i] = task;
        lastPolls[i] = polls;
      }
    }
  }

  private void report(PollSlot slot, Object task, long polls) {
    reports.increment();
    Thread t = slot.thread;
    if (t == null || !Log.LOG.isLoggable(System.Logger.Level.WARNING)) {
      return;
    }
    StackTraceElement[] stack = t.getStackTrace();
    if (slot.current() != task || slot.polls() != polls) {
      // The poll ended while the stack was being taken: that stack shows where the thread went
      // next, not where it was stuck. Say so rather than point at the scheduler's loop.
      Log.LOG.log(
          System.Logger.Level.WARNING,
          message(t.getName(), thresholdNanos / 1_000_000, String.valueOf(task), null));
      return;
    }
    Throwable where = new Throwable("stack of " + t.getName() + " while polling " + task);
    where.setStackTrace(stack);
    Log.LOG.log(
        System.Logger.Level.WARNING,
        message(t.getName(), thresholdNanos / 1_000_000, String.valueOf(task), stack),
        where);
  }

  /**
   * The warning's text. When the stuck thread is loading or initialising classes, the usual cause
   * is a library used for the first time on a runtime thread (a JSON mapper binding its first type,
   * a TLS stack): the message says so and how to move that cost to start-up, instead of leaving
   * users to read a class loader's stack.
   */
  static String message(
      String thread, long thresholdMillis, String task, StackTraceElement[] stack) {
    StringBuilder sb =
        new StringBuilder("A task poll has blocked runtime thread ")
            .append(thread)
            .append(" for more than ")
            .append(thresholdMillis)
            .append(" ms (")
            .append(task)
            .append(").");
    if (stack == null) {
      sb.append(
          " The poll ended before its stack could be taken, so none is shown. If no poll of yours"
              + " blocks, the thread may not have been scheduled: is the machine overloaded?");
    } else if (loadingClasses(stack)) {
      sb.append(
          " The thread is loading classes: code used for the first time (a JSON mapper's first"
              + " type, a TLS handshake) loads and initialises its classes inside the poll. Warm"
              + " it up at start-up, before serving, or in Task.spawnBlocking.");
    } else {
      sb.append(
          " Blocking calls belong in Task.spawnBlocking; long computations should yield"
              + " (Task.yieldNow) between steps.");
    }
    return sb.toString();
  }

  /** Whether a class loader or a static initialiser is on {@code stack}. */
  static boolean loadingClasses(StackTraceElement[] stack) {
    for (StackTraceElement e : stack) {
      String m = e.getMethodName();
      if (m.equals("<clinit>")
          || (e.getClassName().equals("java.lang.ClassLoader")
              && (m.equals("loadClass") || m.startsWith("defineClass")))) {
        return true;
      }
    }
    return false;
  }
}
