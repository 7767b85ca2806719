package io.kyoto.runtime.internal.blocking;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingSupplier;
import java.util.Objects;

/**
 * A blocking call (a file-system operation, a process start) as a lazy future: spawned on the
 * blocking pool at the first poll, its own exception rethrown unwrapped (a {@link JoinException}
 * remains only for an {@link Error} or a cancelled job). Cancelling aborts a job that has not
 * started; one that has started runs to its end and its result is dropped, as tokio's {@code
 * spawn_blocking}. Either way the cancel takes back the waker the call left with the job, so the
 * job's end neither wakes nor keeps reachable the task that stopped waiting.
 *
 * @param <T> the result type
 */
public final class BlockingCall<T> implements Future<T> {
  private final ThrowingSupplier<T> job;
  private final String what;
  private JoinHandle<T> handle;

  /**
   * Creates the future; nothing runs before its first poll.
   *
   * @param what the call, for {@link #toString()} (for example {@code Fs.read(/etc/hosts)})
   * @param job the blocking call
   */
  public BlockingCall(String what, ThrowingSupplier<T> job) {
    this.what = what;
    this.job = Objects.requireNonNull(job, "job");
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    if (handle == null) {
      handle = Task.spawnBlocking(job);
    }
    try {
      return handle.poll(cx);
    } catch (JoinException e) {
      throw unwrap(e);
    }
  }

  /**
   * {@return the job's own exception, or {@code e} for an error or a cancelled job}
   *
   * @param e how joining the job failed
   */
  public static Exception unwrap(JoinException e) {
    return e.isFailure() && e.getCause() instanceof Exception own ? own : e;
  }

  /**
   * Takes back the waker left with the job, then aborts the job: one that has not started is
   * dropped, one that runs goes on to its end, and that end wakes nobody.
   */
  @Override
  public void cancel() {
    if (handle != null) {
      handle.cancel(); // abort alone keeps the waker: the job's end would wake a task that left
      handle.abort();
    }
  }

  @Override
  public String toString() {
    return what;
  }
}
