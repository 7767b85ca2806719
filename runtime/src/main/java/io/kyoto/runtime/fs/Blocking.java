package io.kyoto.runtime.fs;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingSupplier;
import java.util.Objects;

/**
 * A blocking file-system call as a lazy future: spawned on the blocking pool at the first poll, its
 * own exception rethrown unwrapped (a {@link JoinException} remains only for an {@link Error} or a
 * cancelled job). Cancelling aborts a job that has not started; one that has started runs to its
 * end and its result is dropped, as tokio's {@code spawn_blocking}.
 *
 * @param <T> the result type
 */
final class Blocking<T> implements Future<T> {
  private final ThrowingSupplier<T> job;
  private final String what;
  private JoinHandle<T> handle;

  Blocking(String what, ThrowingSupplier<T> job) {
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

  /** {@return the job's own exception, or {@code e} for an error or a cancelled job} */
  static Exception unwrap(JoinException e) {
    return e.isFailure() && e.getCause() instanceof Exception own ? own : e;
  }

  @Override
  public void cancel() {
    if (handle != null) {
      handle.abort();
    }
  }

  @Override
  public String toString() {
    return "Fs." + what;
  }
}
