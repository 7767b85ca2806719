package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.internal.task.OwnedTasks;
import io.kyoto.runtime.internal.task.Scheduler;
import io.kyoto.runtime.internal.task.TaskCore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One runtime's engine: its configuration, drivers, scheduler, blocking pool and the set of alive
 * tasks. The public {@code Runtime} and {@code Handle} are thin faces over this class.
 */
public final class RuntimeCore {
  private static final AtomicLong IDS = new AtomicLong(1);

  private final long id = IDS.getAndIncrement();
  private final Config config;
  private final Driver driver;
  private final BlockingPool blocking;
  private final SchedulerBase scheduler;
  private final Scheduler blockingScheduler;
  private final Scheduler abandonableScheduler;
  // The task failure that shut the runtime down (UnhandledExceptionPolicy.SHUTDOWN_RUNTIME), or
  // null: set once, under this, by onFailure; read by shutdownException.
  private volatile Throwable shutdownFailure;
  private volatile long shutdownTaskId;
  private final OwnedTasks alive;
  // Counted, not listed: the alive list holds only tasks that have been pending once. A worker
  // counts in its own TaskCounts, and so does a thread inside blockOn (its counts are open while it
  // is there, then folded into these); these hold the counts of every other thread. A contended
  // atomic add per spawn from a blockOn thread was a tenth of a spawn's cost.
  private final LongAdder spawned = new LongAdder();
  private final LongAdder terminated = new LongAdder();
  private final TaskCounts[] workerCounts;
  private final Set<TaskCounts> blockOnCounts = ConcurrentHashMap.newKeySet(); // fold: under itself
  // The future of each thread inside blockOn, for task dumps (one put and remove per blockOn).
  private final Map<Thread, Future<?>> blockOns = new ConcurrentHashMap<>();
  private final AtomicLong rngSeeds = new AtomicLong();
  private volatile boolean shutdown;
  final LongAdder forcedYields = new LongAdder();
  final LongAdder blockingPolls = new LongAdder();
  private BlockingPollDetector detector;

  private RuntimeCore(Config config) {
    this.config = config;
    this.alive = new OwnedTasks(config.workerThreads() + 1);
    TimeDriver time = config.enableTime() ? new TimeDriver(config.startPaused()) : null;
    this.driver = new Driver(config.enableIo(), config.ioBackend(), time);
    this.blocking =
        new BlockingPool(this, config.maxBlockingThreads(), config.threadKeepAlive().toNanos());
    this.scheduler =
        config.multiThread() ? new MultiThreadScheduler(this) : new CurrentThreadScheduler(this);
    this.blockingScheduler = new BlockingScheduler(false);
    this.abandonableScheduler = new BlockingScheduler(true);
    this.workerCounts = scheduler.taskCounts();
  }

  /**
   * Builds and starts a runtime.
   *
   * @param config validated settings
   * @return the running engine
   */
  public static RuntimeCore start(Config config) {
    RuntimeCore core = new RuntimeCore(config);
    if (config.blockingPollThreshold() != null) {
      // Created before the workers start (they count themselves in it), started after.
      core.detector =
          new BlockingPollDetector(
              config.name(),
              core.scheduler.pollSlots(),
              config.blockingPollThreshold().toNanos(),
              core.blockingPolls);
    }
    core.scheduler.start();
    if (core.detector != null) {
      core.detector.start();
    }
    return core;
  }

  /** {@return the settings} */
  public Config config() {
    return config;
  }

  /**
   * {@return the next seed for a thread entering this runtime} Only meaningful when the runtime was
   * built with a seed: the sequence is then the same in every run.
   */
  long nextRngSeed() {
    Long seed = config.rngSeed();
    return FastRand.derive(seed == null ? 0 : seed, rngSeeds.getAndIncrement());
  }

  /** {@return the drivers} */
  public Driver driver() {
    return driver;
  }

  /** {@return this runtime's id} */
  public long id() {
    return id;
  }

  /** {@return whether shutdown has begun} */
  public boolean isShutdown() {
    return shutdown;
  }

  /** {@return the scheduler} */
  SchedulerBase scheduler() {
    return scheduler;
  }

  String threadName(String suffix) {
    return config.name() + "-" + suffix;
  }

  /** {@return the name of worker {@code index}} */
  String workerName(int index) {
    return config.threadName().apply(index);
  }

  void threadStarted() {
    Runnable hook = config.onThreadStart();
    if (hook != null) {
      hook.run();
    }
  }

  void threadStopped() {
    Runnable hook = config.onThreadStop();
    if (hook != null) {
      hook.run();
    }
  }

  /**
   * Spawns a task; it starts at once.
   *
   * @param future the task's future
   * @param <T> the output type
   * @return the task
   */
  public <T> TaskCore<T> spawn(Future<T> future) {
    TaskCore<T> task = new TaskCore<>(future, scheduler);
    countSpawned();
    if (shutdown) {
      task.abort(); // as tokio: a task spawned during shutdown is cancelled, never polled
    } else {
      task.scheduleNew(); // listed in `alive` at its first pending poll (onFirstPending)
    }
    return task;
  }

  /**
   * Runs {@code job} on the blocking pool.
   *
   * @param job the blocking work
   * @param <T> the output type
   * @return the task
   */
  public <T> TaskCore<T> spawnBlocking(ThrowingSupplier<T> job) {
    TaskCore<T> task = new TaskCore<>(cx -> Poll.ready(job.get()), blockingScheduler);
    register(task);
    return task;
  }

  /**
   * Runs {@code job}, a read that may wait for input for ever, on the blocking pool, as {@link
   * #spawnBlocking}, except that shutdown does not wait for it once it runs: its thread (a daemon)
   * is left to return from the read on its own. For reads of standard input and of pipes, whose
   * bytes nobody could take once the runtime is gone: waiting for them held {@code close()}, and a
   * program's exit, until input came (tokio's {@code stdin} has that hang).
   *
   * @param job the read
   * @param <T> the output type
   * @return the task
   */
  public <T> TaskCore<T> spawnAbandonableBlocking(ThrowingSupplier<T> job) {
    TaskCore<T> task = new TaskCore<>(cx -> Poll.ready(job.get()), abandonableScheduler);
    register(task);
    return task;
  }

  /**
   * Runs {@code job} on the blocking pool even if the runtime shuts down before the job starts:
   * tokio's {@code spawn_mandatory_blocking}, for writes whose caller was already told they are
   * done (a file, stdout, a child's stdin). The task is not listed among the alive tasks, so
   * shutdown does not abort it, and the pool runs every queued job before its threads exit. Only a
   * job submitted after the pool shut down is refused (it completes as cancelled).
   *
   * @param job the blocking work; it must end on its own (a write, not a read that may wait
   *     forever)
   * @param <T> the output type
   * @return the task
   */
  public <T> TaskCore<T> spawnMandatoryBlocking(ThrowingSupplier<T> job) {
    TaskCore<T> task = new TaskCore<>(cx -> Poll.ready(job.get()), blockingScheduler);
    countSpawned();
    task.wake();
    return task;
  }

  private void register(TaskCore<?> task) {
    // Blocking jobs are listed from the start: a queued job is reached through the list only.
    countSpawned();
    onFirstPending(task); // listed at once, and cancelled if shutdown has begun
    task.wake();
  }

  /**
   * Runs {@code future} to completion on the calling thread.
   *
   * @param future the future
   * @param <T> the value type
   * @return the value
   * @throws Exception the future's failure
   */
  public <T> T blockOn(Future<T> future) throws Exception {
    Thread me = Thread.currentThread();
    // A nested blockOn fails in the scheduler; it must not replace or remove the outer entry.
    boolean registered = blockOns.putIfAbsent(me, future) == null;
    try {
      return scheduler.blockOn(future);
    } finally {
      if (registered) {
        blockOns.remove(me, future);
      }
    }
  }

  /** {@return the futures of the threads inside {@link #blockOn}, by thread (a copy)} */
  public Map<Thread, Future<?>> blockOnFutures() {
    return Map.copyOf(blockOns);
  }

  /**
   * {@return the alive tasks that have been polled at least once (a moment's copy), for task dumps}
   * Tasks spawned and not yet polled are in run queues, not in this list.
   */
  public List<TaskCore<?>> aliveTaskList() {
    return alive.snapshot();
  }

  /** {@return the number of tasks not yet terminated} */
  public int aliveTasks() {
    // Terminated first: a task counted there was spawned before, so the difference is never
    // negative; exact whenever no task is being spawned or completed. Under the blockOn counts'
    // lock, so that counts being folded are seen once, either open or folded.
    synchronized (blockOnCounts) {
      long done = terminated.sum();
      for (TaskCounts c : workerCounts) {
        done += c.terminatedCount();
      }
      for (TaskCounts c : blockOnCounts) {
        done += c.terminatedCount();
      }
      return (int) Math.max(0, spawnedTasks() - done);
    }
  }

  /** {@return the number of tasks spawned so far} */
  public long spawnedTasks() {
    synchronized (blockOnCounts) {
      long n = spawned.sum();
      for (TaskCounts c : workerCounts) {
        n += c.spawnedCount();
      }
      for (TaskCounts c : blockOnCounts) {
        n += c.spawnedCount();
      }
      return n;
    }
  }

  /**
   * Opens task counts for a thread entering {@code blockOn} (see {@link CurrentRuntime#enter(
   * RuntimeCore, TaskCounts)}): it counts its spawns (and, on a current-thread runtime, the tasks
   * it runs to the end) there with plain stores until {@link #closeCounts}.
   *
   * @return the counts, written by the calling thread only
   */
  TaskCounts openCounts() {
    TaskCounts c = new TaskCounts();
    blockOnCounts.add(c);
    return c;
  }

  /**
   * Folds counts from {@link #openCounts} into the runtime's, as their thread leaves {@code
   * blockOn}.
   *
   * @param c the counts; their thread no longer writes them
   */
  void closeCounts(TaskCounts c) {
    synchronized (blockOnCounts) {
      spawned.add(c.spawnedCount());
      terminated.add(c.terminatedCount());
      blockOnCounts.remove(c);
    }
  }

  /** {@return the number of blocking jobs queued or running} */
  public int blockingInFlight() {
    return blocking.inFlight();
  }

  /** {@return the number of blocking-pool threads alive} */
  public int blockingThreads() {
    return blocking.threads();
  }

  /** {@return the blocking-poll detector, or null when disabled} */
  BlockingPollDetector detector() {
    return detector;
  }

  /** {@return how many task polls the blocking-poll detector reported} */
  public long blockingPollCount() {
    return blockingPolls.sum();
  }

  /** {@return how many task polls ended with the coop budget spent} */
  public long forcedYieldCount() {
    return forcedYields.sum();
  }

  /** {@return per-runtime scheduler metrics} */
  public SchedulerMetrics metrics() {
    return scheduler.metrics();
  }

  void onFirstPending(TaskCore<?> task) {
    alive.add(task);
    if (shutdown) {
      // Shutdown may have swept the list before this add: cancel the task now. A runner still
      // holding it cancels the future when it releases it; a new blocking job is never run.
      task.abort();
    }
  }

  void onTerminated(TaskCore<?> task) {
    alive.remove(task);
    TaskCounts own = ownCounts();
    if (own != null) {
      own.terminated();
    } else {
      terminated.increment();
    }
  }

  private void countSpawned() {
    TaskCounts own = ownCounts();
    if (own != null) {
      own.spawned();
    } else {
      spawned.increment();
    }
  }

  /**
   * {@return the counts of this runtime's worker running on this thread, or of this thread's
   * blockOn on this runtime; null elsewhere (or when another thread entered a runtime since)}
   */
  private TaskCounts ownCounts() {
    if (Thread.currentThread() instanceof WorkerThread wt) {
      return wt.core == this ? wt.counts : null;
    }
    return CurrentRuntime.ownCounts(this);
  }

  void onFailure(TaskCore<?> task, Throwable failure) {
    if (config.shutdownOnUnhandledException()) {
      synchronized (this) {
        if (shutdownFailure == null) { // the first failure is the reason; later ones are echoes
          shutdownFailure = failure;
          shutdownTaskId = task.id();
        }
      }
      beginShutdown();
    }
  }

  /**
   * {@return the exception for a {@code blockOn} that finds the runtime shut down} {@code what}
   * says what happened ({@code the runtime was shut down while blockOn was waiting}); when a task's
   * failure shut it down ({@link io.kyoto.runtime.UnhandledExceptionPolicy#SHUTDOWN_RUNTIME}), the
   * message names the task and the failure, which is the cause (tokio's message: "a spawned task
   * panicked and the runtime is configured to shut down on unhandled panic").
   *
   * @param what what the caller met
   */
  public IllegalStateException shutdownException(String what) {
    Throwable failure = shutdownFailure;
    if (failure == null) {
      return new IllegalStateException(what);
    }
    return new IllegalStateException(
        what
            + ": task "
            + shutdownTaskId
            + " failed ("
            + failure
            + ") and the runtime's UnhandledExceptionPolicy is SHUTDOWN_RUNTIME",
        failure);
  }

  /** After a blocking job: a paused clock may auto-advance again, so let the scheduler look. */
  void wakeAfterBlockingJob() {
    if (driver.time() != null && driver.time().isPaused()) {
      scheduler.unparkOne();
    }
  }

  /**
   * Begins shutdown: no task is polled any more, workers stop, and every task is cancelled. Returns
   * at once; {@link #awaitShutdown} waits.
   */
  public void beginShutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    if (detector != null) {
      detector.stop();
    }
    scheduler.beginShutdown();
    blocking.shutdown();
  }

  /**
   * Waits for the workers, then cancels the remaining tasks, then waits for the blocking pool.
   *
   * @param timeoutNanos the longest wait for blocking jobs; negative waits without limit
   * @return true if every thread stopped in time
   */
  public boolean awaitShutdown(long timeoutNanos) {
    long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
    scheduler.awaitWorkers(timeoutNanos);
    for (TaskCore<?> task : alive.snapshot()) {
      task.abort();
    }
    scheduler.cancelAll();
    boolean done =
        blocking.awaitTermination(
            timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime()));
    driver.close();
    return done;
  }

  /** Runs blocking tasks on the pool (once; they cannot be aborted after they start). */
  private final class BlockingScheduler implements Scheduler {
    private final boolean abandonable;

    BlockingScheduler(boolean abandonable) {
      this.abandonable = abandonable;
    }

    @Override
    public void schedule(TaskCore<?> task) {
      BlockingPool.Job job =
          new BlockingPool.Job() {
            @Override
            public void run() {
              task.run(Context.UNCONSTRAINED);
            }

            @Override
            public void refuse() {
              task.abort();
              task.run(Context.UNCONSTRAINED); // completes it as cancelled on this thread
            }

            @Override
            public boolean abandonable() {
              return abandonable;
            }
          };
      if (!blocking.submit(job)) {
        job.refuse();
      }
    }

    @Override
    public void defer(TaskCore<?> task) {
      schedule(task);
    }

    @Override
    public void onTaskFailure(TaskCore<?> task, Throwable failure) {
      onFailure(task, failure);
    }

    @Override
    public void onTaskTerminated(TaskCore<?> task) {
      onTerminated(task);
    }

    @Override
    public void onFirstPending(TaskCore<?> task) {
      RuntimeCore.this.onFirstPending(task); // not reached: a blocking job runs once
    }
  }
}
