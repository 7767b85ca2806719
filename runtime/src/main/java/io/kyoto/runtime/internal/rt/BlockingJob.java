package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.task.TaskCore;

/**
 * A job on the blocking pool, as a future of its result, for the runtime's own blocking-backed I/O
 * (a file, a child's pipes, the process's stdio): the job's own exception is thrown as it is (a
 * cancelled job's is a {@link java.util.concurrent.CancellationException}); an {@link Error}
 * arrives wrapped in an {@link IllegalStateException}. Cancelling the future only stops waiting:
 * the job still runs.
 *
 * <p>Unlike a {@link io.kyoto.runtime.JoinHandle}, it can {@linkplain #withdraw withdraw} one
 * waiter's waker: the I/O object that owns the job keeps polling it across several operation
 * futures, so a cancelled operation must take back only its own waker, not a later one's.
 *
 * <p><b>Thread safety:</b> polled, cancelled and withdrawn by one task at a time.
 *
 * @param <T> the job's result type
 */
public final class BlockingJob<T> implements Future<T> {
  private final TaskCore<T> task;

  private BlockingJob(TaskCore<T> task) {
    this.task = task;
  }

  /**
   * Spawns {@code job} on the current runtime's blocking pool, as {@code Task.spawnBlocking}: a job
   * that has not started when the runtime shuts down is dropped (it completes as cancelled).
   *
   * @param job the blocking work
   * @param <T> the result type
   * @return the future of its result
   * @throws IllegalStateException outside a runtime
   */
  public static <T> BlockingJob<T> spawn(ThrowingSupplier<T> job) {
    return new BlockingJob<>(current().spawnBlocking(job));
  }

  /**
   * Runs {@code read}, which may wait for input for ever, on the blocking pool; the runtime's
   * shutdown does not wait for it (see {@code RuntimeCore.spawnAbandonableBlocking}).
   *
   * @param read the read
   * @param <T> the output type
   * @return the job
   */
  public static <T> BlockingJob<T> spawnAbandonable(ThrowingSupplier<T> read) {
    return new BlockingJob<>(current().spawnAbandonableBlocking(read));
  }

  /**
   * Spawns {@code job} so that shutdown does not drop it ({@link
   * RuntimeCore#spawnMandatoryBlocking}), for writes whose caller was already told they are done.
   *
   * @param job the blocking work; it must end on its own
   * @param <T> the result type
   * @return the future of its result
   * @throws IllegalStateException outside a runtime
   */
  public static <T> BlockingJob<T> spawnMandatory(ThrowingSupplier<T> job) {
    return new BlockingJob<>(current().spawnMandatoryBlocking(job));
  }

  private static RuntimeCore current() {
    RuntimeCore core = CurrentRuntime.get();
    if (core == null) {
      Handle.current(); // throws the usual "no reactor running" error
      throw new IllegalStateException("not inside a Kyoto runtime");
    }
    return core;
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    try {
      return task.pollJoin(cx);
    } catch (TaskCore.TaskFailure f) {
      if (f.getCause() instanceof Exception e) {
        throw e;
      }
      throw new IllegalStateException("blocking job failed", f.getCause());
    }
  }

  /**
   * Withdraws {@code waker} if it is still the one the job will wake at its end: an I/O operation
   * that waited on the job was cancelled. A waker left since by a later poll stays.
   *
   * @param waker the waker of the cancelled operation's last pending poll
   */
  public void withdraw(Waker waker) {
    task.withdrawJoinWaker(waker);
  }

  /** Stops waiting, whoever waited; the job keeps running. */
  @Override
  public void cancel() {
    task.clearJoinWaker();
  }
}
