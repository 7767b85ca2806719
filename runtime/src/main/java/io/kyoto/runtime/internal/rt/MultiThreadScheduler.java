package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.internal.sched.InjectQueue;
import io.kyoto.runtime.internal.sched.LocalQueue;
import io.kyoto.runtime.internal.sched.Overflow;
import io.kyoto.runtime.internal.task.TaskCore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * tokio's multi-thread work-stealing scheduler.
 *
 * <h2>Queues</h2>
 *
 * <p>Each {@link Worker} owns a 256-slot {@link LocalQueue} and a LIFO slot; one {@link
 * InjectQueue} is shared. A wake on a worker thread puts the task in that worker's LIFO slot (the
 * previous occupant moves to the local queue, overflowing half into the inject queue when full); a
 * wake from any other thread goes to the inject queue. A worker picks: the inject queue first every
 * {@code globalQueueInterval} ticks; else the LIFO slot (at most 3 times in a row), the local
 * queue, a batch from the inject queue; else it steals.
 *
 * <h2>Searching and parking</h2>
 *
 * <ol>
 *   <li>A worker without work becomes a searcher only while fewer than half the workers search
 *       ({@link #searching}); it steals half of a random victim's queue, then tries the inject
 *       queue.
 *   <li>A searcher that finds work stops searching; if it was the last searcher it wakes a sleeping
 *       peer, which starts out searching (so parallelism is not lost).
 *   <li>New work wakes a sleeper only when nobody is searching.
 *   <li>Tasks a worker wakes while it turns the driver notify nobody during the turn. After it, a
 *       backlog of more than {@link #NOTIFY_AT_ONCE} tasks wakes a peer at once (tokio's {@code
 *       should_notify_others}); a smaller one only if it outlasts {@link #NOTIFY_AFTER_POLLS} polls
 *       or {@link #NOTIFY_AFTER_NANOS}. This departs from tokio, which wakes a peer for any backlog
 *       of two: the few tasks one readiness batch wakes (a handful of connections with a request
 *       each) are usually done before a woken peer could steal them, and the wake-up then costs a
 *       futex call, two context switches and the tasks' cache lines. A long backlog, or a slow poll
 *       in front of it, still brings a peer within one poll.
 *   <li>A worker that finds nothing registers as a sleeper under {@link #sleepLock}, re-checks
 *       every queue, and parks; the parked worker that holds the driver blocks in the reactor and
 *       the timer wheel, so an idle runtime uses no CPU.
 * </ol>
 */
final class MultiThreadScheduler extends SchedulerBase {
  private static final int MAX_LIFO_POLLS = 3;

  /** A driver turn that leaves more tasks than this queued wakes a peer at once. */
  static final int NOTIFY_AT_ONCE = 32;

  /** A smaller backlog wakes a peer once it outlasts this many polls... */
  static final int NOTIFY_AFTER_POLLS = 8;

  /** ...or this long (checked before each poll, so a slow poll delays it by that poll). */
  static final long NOTIFY_AFTER_NANOS = 50_000;

  private static final VarHandle POLLS;

  static {
    try {
      POLLS = MethodHandles.lookup().findVarHandle(Worker.class, "polls", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Worker[] workers;
  private final InjectQueue<TaskCore<?>> inject = new InjectQueue<>();
  private final ConcurrentLinkedQueue<TaskCore<?>> lateTasks = new ConcurrentLinkedQueue<>();
  private final Overflow<TaskCore<?>> overflow;
  private final AtomicInteger searching = new AtomicInteger();
  private final Object sleepLock = new Object();
  private final ArrayDeque<Worker> sleepers = new ArrayDeque<>();
  // sleepers.size(), written under sleepLock after each change; volatile for lock-free readers.
  private volatile int sleeperCount;
  private final Set<Thread> blockedOn = ConcurrentHashMap.newKeySet();
  private final int eventInterval;
  private final int globalInterval;
  private volatile boolean shutdown;

  MultiThreadScheduler(RuntimeCore core) {
    super(core);
    int n = core.config().workerThreads();
    this.eventInterval = core.config().eventInterval();
    int g = core.config().globalQueueInterval();
    this.globalInterval = g > 0 ? g : 61;
    this.overflow = Overflow.into(inject, lateTasks::add);
    this.workers = new Worker[n];
    for (int i = 0; i < n; i++) {
      workers[i] = new Worker(i);
    }
  }

  @Override
  void start() {
    for (Worker w : workers) {
      Thread t = new WorkerThread(w::run, core.workerName(w.index));
      w.thread = t;
      t.start();
    }
  }

  private static Worker currentWorker() {
    // Workers always run on WorkerThreads: other threads need no thread-local lookup to learn
    // that they are not workers.
    return Thread.currentThread() instanceof WorkerThread wt ? (Worker) wt.worker : null;
  }

  @Override
  public void schedule(TaskCore<?> task) {
    Worker w = currentWorker();
    if (w != null && w.owner() == this && !shutdown) {
      TaskCore<?> previous = w.lifo;
      w.lifo = task;
      if (previous != null) {
        // The displaced task is stealable now: let a sleeping worker come for it. A task in the
        // LIFO slot alone is not stealable, so waking a peer for it would only cost a syscall
        // (tokio notifies only in this branch too). Not while this worker turns the driver: it
        // sits in the sleeper list then, so it would pick itself and wake its own reactor (an
        // eventfd write and a wasted poll per I/O event); it notifies once after the turn.
        w.queue.push(previous, overflow);
        if (!w.inDriver) {
          notifyParked();
        }
      }
      return;
    }
    if (!inject.push(task)) {
      lateTasks.add(task); // shut down: cancelled by cancelAll, or here once that is over
      queuedLate();
      return;
    }
    notifyParkedAfterVolatilePush();
  }

  @Override
  public boolean isPolling(TaskCore<?> task) {
    Worker w = currentWorker();
    return w != null && w.slot.current() == task; // a worker's slot is written by it alone
  }

  @Override
  public void defer(TaskCore<?> task) {
    Worker w = currentWorker();
    if (w != null && w.owner() == this) {
      w.deferred.addLast(task);
    } else {
      schedule(task);
    }
  }

  /** Wakes a sleeping worker as a searcher, unless someone is already searching. */
  private void notifyParked() {
    // Fast paths without the lock: someone is searching already, or nobody sleeps. A worker going
    // to sleep publishes itself in sleeperCount (volatile) and then re-checks the queues; the
    // caller published its task (a release store into a queue) and, after a full fence (no
    // StoreLoad reordering of that store with the read below), reads sleeperCount: one of the two
    // sees the other.
    if (searching.get() != 0) {
      return;
    }
    java.lang.invoke.VarHandle.fullFence();
    wakeSleeper();
  }

  /**
   * {@link #notifyParked} after a push into the inject queue, which publishes the task with a
   * compare-and-set on the queue's tail: a volatile write, which the volatile read of sleeperCount
   * cannot pass (volatile accesses are sequentially consistent), so the fence is not needed: one
   * locked instruction less per spawn from outside the workers.
   */
  private void notifyParkedAfterVolatilePush() {
    if (searching.get() != 0) {
      return;
    }
    wakeSleeper();
  }

  private void wakeSleeper() {
    if (sleeperCount == 0) {
      return;
    }
    Worker w;
    synchronized (sleepLock) {
      if (searching.get() != 0) {
        return;
      }
      w = sleepers.pollLast();
      if (w == null) {
        return;
      }
      sleeperCount = sleepers.size();
      searching.incrementAndGet();
      w.wokenAsSearcher = true;
    }
    w.parker.unpark();
  }

  @Override
  void unparkOne() {
    notifyParked();
  }

  @Override
  <T> T blockOn(Future<T> future) throws Exception {
    checkNotNested();
    TaskCounts counts = core.openCounts();
    RuntimeCore previous = CurrentRuntime.enter(core, counts);
    Thread me = Thread.currentThread();
    blockedOn.add(me);
    CurrentRuntime.setDriving(true);
    try {
      return pollOnThisThread(core, future);
    } finally {
      CurrentRuntime.setDriving(false);
      blockedOn.remove(me);
      CurrentRuntime.restore(previous);
      core.closeCounts(counts);
    }
  }

  @Override
  void beginShutdown() {
    shutdown = true;
    inject.close();
    for (Worker w : workers) {
      w.parker.unpark();
    }
    for (Thread t : blockedOn) {
      LockSupport.unpark(t);
    }
  }

  @Override
  void awaitWorkers(long timeoutNanos) {
    long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
    for (Worker w : workers) {
      Thread t = w.thread;
      if (t == null || t == Thread.currentThread()) {
        continue;
      }
      try {
        if (timeoutNanos < 0) {
          t.join();
        } else {
          long left = deadline - System.nanoTime();
          if (left > 0) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  Queue<TaskCore<?>> lateQueue() {
    return lateTasks;
  }

  @Override
  void cancelQueuedTasks() {
    boolean progress = true;
    while (progress) {
      progress = false;
      TaskCore<?> t;
      while ((t = inject.pop()) != null || (t = lateTasks.poll()) != null) {
        t.cancelQueued();
        progress = true;
      }
      for (Worker w : workers) {
        if (w.thread != null && w.thread.isAlive()) {
          continue; // still running its last task; it cancels its own queue on exit
        }
        w.queue.bindOwner();
        progress |= w.cancelQueued();
      }
    }
  }

  @Override
  PollSlot[] pollSlots() {
    PollSlot[] slots = new PollSlot[workers.length];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = workers[i].slot;
    }
    return slots;
  }

  @Override
  TaskCounts[] taskCounts() {
    TaskCounts[] counts = new TaskCounts[workers.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = workers[i].counts;
    }
    return counts;
  }

  @Override
  SchedulerMetrics metrics() {
    int n = workers.length;
    long[] polls = new long[n];
    long[] parks = new long[n];
    long[] steals = new long[n];
    long[] overflows = new long[n];
    long[] busy = new long[n];
    for (int i = 0; i < n; i++) {
      Worker w = workers[i];
      polls[i] = w.polls;
      parks[i] = w.parker.parkCount();
      steals[i] = w.queue.stealCount();
      overflows[i] = w.queue.overflowCount();
      busy[i] = w.busyNanos;
    }
    return new SchedulerMetrics(n, inject.sizeHint(), polls, parks, steals, overflows, busy);
  }

  /** One worker thread and its queues. Fields without comments are touched by its thread only. */
  private final class Worker {
    final int index;
    final LocalQueue<TaskCore<?>> queue = new LocalQueue<>();
    // The inject queue's batch consumer, made once (a method reference per pull allocates).
    private final java.util.function.Consumer<TaskCore<?>> pushBack = queue::pushBack;
    final ArrayDeque<TaskCore<?>> deferred = new ArrayDeque<>();
    final Parker parker = new Parker(core.driver(), false);
    final PollSlot slot = new PollSlot();
    final TaskCounts counts = new TaskCounts();
    volatile Thread thread; // written before start, read by shutdown
    volatile boolean wokenAsSearcher; // set by a notifier under sleepLock, before unpark
    TaskCore<?> lifo;
    int lifoPolls;
    boolean inDriver; // turning the driver: tasks it wakes notify a peer once after the turn
    boolean notifyPending; // a small backlog from a driver turn: notify a peer if it lasts
    int notifyPolls; // polls left before a pending notification is sent
    long notifySince; // when the pending notification started
    boolean isSearching;
    // Countdowns, not `tick % interval`: a 64-bit division per poll costs more than the poll's
    // own bookkeeping. Both reach 0 every interval polls, as tokio's tick checks.
    int globalCountdown;
    int eventCountdown;
    int seed;
    // Single writer: incremented with an opaque store (a plain move on x86), not a volatile one
    // (a fence per poll); metrics read it with a volatile read.
    volatile long polls;
    volatile long
        busyNanos; // updated when the worker parks (one clock read per park, not per poll)
    long activeSince;

    Worker(int index) {
      this.index = index;
      this.globalCountdown = globalInterval;
      this.eventCountdown = eventInterval;
      this.seed = 0x9E3779B9 * (index + 1);
    }

    MultiThreadScheduler owner() {
      return MultiThreadScheduler.this;
    }

    void run() {
      queue.bindOwner();
      slot.thread = Thread.currentThread();
      if (Thread.currentThread() instanceof WorkerThread wt) {
        wt.worker = this;
        wt.counts = counts;
      }
      RuntimeCore previous = CurrentRuntime.enter(core);
      CurrentRuntime.setDriving(true);
      core.threadStarted();
      activeSince = System.nanoTime();
      threadActive();
      try {
        loop();
        cancelQueued();
      } finally {
        threadIdle();
        core.threadStopped();
        CurrentRuntime.setDriving(false);
        CurrentRuntime.restore(previous);
        if (Thread.currentThread() instanceof WorkerThread wt) {
          wt.worker = null;
          wt.counts = null;
        }
      }
    }

    /**
     * Shutdown: cancels what is left in this worker's LIFO slot, local queue and deferred list
     * ({@link TaskCore#cancelQueued}). Called by the worker as it stops (only the owner may pop its
     * local queue; cancelAll skips a worker that is still alive), or by cancelAll for a worker that
     * has stopped, after taking the queue over.
     *
     * @return whether any task was cancelled
     */
    boolean cancelQueued() {
      boolean any = false;
      TaskCore<?> t;
      while (true) {
        if (lifo != null) {
          t = lifo;
          lifo = null;
        } else if ((t = queue.pop()) == null && (t = deferred.pollFirst()) == null) {
          return any;
        }
        t.cancelQueued();
        any = true;
      }
    }

    private void loop() {
      // The body is its own method, called once per task: the JIT compiles it (and what it
      // inlines) as an ordinary method, early and once. A loop this long-lived would otherwise be
      // compiled on-stack-replaced, with the whole scheduler inlined into it, and again after every
      // deoptimization: most of the compiler's time in a short benchmark run.
      while (!shutdown) {
        step();
      }
    }

    /** One turn of the worker loop: run a task, or release deferred tasks, or park. */
    private void step() {
      TaskCore<?> t = nextTask();
      if (t == null) {
        t = steal();
      }
      if (t != null) {
        if (isSearching) {
          stopSearching();
        }
        if (notifyPending) {
          checkPendingNotify();
        }
        runTask(t);
        if (--eventCountdown <= 0) {
          eventCountdown = eventInterval;
          turnDriverNow();
          releaseDeferred();
        }
        return;
      }
      if (!deferred.isEmpty()) {
        turnDriverNow();
        releaseDeferred();
        return;
      }
      park();
    }

    private void turnDriverNow() {
      inDriver = true;
      try {
        parker.turnDriverNow();
      } finally {
        inDriver = false;
      }
      notifyIfQueued();
    }

    /**
     * After a driver turn: the tasks it woke were queued here without notifications. If there is
     * more than this worker runs next, let one sleeping peer come and steal: at once for a long
     * backlog, for a short one only if it lasts (see the class comment).
     */
    private void notifyIfQueued() {
      if (isSearching) {
        return;
      }
      int queued = (lifo != null ? 1 : 0) + queue.len();
      if (queued > NOTIFY_AT_ONCE) {
        notifyPending = false;
        notifyParked();
      } else if (queued > 1 && !notifyPending && sleeperCount != 0) {
        notifyPending = true;
        notifyPolls = NOTIFY_AFTER_POLLS;
        notifySince = System.nanoTime();
      }
    }

    /** Before a poll: sends the pending notification if the backlog outlasted its grace. */
    private void checkPendingNotify() {
      if (queue.isEmpty() || sleeperCount == 0) {
        // Drained, or nobody sleeps (a peer that parks later re-checks every queue first): no
        // notification is needed, and the busy case (every worker running) skips the clock read.
        notifyPending = false;
      } else if (--notifyPolls <= 0 || System.nanoTime() - notifySince >= NOTIFY_AFTER_NANOS) {
        notifyPending = false;
        notifyParked();
      }
    }

    private void releaseDeferred() {
      TaskCore<?> d;
      while ((d = deferred.pollFirst()) != null) {
        queue.push(d, overflow);
      }
    }

    private void runTask(TaskCore<?> t) {
      countPoll(); // before the poll, so a joiner woken by it sees the count
      slot.enter(t);
      t.run(Context.INITIAL_BUDGET);
      slot.exit();
      // The tasks it woke sit in the LIFO slot: run them next, at most MAX_LIFO_POLLS in a row,
      // sharing what is left of this poll's coop budget (as tokio), so two tasks that keep waking
      // each other through the slot cannot hold the worker for more than one budget.
      int budget = t.remainingBudget();
      while (lifo != null && !shutdown) {
        if (lifoPolls >= MAX_LIFO_POLLS || budget <= 0) {
          // No wake-up for a peer here (as tokio): this worker runs the task next anyway, and a
          // chain of spawns would otherwise cost a syscall every few tasks.
          queue.push(lifo, overflow);
          lifo = null;
          break;
        }
        TaskCore<?> next = lifo;
        lifo = null;
        lifoPolls++;
        countPoll();
        slot.enter(next);
        next.run(budget);
        slot.exit();
        budget = next.remainingBudget();
      }
      lifoPolls = 0;
    }

    private void countPoll() {
      POLLS.setOpaque(this, polls + 1);
    }

    private TaskCore<?> nextTask() {
      if (--globalCountdown <= 0) {
        globalCountdown = globalInterval;
        TaskCore<?> t = inject.pop();
        if (t != null) {
          return t;
        }
      }
      if (lifo != null) {
        TaskCore<?> t = lifo;
        lifo = null;
        return t;
      }
      TaskCore<?> t = queue.pop();
      if (t != null) {
        return t;
      }
      int len = inject.sizeHint(); // 0 when empty: one read of the producers' line
      if (len == 0) {
        return null;
      }
      int max =
          Math.max(
              1,
              Math.min(
                  Math.min(len / workers.length + 1, queue.remainingSlots()),
                  LocalQueue.CAPACITY / 2));
      return inject.popBatch(max, pushBack);
    }

    private int nextRandom() {
      int x = seed;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      seed = x;
      return x & Integer.MAX_VALUE;
    }

    private TaskCore<?> steal() {
      if (!isSearching) {
        if (2 * searching.get() >= workers.length) {
          return null; // enough workers are searching already
        }
        searching.incrementAndGet();
        isSearching = true;
      }
      int n = workers.length;
      int start = nextRandom() % n;
      for (int i = 0; i < n; i++) {
        Worker victim = workers[(start + i) % n];
        if (victim == this) {
          continue;
        }
        TaskCore<?> t = victim.queue.stealInto(queue);
        if (t != null) {
          return t;
        }
      }
      return inject.pop();
    }

    private void stopSearching() {
      isSearching = false;
      if (searching.decrementAndGet() == 0) {
        notifyParked(); // the last searcher found work: let a peer look for more
      }
    }

    private boolean workVisible() {
      if (!inject.isEmpty()) {
        return true;
      }
      for (Worker w : workers) {
        if (w != this && !w.queue.isEmpty()) {
          return true;
        }
      }
      return false;
    }

    private void park() {
      if (isSearching) {
        isSearching = false;
        if (searching.decrementAndGet() == 0 && workVisible()) {
          notifyParked();
        }
      }
      synchronized (sleepLock) {
        sleepers.addLast(this);
        sleeperCount = sleepers.size();
      }
      if (shutdown || workVisible() || !queue.isEmpty() || lifo != null) {
        leaveSleepers();
        return;
      }
      notifyPending = false; // nothing queued is left to share
      threadIdle();
      long now = System.nanoTime();
      busyNanos += now - activeSince;
      inDriver = true;
      try {
        parker.park(-1, false);
      } finally {
        inDriver = false;
      }
      activeSince = System.nanoTime();
      threadActive();
      leaveSleepers();
      notifyIfQueued();
    }

    /** Leaves the sleeper list; if a notifier took us out, take the searcher role it gave us. */
    private void leaveSleepers() {
      boolean removed;
      synchronized (sleepLock) {
        removed = sleepers.remove(this);
        sleeperCount = sleepers.size();
      }
      if (!removed && wokenAsSearcher) {
        wokenAsSearcher = false;
        isSearching = true;
      } else {
        wokenAsSearcher = false;
      }
    }
  }
}
