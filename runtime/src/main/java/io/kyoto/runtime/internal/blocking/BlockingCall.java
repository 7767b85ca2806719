package io.kyoto.runtime.internal.blocking;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingSupplier;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A blocking call (a file-system operation, a process start) as a lazy future: spawned on the
 * blocking pool at the first poll, its own exception rethrown unwrapped (a {@link JoinException}
 * remains only for an {@link Error} or a cancelled job). Cancelling aborts a job that has not
 * started; one that has started runs to its end and its result is dropped, as tokio's {@code
 * spawn_blocking}. Either way the cancel takes back the waker the call left with the job, so the
 * job's end neither wakes nor keeps reachable the task that stopped waiting. A result that must not
 * be dropped silently (a started process) goes to an {@code orphan} callback when the call is
 * cancelled after its job started and before the result was delivered.
 *
 * @param <T> the result type
 */
public final class BlockingCall<T> implements Future<T> {
  private static final int RUNNING = 0;
  private static final int CANCELLED = 1; // before the job's end: the job disposes of its result
  private static final int FINISHED = 2; // the job's result is in `result`

  private final ThrowingSupplier<T> job;
  private final String what;
  private final Consumer<? super T> orphan;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private volatile T result; // written by the job before FINISHED
  private JoinHandle<T> handle;
  private boolean delivered; // polling task only

  /**
   * Creates the future; nothing runs before its first poll.
   *
   * @param what the call, for {@link #toString()} (for example {@code Fs.read(/etc/hosts)})
   * @param job the blocking call
   */
  public BlockingCall(String what, ThrowingSupplier<T> job) {
    this(what, job, null);
  }

  /**
   * Creates the future; nothing runs before its first poll.
   *
   * @param what the call, for {@link #toString()}
   * @param job the blocking call
   * @param orphan receives the result of a job that started and then lost its caller (the call was
   *     cancelled before it could deliver the result), exactly once, on the job's thread or the
   *     cancelling one: a resource nobody else will ever see, to be released (a started process to
   *     kill); null to drop such a result
   */
  public BlockingCall(String what, ThrowingSupplier<T> job, Consumer<? super T> orphan) {
    this.what = what;
    this.job = Objects.requireNonNull(job, "job");
    this.orphan = orphan;
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    if (handle == null) {
      handle = Task.spawnBlocking(orphan == null ? job : this::runJob);
    }
    Poll<T> p;
    try {
      p = handle.poll(cx);
    } catch (JoinException e) {
      throw unwrap(e);
    }
    if (p.isReady()) {
      delivered = true;
    }
    return p;
  }

  private T runJob() throws Exception {
    T v = job.get();
    result = v;
    if (!state.compareAndSet(RUNNING, FINISHED)) {
      result = null;
      orphan.accept(v); // cancelled while the job ran: nobody will take v
    }
    return v;
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
      if (orphan != null && !delivered && !state.compareAndSet(RUNNING, CANCELLED)) {
        // The job finished and its result was not delivered: it is ours to dispose of. (A job
        // aborted before it started never runs and leaves nothing.)
        T v = result;
        result = null;
        if (v != null && state.compareAndSet(FINISHED, CANCELLED)) {
          orphan.accept(v);
        }
      }
    }
  }

  @Override
  public String toString() {
    return what;
  }
}
