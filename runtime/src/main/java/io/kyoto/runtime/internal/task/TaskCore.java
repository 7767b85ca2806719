package io.kyoto.runtime.internal.task;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A spawned task: the future, its state word, its output, and the waker of its joiner. One object
 * per task: it is also the {@link Context} its future is polled with, the {@link Waker} that future
 * hands out, and the {@link JoinHandle} that {@code spawn} returns.
 *
 * <h2>State bits</h2>
 *
 * <ul>
 *   <li>{@link #RUNNING}: a worker is polling the future. Only the thread that set it touches the
 *       future (in {@code stage}), the runner's {@code flags} and the context's budget.
 *   <li>{@link #NOTIFIED}: the task must be polled (again). Set by {@link #wake()}; while it is set
 *       and the task is not running, the task is in exactly one run queue (or about to be).
 *   <li>{@link #CANCELLED}: abort was requested; the next run cancels the future instead of polling
 *       it.
 *   <li>{@link #COMPLETE}: the output (or failure) is stored; terminal. Set with release semantics
 *       after the result is written, so a joiner that sees it sees the result.
 * </ul>
 *
 * <h2>Transitions</h2>
 *
 * <ol>
 *   <li>wake: idle → NOTIFIED and {@code schedule}; RUNNING → RUNNING|NOTIFIED (the runner
 *       reschedules after its poll); NOTIFIED or COMPLETE → unchanged. So a task is queued at most
 *       once however often it is woken.
 *   <li>run: NOTIFIED → RUNNING (clearing NOTIFIED), then poll; then RUNNING → idle, or → NOTIFIED
 *       and reschedule if woken meanwhile, or → COMPLETE.
 *   <li>spawn ({@link #scheduleNew}): a new task is queued holding RUNNING, as after a yield.
 *   <li>yield ({@code yieldNow}, {@link #yieldFromOwnPoll}): after a pending poll that yielded (and
 *       was not aborted), the runner keeps RUNNING, marks the task {@code HELD} and defers it; the
 *       run that takes it from the queue inherits RUNNING without a compare-and-set (it only clears
 *       a NOTIFIED set by a wake in between). While queued so, the task is RUNNING for everyone
 *       else: a wake sets NOTIFIED, an abort sets CANCELLED, neither schedules it, and the next run
 *       handles both. So the task is still queued at most once, and the held entry is the only way
 *       back to a worker.
 *   <li>abort: sets CANCELLED (an abort that arrives during a poll that completes the task is
 *       dropped: the output wins, as in tokio); if the task was idle it also sets NOTIFIED and
 *       schedules it, so a worker runs the cancellation (the future's {@code cancel()} always runs
 *       on a worker, never on the aborting thread, because only the runner may touch the future).
 *   <li>join: the joiner stores its waker (volatile), then re-reads the state; the completer sets
 *       COMPLETE, then reads the waker. With both accesses volatile one of them sees the other, so
 *       no completion is missed.
 * </ol>
 *
 * @param <T> the output's type
 */
public final class TaskCore<T> extends Context implements Waker, JoinHandle<T> {
  /** Being polled. */
  public static final int RUNNING = 1;

  /** Must be polled; queued. */
  public static final int NOTIFIED = 1 << 1;

  /** Abort requested. */
  public static final int CANCELLED = 1 << 2;

  /** Terminal: output or failure stored. */
  public static final int COMPLETE = 1 << 3;

  private static final VarHandle STATE;
  private static final VarHandle ID;
  private static final AtomicLong IDS = new AtomicLong(1);

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(TaskCore.class, "state", int.class);
      ID = MethodHandles.lookup().findVarHandle(TaskCore.class, "id", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Assigned on first use (a dump, a join failure, the alive list): 0 until then. Most tasks of a
  // server never need one, and a shared counter bumped on every spawn is a contended atomic.
  private volatile long id;
  private final Scheduler scheduler;
  // The future while the task runs, then its output, or a Failed holding the failure (a
  // CancellationException when cancelled): one field for both, as tokio's task stage. The runner
  // alone touches it until COMPLETE, which is set (release) after the output is written and read
  // (acquire) by the joiner before it reads the output.
  private Object stage;
  private volatile int state;
  private volatile Waker joinWaker;
  // The runner's bits, written only by the thread that holds RUNNING (or, for HELD, by the spawner
  // before the task is published): the OwnedTasks shard (index + 1; 0 when not listed), YIELDED
  // (yieldNow in the current poll: requeue behind the driver turn, keeping RUNNING) and HELD
  // (queued holding RUNNING, new from scheduleNew or after a yield: the next run takes RUNNING over
  // instead of setting it). A run queue's release/acquire orders them from one runner to the next,
  // as it orders the poll's own writes. One int instead of four fields keeps a task at 56 bytes.
  private int flags;
  // OwnedTasks links, under the monitor of the task's shard.
  TaskCore<?> ownedPrev;
  TaskCore<?> ownedNext;

  private static final int OWNED_MASK = (1 << 24) - 1;
  private static final int YIELDED = 1 << 24;
  private static final int HELD = 1 << 25;

  /**
   * Creates a task; it is not queued until {@link #wake()}.
   *
   * @param future the task's future
   * @param scheduler where the task runs
   */
  public TaskCore(Future<T> future, Scheduler scheduler) {
    this.stage = future;
    this.scheduler = scheduler;
    // The task is its own Context (and waker): no separate object per task.
  }

  /**
   * {@return the task's id, unique in this JVM} Assigned on the first call, so ids follow the order
   * in which they were first asked for, not the spawn order (tokio promises uniqueness only).
   */
  @Override
  public long id() {
    long current = id;
    if (current != 0) {
      return current;
    }
    long fresh = IDS.getAndIncrement();
    long witness = (long) ID.compareAndExchange(this, 0L, fresh);
    return witness == 0 ? fresh : witness; // a racing caller's id wins; ours is skipped
  }

  /**
   * Queues a task that was just created and never woken, already holding {@link #RUNNING} for its
   * first run, as a yielded task does (see {@link #yieldFromOwnPoll}): no compare-and-set now (no
   * other thread can see the task yet; the run queue publishes it) and none when its first run
   * starts. Until then a wake or an abort only sets its bit. Only for a task that nothing else has
   * touched since its constructor.
   */
  public void scheduleNew() {
    STATE.set(this, RUNNING);
    flags |= HELD;
    scheduler.schedule(this);
  }

  /** {@return the state bits, for diagnostics and tests} */
  public int state() {
    return state;
  }

  /**
   * {@return the coop budget left after the last {@link #run}} Read by the runner's thread right
   * after {@code run}, to share the rest of a budget with the tasks it woke into the LIFO slot.
   */
  public int remainingBudget() {
    return budget();
  }

  /**
   * {@return the task's future for a task dump, or null once the task completed} Read without
   * synchronization from any thread: a best-effort look at a future another thread may be polling.
   */
  public Future<?> futureForDump() {
    Object s = stage;
    // A completed task's output may itself be a future: the state tells the two apart (best
    // effort: a completion racing with this read may still show the output).
    return (state & COMPLETE) == 0 && s instanceof Future<?> f ? f : null;
  }

  /** {@return whether the task completed, failed or was cancelled} */
  public boolean isComplete() {
    return (state & COMPLETE) != 0;
  }

  @Override
  public boolean isFinished() {
    return isComplete();
  }

  @Override
  public void wake() {
    int s;
    do {
      s = state;
      if ((s & (COMPLETE | NOTIFIED)) != 0) {
        return;
      }
    } while (!STATE.compareAndSet(this, s, s | NOTIFIED));
    if ((s & RUNNING) == 0) {
      scheduler.schedule(this);
    }
  }

  /**
   * {@code yieldNow} from inside this task's poll: the task will be queued again once the poll
   * returns pending, behind the scheduler's next driver turn ({@link Scheduler#defer}), without
   * giving up {@link #RUNNING} in between. A yield is a wake the task gives itself, so it needs
   * none of the three compare-and-sets a wake through the state word costs (set NOTIFIED during the
   * poll, release RUNNING after it, take RUNNING back in the next run); foreign wakes and aborts
   * meanwhile see RUNNING and only set their bit, which the next run handles, exactly as during a
   * poll.
   *
   * @return true if the yield was recorded; false if the caller is not polling this task (a waker
   *     used outside its task's poll), and must wake the task instead
   */
  public boolean yieldFromOwnPoll() {
    // The scheduler knows which task each of its threads is polling: asking it costs the yield a
    // lookup and saves every other run storing its thread in the task.
    if (!scheduler.isPolling(this)) {
      return false;
    }
    flags |= YIELDED;
    return true;
  }

  /**
   * {@return whether the task is queued holding {@link #RUNNING}: spawned and not run yet, or after
   * a yield} A racy, best-effort read for task dumps.
   */
  public boolean isQueuedRunning() {
    return (flags & HELD) != 0;
  }

  /** {@return the task's shard in {@link OwnedTasks} plus one, or 0 when it is not listed} */
  int ownedIn() {
    return flags & OWNED_MASK;
  }

  /** Records the task's shard in {@link OwnedTasks} (plus one; 0 when removed). Runner only. */
  void setOwnedIn(int in) {
    if (in < 0 || in > OWNED_MASK) {
      throw new IllegalArgumentException("shard out of range: " + in);
    }
    flags = (flags & ~OWNED_MASK) | in;
  }

  /** Requests cancellation at the next suspension point; idempotent. */
  @Override
  public void abort() {
    int s;
    int next;
    do {
      s = state;
      if ((s & (COMPLETE | CANCELLED)) != 0) {
        return;
      }
      next = s | CANCELLED;
      if ((s & (RUNNING | NOTIFIED)) == 0) {
        next |= NOTIFIED;
      }
    } while (!STATE.compareAndSet(this, s, next));
    if ((s & (RUNNING | NOTIFIED)) == 0) {
      scheduler.schedule(this);
    }
  }

  /**
   * Cancels a task taken from a run queue at shutdown, on the calling thread: aborts it, then runs
   * it once, which cancels its future without polling it. A queued task may never have been polled,
   * so the alive-list sweep does not reach it; a stale queue entry is left as it is.
   */
  public void cancelQueued() {
    abort();
    run(Context.INITIAL_BUDGET);
  }

  /**
   * Runs the task once: polls the future (or cancels it), then reschedules or completes it. Never
   * throws: a failing future is cancelled (dropped; see {@link Cancel#afterFailure}) and completes
   * the task with its exception.
   *
   * @param budget the coop budget for this poll
   * @return true if the task ran to completion (or was cancelled) in this call
   */
  public boolean run(int budget) {
    int s;
    int fl = flags;
    if ((fl & HELD) != 0) {
      flags = fl & ~HELD;
      s = takeOverHeld();
    } else {
      do {
        s = state;
        if ((s & (COMPLETE | RUNNING)) != 0 || (s & NOTIFIED) == 0) {
          return false; // already done, or a stale queue entry
        }
      } while (!STATE.compareAndSet(this, s, (s & ~NOTIFIED) | RUNNING));
    }
    @SuppressWarnings("unchecked") // not complete, so the stage holds the future
    Future<T> f = (Future<T>) stage;
    if ((s & CANCELLED) != 0) {
      cancelFuture(f);
      return true;
    }
    Poll<T> p;
    try {
      setBudget(budget);
      p = f.poll(this);
    } catch (Throwable t) {
      stage = null;
      // The failed future is dropped: its cancel() releases what it still holds (a queued waiter,
      // a timer), as tokio's drop of a panicked future does, before the joiner can see the failure.
      Cancel.afterFailure(f, t);
      complete(null, t);
      if (stage instanceof Failed failed) { // not yet joined away
        UnobservedFailures.watch(this, failed, id());
      }
      scheduler.onTaskFailure(this, t);
      return true;
    }
    if (p.isReady()) {
      complete(p.value(), null); // the output replaces the future in the stage
      return true;
    }
    if (budget() == 0) {
      scheduler.onForcedYield();
    }
    if ((flags & OWNED_MASK) == 0) {
      // First pending poll: join the alive list while still RUNNING, so that no other thread can
      // complete the task (and skip its removal) before it is in the list. `ownedIn` is only
      // written by the task's runner (here and on completion), so reading it here needs no lock.
      scheduler.onFirstPending(this);
    }
    fl = flags;
    if ((fl & YIELDED) != 0) {
      if ((state & CANCELLED) == 0) {
        flags = (fl & ~YIELDED) | HELD; // an abort from now on is seen by the next run
        scheduler.defer(this);
        return false;
      }
      flags = fl & ~YIELDED;
    }
    // Pending: release RUNNING; if woken or aborted meanwhile, go round again.
    while (true) {
      s = state;
      if ((s & CANCELLED) != 0) {
        STATE.compareAndSet(this, s, (s & ~NOTIFIED));
        cancelFuture(f);
        return true;
      }
      int next = s & ~RUNNING;
      if (STATE.compareAndSet(this, s, next)) {
        if ((s & NOTIFIED) != 0) {
          scheduler.schedule(this);
        }
        return false;
      }
    }
  }

  /**
   * Takes RUNNING over from whoever queued this task holding it (the spawner, or the run that
   * yielded): clears NOTIFIED, set by a wake while the task waited (this run's poll covers it), and
   * returns the state as it was.
   */
  private int takeOverHeld() {
    int s = state;
    while ((s & NOTIFIED) != 0) {
      int witness = (int) STATE.compareAndExchange(this, s, s & ~NOTIFIED);
      if (witness == s) {
        break;
      }
      s = witness;
    }
    return s;
  }

  private void cancelFuture(Future<T> f) {
    stage = null;
    try {
      if (f != null) {
        f.cancel();
      }
    } catch (Throwable t) {
      // A failing cancel must not hide the cancellation; the future is gone either way.
    }
    complete(null, new CancellationException("task " + id() + " was aborted"));
  }

  private void complete(T value, Throwable error) {
    stage = error != null ? new Failed(error) : value;
    // Leave the alive set before a joiner can observe completion, so a joined task never counts
    // as alive in the metrics.
    scheduler.onTaskTerminated(this);
    int s;
    do {
      s = state;
    } while (!STATE.compareAndSet(this, s, (s & ~(RUNNING | NOTIFIED)) | COMPLETE));
    Waker w = joinWaker;
    if (w != null) {
      w.wake();
    }
  }

  /**
   * Polls for the output on behalf of the join handle (or a blocking job's future). Spends one unit
   * of the joiner's coop budget; with none left, it wakes the joiner and returns pending at once.
   *
   * @param joiner the joiner's context
   * @return the output when complete, else pending after storing the joiner's waker (or after a
   *     wake-up, when the budget is spent)
   * @throws TaskFailure wrapping the task's failure, or its cancellation
   */
  public Poll<T> pollJoin(Context joiner) throws TaskFailure {
    if (!joiner.tryConsumeBudget()) { // a join is a resource wait: it spends the joiner's budget
      joiner.waker().wake();
      return Poll.pending();
    }
    if ((state & COMPLETE) == 0) {
      joinWaker = joiner.waker();
      if ((state & COMPLETE) == 0) {
        return Poll.pending();
      }
    }
    Object r = stage;
    if (r instanceof Failed f) {
      f.observed = true;
      throw new TaskFailure(f.error);
    }
    @SuppressWarnings("unchecked") // only complete(T, null) stores anything else
    T value = (T) r;
    return Poll.ready(value);
  }

  /**
   * A failed task's result, so that no output value can be mistaken for a failure; {@code observed}
   * once a joiner has been given it (see {@link UnobservedFailures}).
   */
  static final class Failed {
    final Throwable error;
    volatile boolean observed;

    Failed(Throwable error) {
      this.error = error;
    }
  }

  /** Forgets the joiner's waker (the join handle was cancelled). */
  public void clearJoinWaker() {
    joinWaker = null;
  }

  /**
   * Forgets the joiner's waker if it is {@code waker}: a joiner that polls on behalf of several
   * waiters in turn (a blocking pipe's reader) takes back one cancelled waiter's waker only.
   *
   * @param waker the waker to forget
   */
  public void withdrawJoinWaker(Waker waker) {
    // Check-then-store without a CAS: only the joining task writes joinWaker (pollJoin, the
    // clears);
    // complete() only reads it, so at worst it wakes the withdrawn waker once, a spurious wake-up.
    if (joinWaker == waker) {
      joinWaker = null;
    }
  }

  @Override
  public String toString() {
    int s = state;
    return "Task{id="
        + id()
        + ((s & RUNNING) != 0 ? ", running" : "")
        + ((s & NOTIFIED) != 0 ? ", notified" : "")
        + ((s & CANCELLED) != 0 ? ", cancelled" : "")
        + ((s & COMPLETE) != 0 ? ", complete" : "")
        + "}";
  }

  /** Carries a task's failure (or cancellation) to its join handle, which unwraps it. */
  public static final class TaskFailure extends Exception {
    private static final long serialVersionUID = 1L;

    TaskFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
