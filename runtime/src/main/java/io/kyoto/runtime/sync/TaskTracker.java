package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts tasks so that a shutdown can wait for them (tokio-util's {@code TaskTracker}).
 *
 * <p>{@link #spawn} runs a future as a task and counts it until it completes, fails or is aborted;
 * {@link #waitAll()} completes once the tracker is {@linkplain #close() closed} <em>and</em> no
 * tracked task is left. Closing does not stop tracking: tasks can still be spawned, and {@code
 * waitAll()} then waits for them too. Unlike {@link io.kyoto.runtime.JoinSet}, the tracker keeps no
 * results, so a task's memory is freed as soon as it exits, and it never aborts tasks: pair it with
 * a {@link CancellationToken} for a graceful shutdown.
 *
 * {@snippet :
 * TaskTracker tracker = new TaskTracker();
 * CancellationToken shutdown = new CancellationToken();
 * for (int i = 0; i < 10; i++) {
 *   tracker.spawn(shutdown.runUntilCancelled(work(i)));
 * }
 * tracker.close();
 * shutdown.cancel();
 * Future<Void> drained = tracker.waitAll();
 * }
 *
 * <p>A task stops counting the moment its future completes, fails (once the failed future is
 * dropped: cancelled, so that what it held is released) or is cancelled, which is just before the
 * task is marked finished; as in tokio, {@code waitAll()} may therefore complete a moment before
 * every {@link JoinHandle#isFinished()} turns true. Join the handles when their results matter.
 *
 * <p><b>Thread safety:</b> thread safe: share one tracker among tasks.
 */
public final class TaskTracker {
  private static final long CLOSED = 1;
  private static final long ONE = 2;

  private final AtomicLong state = new AtomicLong(); // (tracked << 1) | CLOSED
  private final Notify onIdle = new Notify(); // notifyWaiters when closed and empty

  /** Creates an open, empty tracker. */
  public TaskTracker() {}

  /**
   * Spawns {@code future} on the current runtime and tracks it until it completes, fails or is
   * aborted.
   *
   * @param future the task's future
   * @param <T> the value's type
   * @return the task's join handle
   * @throws IllegalStateException outside a runtime
   */
  public <T> JoinHandle<T> spawn(Future<T> future) {
    Future<T> tracked = trackFuture(future);
    try {
      return Task.spawn(tracked);
    } catch (RuntimeException | Error e) {
      tracked.cancel();
      throw e;
    }
  }

  /**
   * Spawns {@code future} on {@code handle}'s runtime and tracks it.
   *
   * @param handle the runtime
   * @param future the task's future
   * @param <T> the value's type
   * @return the task's join handle
   */
  public <T> JoinHandle<T> spawnOn(Handle handle, Future<T> future) {
    Objects.requireNonNull(handle, "handle");
    Future<T> tracked = trackFuture(future);
    try {
      return handle.spawn(tracked);
    } catch (RuntimeException | Error e) {
      tracked.cancel();
      throw e;
    }
  }

  /**
   * {@return {@code future}, tracked from now until it completes, fails or is cancelled}
   * (tokio-util's {@code track_future}). The returned future must be polled to the end or
   * cancelled, or the tracker never becomes empty (Java cannot tell that a future was dropped).
   *
   * <p><b>Cancel safety:</b> as cancel safe as {@code future}; cancelling it cancels {@code future}
   * and stops tracking it.
   *
   * @param future the future
   * @param <T> the value's type
   */
  public <T> Future<T> trackFuture(Future<T> future) {
    Objects.requireNonNull(future, "future");
    return new Tracked<>(future, token());
  }

  /**
   * {@return a token that counts as one tracked task until it is closed} (tokio-util's {@code
   * token}), for work the tracker does not spawn itself, such as a blocking job.
   */
  public TaskTrackerToken token() {
    state.addAndGet(ONE);
    return new TaskTrackerToken(this);
  }

  /**
   * Closes the tracker: {@link #waitAll()} may now complete, once no task is tracked. Tasks can
   * still be spawned.
   *
   * @return true if this call closed it, false if it was closed already
   */
  public boolean close() {
    long prev = state.getAndUpdate(s -> s | CLOSED);
    if ((prev & CLOSED) != 0) {
      return false;
    }
    if (prev == 0) {
      onIdle.notifyWaiters();
    }
    return true;
  }

  /**
   * Reopens a closed tracker: {@link #waitAll()} futures made from now on wait for the next {@link
   * #close()}.
   *
   * @return true if this call reopened it, false if it was open
   */
  public boolean reopen() {
    long prev = state.getAndUpdate(s -> s & ~CLOSED);
    return (prev & CLOSED) != 0;
  }

  /** {@return whether the tracker is closed} */
  public boolean isClosed() {
    return (state.get() & CLOSED) != 0;
  }

  /** {@return the number of tasks (and tokens) tracked now} */
  public long len() {
    return state.get() >>> 1;
  }

  /** {@return whether no task is tracked now} */
  public boolean isEmpty() {
    return (state.get() >>> 1) == 0;
  }

  /**
   * {@return a future that completes once the tracker is closed and empty} (tokio-util's {@code
   * wait}). Ready at once if it already is. Once the tracker has been closed and empty while this
   * future existed, it completes even if the tracker is reopened or gets a task before the future
   * is polled again.
   *
   * <p><b>Cancel safety:</b> cancel safe; nothing is lost.
   */
  public Future<Void> waitAll() {
    Notified idle = onIdle.notified(); // created first: a later close-and-empty completes it
    return new Future<>() {
      @Override
      public Poll<Void> poll(Context cx) {
        if (state.get() == CLOSED) {
          idle.cancel();
          return Poll.ready(null);
        }
        return idle.poll(cx);
      }

      @Override
      public void cancel() {
        idle.cancel();
      }
    };
  }

  void untrack() {
    if (state.addAndGet(-ONE) == CLOSED) {
      onIdle.notifyWaiters();
    }
  }

  @Override
  public String toString() {
    long s = state.get();
    return "TaskTracker{" + ((s & CLOSED) != 0 ? "closed" : "open") + ", len=" + (s >>> 1) + "}";
  }

  /** A tracked future: untracks itself once, when done or cancelled. */
  private static final class Tracked<T> implements Future<T> {
    private final Future<T> inner;
    private final TaskTrackerToken token;
    private boolean dropped; // cancelled, here or after its poll threw: cancel() only untracks

    Tracked(Future<T> inner, TaskTrackerToken token) {
      this.inner = inner;
      this.token = token;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      Poll<T> p;
      try {
        p = inner.poll(cx);
      } catch (Throwable t) {
        // Dropped here, before the token, as tokio-util drops the future before its token: once
        // waitAll() completes, what the tracked futures held is released.
        dropped = true;
        Cancel.afterFailure(inner, t);
        token.close();
        throw t;
      }
      if (p.isReady()) {
        token.close();
      }
      return p;
    }

    @Override
    public void cancel() {
      try {
        if (!dropped) {
          dropped = true;
          inner.cancel();
        }
      } finally {
        token.close();
      }
    }
  }
}
