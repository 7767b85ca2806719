package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.Config;
import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A Kyoto runtime: a scheduler with its workers, the I/O and timer drivers, and the blocking pool.
 *
 * <p>Build one explicitly; there is no global runtime:
 *
 * <p>
 *
 * {@snippet :
 * try (Runtime rt = Runtime.builder().enableAll().build()) {
 *   String body = rt.blockOn(fetch());
 * }
 * }
 *
 * <p>{@link #blockOn} runs a future on the calling thread; {@link #spawn} starts a task. Closing
 * the runtime cancels every task at its next suspension point and waits for blocking jobs; {@link
 * #shutdownTimeout} bounds that wait and {@link #shutdownBackground} does not wait.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Runtime implements AutoCloseable {
  private final RuntimeCore core;
  private final Handle handle;

  private Runtime(RuntimeCore core) {
    this.core = core;
    this.handle = new Handle(core);
  }

  /** {@return a builder for a multi-thread runtime with no drivers enabled; see {@link Builder}} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code future} to completion on the calling thread and returns its value. On a
   * current-thread runtime, spawned tasks run only while some thread is inside {@code blockOn}.
   *
   * <p><b>Blocking:</b> blocks the calling thread, which must not be a runtime thread.
   *
   * @param future the future
   * @param <T> the value type
   * @return the value
   * @throws Exception the future's failure
   * @throws IllegalStateException if called from a thread that is driving a runtime (worker, or
   *     inside another {@code blockOn}), or after shutdown
   */
  public <T> T blockOn(Future<T> future) throws Exception {
    return handle.blockOn(future);
  }

  /**
   * Spawns a task that starts at once.
   *
   * @param future the task's future
   * @param <T> the value type
   * @return the handle to join or abort it
   */
  public <T> JoinHandle<T> spawn(Future<T> future) {
    return handle.spawn(future);
  }

  /**
   * Runs blocking code on the blocking pool.
   *
   * @param job the blocking work
   * @param <T> the value type
   * @return the handle; aborting only prevents a job that has not started
   */
  public <T> JoinHandle<T> spawnBlocking(ThrowingSupplier<T> job) {
    return handle.spawnBlocking(job);
  }

  /** {@return a handle to this runtime, for use from other threads} */
  public Handle handle() {
    return handle;
  }

  /** {@return the runtime's metrics} */
  public RuntimeMetrics metrics() {
    return handle.metrics();
  }

  /** {@return a task dump of this runtime; see {@link Handle#dumpTasks()}} */
  public java.util.List<TaskDump> dumpTasks() {
    return handle.dumpTasks();
  }

  /**
   * Shuts down: cancels every task at its next suspension point, stops the workers, and waits up to
   * {@code timeout} for blocking jobs, whose threads are left behind after that.
   *
   * @param timeout the longest wait for blocking jobs
   * @return true if everything stopped in time
   */
  public boolean shutdownTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    core.beginShutdown();
    return core.awaitShutdown(timeout.toNanos());
  }

  /** Shuts down without waiting for blocking jobs; allowed from inside a runtime. */
  public void shutdownBackground() {
    core.beginShutdown();
    core.awaitShutdown(0);
  }

  /**
   * Shuts down and waits for every blocking job, as dropping a tokio runtime does, except reads of
   * standard input and of child processes' pipes ({@code Io.stdin()}, {@code ChildStdout} and
   * {@code ChildStderr} on the JDK's pipes): a read waiting for input that may never come is left
   * on its daemon thread, so a program that stopped reading its standard input exits without a line
   * being typed (with tokio it waits for one).
   *
   * @throws IllegalStateException if called from a thread driving a runtime
   */
  @Override
  public void close() {
    if (CurrentRuntime.isDriving()) {
      throw new IllegalStateException(
          "Cannot drop a runtime in a context where blocking is not allowed. This happens when a"
              + " runtime is closed from within an asynchronous context; use shutdownBackground().");
    }
    core.beginShutdown();
    core.awaitShutdown(-1);
  }

  @Override
  public String toString() {
    return "Runtime{" + handle.name() + ", " + handle.flavor() + "}";
  }

  /**
   * Configures a {@link Runtime}, as tokio's {@code runtime::Builder}. Nothing is enabled by
   * default: call {@link #enableAll()} (or {@link #enableIo()} / {@link #enableTime()}) for I/O and
   * timers.
   */
  public static final class Builder {
    private Flavor flavor = Flavor.MULTI_THREAD;
    private int workerThreads = defaultWorkers();
    private int maxBlockingThreads = 512;
    private Duration threadKeepAlive = Duration.ofSeconds(10);
    private String name = "kyoto";
    private IntFunction<String> threadName;
    private int eventInterval = 61;
    private int globalQueueInterval;
    private boolean enableIo;
    private Duration blockingPollThreshold = Duration.ofMillis(100);
    private io.kyoto.reactor.Backend ioBackend;
    private boolean enableTime;
    private boolean startPaused;
    private Runnable onThreadStart;
    private Runnable onThreadStop;
    private UnhandledExceptionPolicy policy = UnhandledExceptionPolicy.IGNORE;
    private Long rngSeed;

    private Builder() {}

    private static int defaultWorkers() {
      String p = System.getProperty("kyoto.runtime.workerThreads");
      if (p != null) {
        try {
          int n = Integer.parseInt(p.trim());
          if (n > 0) {
            return n;
          }
        } catch (NumberFormatException e) {
          // fall through to the number of processors
        }
        throw new IllegalArgumentException(
            "-Dkyoto.runtime.workerThreads must be a positive integer, was '" + p + "'");
      }
      return java.lang.Runtime.getRuntime().availableProcessors();
    }

    /**
     * Selects the scheduler.
     *
     * @param flavor the flavor
     * @return this builder
     */
    public Builder flavor(Flavor flavor) {
      this.flavor = Objects.requireNonNull(flavor, "flavor");
      return this;
    }

    /** {@return this builder, set to the current-thread flavor} */
    public Builder currentThread() {
      return flavor(Flavor.CURRENT_THREAD);
    }

    /** {@return this builder, set to the multi-thread flavor} */
    public Builder multiThread() {
      return flavor(Flavor.MULTI_THREAD);
    }

    /**
     * The number of workers of a multi-thread runtime; by default the number of processors, or
     * {@code -Dkyoto.runtime.workerThreads}. Ignored by the current-thread flavor, as in tokio.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder workerThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Worker threads cannot be set to 0");
      }
      this.workerThreads = n;
      return this;
    }

    /**
     * The most threads the blocking pool starts (not counting workers); 512 by default. Jobs beyond
     * it wait in an unbounded queue.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder maxBlockingThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Max blocking threads cannot be set to 0");
      }
      this.maxBlockingThreads = n;
      return this;
    }

    /**
     * How long an idle blocking thread lives; 10 s by default.
     *
     * @param keepAlive a positive duration
     * @return this builder
     */
    public Builder threadKeepAlive(Duration keepAlive) {
      if (keepAlive.isNegative() || keepAlive.isZero()) {
        throw new IllegalArgumentException("threadKeepAlive must be positive, was " + keepAlive);
      }
      this.threadKeepAlive = keepAlive;
      return this;
    }

    /**
     * The runtime's name, which prefixes its thread names; {@code "kyoto"} by default.
     *
     * @param name a non-blank name
     * @return this builder
     */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("the runtime name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * Names worker threads from their index; by default {@code <name>-worker-<index>}.
     *
     * @param threadName the naming function
     * @return this builder
     */
    public Builder threadName(IntFunction<String> threadName) {
      this.threadName = Objects.requireNonNull(threadName, "threadName");
      return this;
    }

    /**
     * Scheduler ticks between polls of the I/O and timer drivers; 61 by default, as tokio's.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder eventInterval(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("eventInterval must be greater than 0");
      }
      this.eventInterval = n;
      return this;
    }

    /**
     * Ticks between checks of the shared queue before the local one; 31 for current-thread and 61
     * for multi-thread by default.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder globalQueueInterval(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("globalQueueInterval must be greater than 0");
      }
      this.globalQueueInterval = n;
      return this;
    }

    /** {@return this builder, with the I/O driver enabled} */
    public Builder enableIo() {
      this.enableIo = true;
      return this;
    }

    /**
     * Enables the I/O driver on the given reactor backend instead of the default ({@link
     * io.kyoto.reactor.Backend#current()}, which {@code -Dkyoto.reactor.backend} overrides).
     *
     * @param backend the reactor backend for the driver and every socket of this runtime
     * @return this builder
     * @throws IllegalArgumentException if the backend is not available on this machine
     */
    public Builder enableIo(io.kyoto.reactor.Backend backend) {
      Objects.requireNonNull(backend, "backend");
      if (!backend.isAvailable()) {
        throw new IllegalArgumentException(
            "reactor backend "
                + backend.propertyValue()
                + " is not available: "
                + backend.unavailabilityCause().map(Throwable::getMessage).orElse("unknown"));
      }
      this.ioBackend = backend;
      return enableIo();
    }

    /** {@return this builder, with timers enabled} */
    public Builder enableTime() {
      this.enableTime = true;
      return this;
    }

    /** {@return this builder, with I/O and timers enabled} */
    public Builder enableAll() {
      return enableIo().enableTime();
    }

    /**
     * Starts the runtime's clock paused (tests): time moves only by {@link Time#advance} or, when
     * every task is idle, by jumping to the next timer. Current-thread flavor only; enables time.
     *
     * @param paused whether to start paused
     * @return this builder
     */
    public Builder startPaused(boolean paused) {
      this.startPaused = paused;
      if (paused) {
        this.enableTime = true;
      }
      return this;
    }

    /**
     * Runs {@code hook} on each runtime thread as it starts.
     *
     * @param hook the hook
     * @return this builder
     */
    public Builder onThreadStart(Runnable hook) {
      this.onThreadStart = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Runs {@code hook} on each runtime thread before it stops.
     *
     * @param hook the hook
     * @return this builder
     */
    public Builder onThreadStop(Runnable hook) {
      this.onThreadStop = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Logs (at WARNING, logger {@code io.kyoto.runtime}, with the thread's stack) any single task
     * poll that keeps a runtime thread busy longer than {@code threshold}, and counts it in {@link
     * RuntimeMetrics#blockingPollCount()}. A poll is reported between one and two thresholds after
     * it started. The default is 100 ms; {@link Duration#ZERO} turns the detector off.
     *
     * @param threshold the longest acceptable poll
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder blockingPollThreshold(Duration threshold) {
      if (threshold.isNegative()) {
        throw new IllegalArgumentException("blockingPollThreshold must not be negative");
      }
      this.blockingPollThreshold = threshold.isZero() ? null : threshold;
      return this;
    }

    /**
     * What happens when a task fails; {@link UnhandledExceptionPolicy#IGNORE} by default.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder unhandledException(UnhandledExceptionPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Seeds the generators that pick the branch a {@link Select} polls first, as tokio's {@code
     * rng_seed}: each thread that enters the runtime is reseeded from a sequence derived from
     * {@code seed}. On a current-thread runtime this makes every unbiased select reproducible
     * (tests); on a multi-thread runtime the order of tasks on workers still varies. By default
     * every thread is seeded at random.
     *
     * @param seed any value
     * @return this builder
     */
    public Builder rngSeed(long seed) {
      this.rngSeed = seed;
      return this;
    }

    /**
     * Builds and starts the runtime (a multi-thread runtime starts its workers now).
     *
     * @return the runtime
     * @throws IllegalStateException if options conflict (e.g. {@code startPaused} on multi-thread)
     */
    public Runtime build() {
      boolean multi = flavor == Flavor.MULTI_THREAD;
      if (startPaused && multi) {
        throw new IllegalStateException(
            "The `startPaused` option requires the CURRENT_THREAD runtime flavor."
                + " Use Runtime.builder().currentThread()");
      }
      String prefix = name;
      IntFunction<String> names =
          threadName != null ? threadName : index -> prefix + "-worker-" + index;
      Config config =
          new Config(
              multi,
              multi ? workerThreads : 1,
              maxBlockingThreads,
              threadKeepAlive,
              names,
              eventInterval,
              globalQueueInterval,
              enableIo,
              ioBackend,
              enableTime,
              startPaused,
              onThreadStart,
              onThreadStop,
              blockingPollThreshold,
              policy == UnhandledExceptionPolicy.SHUTDOWN_RUNTIME,
              name,
              rngSeed);
      return new Runtime(RuntimeCore.start(config));
    }
  }
}
