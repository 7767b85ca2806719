package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.task.TaskCore;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * tokio's current-thread scheduler: tasks run only on a thread inside {@code blockOn}.
 *
 * <p>Two FIFO queues: {@link #local}, touched only by the thread holding {@link #coreLock} (the
 * "owner"), receives wakes made on that thread; {@link #global} receives wakes from other threads,
 * which also unpark the owner. The owner takes from the local queue first, but from the global
 * queue first every {@code globalQueueInterval} (31) ticks, and turns the driver (I/O and timers)
 * every {@code eventInterval} (61) polls or when idle. Tasks deferred by {@code yieldNow} wait in
 * {@link #deferred} until the driver has been turned. There is no LIFO slot.
 *
 * <p>Concurrent {@code blockOn} calls on the same runtime take turns: the second waits for the
 * first to return (tokio hands the core over while both wait; a documented difference).
 */
final class CurrentThreadScheduler extends SchedulerBase {
  private final ArrayDeque<TaskCore<?>> local = new ArrayDeque<>();
  private final ArrayDeque<TaskCore<?>> deferred = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<TaskCore<?>> global = new ConcurrentLinkedQueue<>();
  private final ReentrantLock coreLock = new ReentrantLock();
  private final java.util.Set<Thread> waiting =
      java.util.concurrent.ConcurrentHashMap.newKeySet(); // blockOn threads waiting for the core
  private final Parker parker;
  private final int eventInterval;
  private final int globalInterval;
  private volatile Thread owner;
  // A countdown, not `tick % interval`: no 64-bit division per poll.
  private int globalCountdown;
  private long polls;
  private final PollSlot slot = new PollSlot();

  /** What the detector names when the future given to {@code blockOn} is the one stuck. */
  private static final Object BLOCK_ON =
      new Object() {
        @Override
        public String toString() {
          return "the future given to blockOn";
        }
      };

  private long busyNanos;

  CurrentThreadScheduler(RuntimeCore core) {
    super(core);
    this.parker = new Parker(core.driver(), true); // only blockOn callers turn it
    this.eventInterval = core.config().eventInterval();
    int g = core.config().globalQueueInterval();
    this.globalInterval = g > 0 ? g : 31;
    this.globalCountdown = globalInterval;
  }

  @Override
  void start() {}

  @Override
  public void schedule(TaskCore<?> task) {
    if (Thread.currentThread() == owner) {
      local.addLast(task);
    } else {
      global.add(task);
      parker.unpark();
      queuedLate(); // after shutdown, nothing else will run it
    }
  }

  @Override
  public void defer(TaskCore<?> task) {
    if (Thread.currentThread() == owner) {
      deferred.addLast(task);
    } else {
      schedule(task);
    }
  }

  @Override
  void unparkOne() {
    parker.unpark();
  }

  private TaskCore<?> next() {
    TaskCore<?> t;
    if (--globalCountdown <= 0) {
      globalCountdown = globalInterval;
      t = global.poll();
      return t != null ? t : local.pollFirst();
    }
    t = local.pollFirst();
    return t != null ? t : global.poll();
  }

  /** Wakes the thread in {@code blockOn} when its own future is woken. */
  private static final class MainWaker implements Waker {
    final AtomicBoolean woken = new AtomicBoolean(true);
    final Parker parker;

    MainWaker(Parker parker) {
      this.parker = parker;
    }

    @Override
    public void wake() {
      if (!woken.getAndSet(true)) {
        parker.unpark();
      }
    }
  }

  /**
   * Waits for the core while polling {@code future} on the calling thread, as tokio's
   * current-thread {@code block_on} does when another thread is driving: the future still makes
   * progress (it may be the one that lets the driving thread's future finish), and the thread takes
   * the core as soon as it is free.
   *
   * @return the future's value, or null once this thread holds {@link #coreLock} (the value is then
   *     still to come: {@code done[0]} tells which)
   */
  private <T> T pollUntilCoreFree(Future<T> future, boolean[] done) throws Exception {
    Thread me = Thread.currentThread();
    RuntimeCore previous = CurrentRuntime.enter(core);
    CurrentRuntime.setDriving(true);
    waiting.add(me); // before tryLock: a releasing thread that misses us in the set left the lock
    try {
      AtomicBoolean woken = new AtomicBoolean(true);
      Context cx =
          new Context(
              () -> {
                if (!woken.getAndSet(true)) {
                  LockSupport.unpark(me);
                }
              });
      while (!coreLock.tryLock()) {
        if (core.isShutdown()) {
          future.cancel();
          throw core.shutdownException("the runtime was shut down while blockOn was waiting");
        }
        checkInterrupted(future);
        if (woken.getAndSet(false)) {
          cx.setBudget(Context.INITIAL_BUDGET);
          Poll<T> p = pollOrDrop(future, cx);
          if (p.isReady()) {
            done[0] = true;
            return p.value();
          }
          continue;
        }
        LockSupport.park(this);
      }
      return null;
    } finally {
      waiting.remove(me);
      CurrentRuntime.setDriving(false);
      CurrentRuntime.restore(previous);
    }
  }

  @Override
  <T> T blockOn(Future<T> future) throws Exception {
    checkNotNested();
    if (!coreLock.tryLock()) {
      boolean[] done = {false};
      T value = pollUntilCoreFree(future, done);
      if (done[0]) {
        return value;
      }
    }
    try {
      return driveUntilReady(future);
    } finally {
      for (Thread t : waiting) {
        LockSupport.unpark(t); // the core is free: a waiting blockOn may take it
      }
    }
  }

  /**
   * Runs the scheduler on this thread, which holds {@link #coreLock}, until {@code future} is
   * ready.
   */
  private <T> T driveUntilReady(Future<T> future) throws Exception {
    Thread me = Thread.currentThread();
    TaskCounts counts = core.openCounts(); // the tasks it spawns and runs to the end
    RuntimeCore previous = CurrentRuntime.enter(core, counts);
    CurrentRuntime.setDriving(true);
    owner = me;
    threadActive();
    try {
      MainWaker main = new MainWaker(parker);
      Context cx = new Context(main);
      while (true) {
        if (core.isShutdown()) {
          future.cancel();
          throw core.shutdownException("the runtime was shut down while blockOn was waiting");
        }
        checkInterrupted(future);
        if (main.woken.getAndSet(false)) {
          cx.setBudget(Context.INITIAL_BUDGET);
          // This thread is the runtime's: a blockOn future that blocks stops every task, so the
          // detector watches its polls as it watches the tasks'.
          if (slot.thread != me) {
            slot.thread = me; // a volatile store: only when another thread drove last
          }
          slot.enter(BLOCK_ON);
          Poll<T> p;
          try {
            p = pollOrDrop(future, cx);
          } finally {
            slot.exit();
          }
          if (p.isReady()) {
            return p.value();
          }
        }
        boolean ran = runBatch();
        boolean idle = !ran && local.isEmpty() && global.isEmpty() && !main.woken.get();
        if (idle) {
          boolean hasDeferred = !deferred.isEmpty();
          threadIdle();
          parker.park(hasDeferred ? 0 : -1, !hasDeferred && core.blockingInFlight() == 0);
          threadActive();
        } else {
          parker.park(0, false); // every eventInterval polls, turn the driver
        }
        TaskCore<?> d;
        while ((d = deferred.pollFirst()) != null) {
          local.addLast(d);
        }
      }
    } finally {
      threadIdle();
      owner = null;
      CurrentRuntime.setDriving(false);
      CurrentRuntime.restore(previous);
      core.closeCounts(counts);
      coreLock.unlock();
    }
  }

  @Override
  public boolean isPolling(TaskCore<?> task) {
    // The slot is written by the thread that runs the batch, so this thread sees its own writes.
    return slot.current() == task && slot.thread == Thread.currentThread();
  }

  /** Runs up to {@code eventInterval} tasks; returns whether any ran. */
  private boolean runBatch() {
    boolean ran = false;
    long start = System.nanoTime(); // one clock read per batch, not per poll
    slot.thread = Thread.currentThread();
    for (int i = 0; i < eventInterval; i++) {
      TaskCore<?> t = next();
      if (t == null) {
        break;
      }
      ran = true;
      slot.enter(t);
      t.run(Context.INITIAL_BUDGET);
      slot.exit();
      polls++;
      // As tokio: a woken main future waits for the batch; breaking out at once would let a main
      // future that keeps waking itself (budget) starve the tasks.
      if (core.isShutdown()) {
        break;
      }
    }
    if (ran) {
      busyNanos += System.nanoTime() - start;
    }
    return ran;
  }

  @Override
  void beginShutdown() {
    parker.unpark();
    for (Thread t : waiting) {
      LockSupport.unpark(t);
    }
  }

  @Override
  void awaitWorkers(long timeoutNanos) {
    // The only "worker" is a thread in blockOn; it sees the shutdown flag and returns.
    coreLock.lock();
    coreLock.unlock();
  }

  @Override
  Queue<TaskCore<?>> lateQueue() {
    return global;
  }

  @Override
  void cancelQueuedTasks() {
    coreLock.lock();
    Thread me = Thread.currentThread();
    owner = me;
    try {
      while (true) {
        TaskCore<?> t = local.pollFirst();
        if (t == null) {
          t = deferred.pollFirst();
        }
        if (t == null) {
          t = global.poll();
        }
        if (t == null) {
          return;
        }
        t.cancelQueued();
      }
    } finally {
      owner = null;
      coreLock.unlock();
    }
  }

  @Override
  PollSlot[] pollSlots() {
    return new PollSlot[] {slot};
  }

  @Override
  SchedulerMetrics metrics() {
    return new SchedulerMetrics(
        1,
        global.size(),
        new long[] {polls},
        new long[] {parker.parkCount()},
        new long[] {0},
        new long[] {0},
        new long[] {busyNanos});
  }
}
