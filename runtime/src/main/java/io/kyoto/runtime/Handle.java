package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A reference to a running {@link Runtime}, to spawn tasks on it from any thread.
 *
 * <p>{@link #current()} returns the runtime of the calling thread: a worker, a blocking-pool
 * thread, or a thread inside {@code blockOn}.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Handle {
  private final RuntimeCore core;

  Handle(RuntimeCore core) {
    this.core = core;
  }

  /**
   * {@return the handle of the runtime the calling thread belongs to}
   *
   * @throws IllegalStateException outside a runtime
   */
  public static Handle current() {
    RuntimeCore core = CurrentRuntime.get();
    if (core == null) {
      throw new IllegalStateException(
          "there is no reactor running, must be called from the context of a Kyoto runtime"
              + " (a task, Runtime.blockOn, or spawnBlocking)");
    }
    return new Handle(core);
  }

  /** {@return the handle of the calling thread's runtime, or empty outside one} */
  public static Optional<Handle> tryCurrent() {
    RuntimeCore core = CurrentRuntime.get();
    return core == null ? Optional.empty() : Optional.of(new Handle(core));
  }

  /**
   * Spawns a task on this runtime; it starts at once.
   *
   * @param future the task's future
   * @param <T> the value type
   * @return the handle to join or abort it
   */
  public <T> JoinHandle<T> spawn(Future<T> future) {
    return core.spawn(Objects.requireNonNull(future, "future"));
  }

  /**
   * Runs blocking code on this runtime's blocking pool.
   *
   * @param job the blocking work
   * @param <T> the value type
   * @return the handle; aborting only prevents a job that has not started
   */
  public <T> JoinHandle<T> spawnBlocking(ThrowingSupplier<T> job) {
    return core.spawnBlocking(Objects.requireNonNull(job, "job"));
  }

  /**
   * Runs {@code future} to completion on the calling thread; see {@link Runtime#blockOn}.
   *
   * @param future the future
   * @param <T> the value type
   * @return the value
   * @throws Exception the future's failure
   */
  public <T> T blockOn(Future<T> future) throws Exception {
    Objects.requireNonNull(future, "future");
    if (core.isShutdown()) {
      throw core.shutdownException("the runtime is shut down");
    }
    return core.blockOn(future);
  }

  /** {@return the runtime's flavor} */
  public Flavor flavor() {
    return core.config().multiThread() ? Flavor.MULTI_THREAD : Flavor.CURRENT_THREAD;
  }

  /** {@return the runtime's name} */
  public String name() {
    return core.config().name();
  }

  /** {@return the runtime's id, unique in this JVM} */
  public long id() {
    return core.id();
  }

  /** {@return the runtime's metrics} */
  public RuntimeMetrics metrics() {
    return new RuntimeMetrics(core);
  }

  /**
   * {@return a task dump: the future of each thread inside {@link #blockOn} (state {@link
   * TaskDump.State#BLOCK_ON}), then every alive task by id} As tokio's {@code Handle::dump}: what
   * is each task waiting for?
   *
   * <p>A task is listed from its first poll that returns pending: a task spawned and not yet polled
   * is waiting for a worker, not for a resource, and is left out (it still counts in {@link
   * RuntimeMetrics#numAliveTasks()}, and {@link Time#timeoutWithDump}'s message counts such tasks).
   * Keeping them off the list is what makes a task that completes in its first poll cost no list
   * update.
   *
   * <p>Safe to call from any thread while the runtime runs, including from a task or from another
   * thread watching a hung one. It is a best-effort snapshot: tasks are read without being stopped,
   * and the descriptions are the futures' {@code toString()}, made safe and bounded ({@link
   * TaskDump#describe}). It costs almost nothing until called: tasks carry no extra state (the dump
   * walks the runtime's list of alive tasks, taking each shard's lock only to copy it), and {@code
   * blockOn} records its future in a map for the length of the call.
   */
  public List<TaskDump> dumpTasks() {
    List<TaskDump> out = new ArrayList<>();
    List<Map.Entry<Thread, Future<?>>> blocked = new ArrayList<>(core.blockOnFutures().entrySet());
    blocked.sort(Comparator.comparingLong(e -> e.getKey().threadId()));
    for (Map.Entry<Thread, Future<?>> e : blocked) {
      out.add(TaskDump.ofBlockOn(e.getKey(), e.getValue()));
    }
    List<io.kyoto.runtime.internal.task.TaskCore<?>> tasks = core.aliveTaskList();
    tasks.sort(Comparator.comparingLong(io.kyoto.runtime.internal.task.TaskCore::id));
    for (io.kyoto.runtime.internal.task.TaskCore<?> t : tasks) {
      out.add(TaskDump.of(t));
    }
    return out;
  }

  RuntimeCore core() {
    return core;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Handle h && h.core == core;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(core.id());
  }

  @Override
  public String toString() {
    return "Handle{" + name() + "#" + id() + "}";
  }
}
