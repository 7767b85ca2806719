package io.kyoto.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A set of tasks whose results are collected in completion order, as tokio's {@code JoinSet}.
 *
 * <p>{@link #joinNext()} yields the result of whichever task finishes first; {@link #joinAll()}
 * collects them all, in that order. Closing the set aborts every task still in it (tokio's drop).
 * Try-with-resources scopes the tasks to a block only where the block itself waits for them (a
 * thread that calls {@code rt.blockOn(set.joinAll())} inside it): a future returned from the block
 * is lazy, and would find the set closed, its tasks aborted, at its first poll.
 *
 * <p>Scoped with {@link Futures#using}, a set is Kotlin's {@code coroutineScope}: its tasks end
 * with the scope, whether it completes, fails or is cancelled (a timeout, a lost select):
 *
 * {@snippet :
 * Future<List<Integer>> all = Futures.using(new JoinSet<Integer>(), set -> {
 *   urls.forEach(url -> set.spawn(fetch(url)));
 *   return set.joinAll(); // a failure, or a cancellation from outside, aborts the rest
 * });
 * }
 *
 * <p><b>Thread safety:</b> not thread safe: owned by one task. Tasks completing on other threads
 * are handed over through a concurrent queue.
 *
 * @param <T> the tasks' value type
 */
public final class JoinSet<T> implements AutoCloseable {
  private final Set<Entry> entries = new LinkedHashSet<>();
  private final ConcurrentLinkedQueue<Entry> notified = new ConcurrentLinkedQueue<>();
  // The registration of the joinNext() future polled last. Each future registers an object of its
  // own, so that cancelling an older future clears only its own registration, never a newer one's
  // (which may even carry the same task waker).
  private final AtomicReference<Registration> joiner = new AtomicReference<>();

  /** Creates an empty set. */
  public JoinSet() {}

  /** One task: its handle, polled with a waker that queues the entry as notified. */
  private final class Entry implements Waker {
    final JoinHandle<T> handle;
    final Context cx = new Context(this);
    // Set when queued in `notified`; cleared when taken. Volatile: set by completing threads.
    volatile boolean queued;

    Entry(JoinHandle<T> handle) {
      this.handle = handle;
    }

    @Override
    public void wake() {
      if (!queued) {
        queued = true;
        notified.add(this);
        Registration r = joiner.get();
        if (r != null) {
          r.waker.wake();
        }
      }
    }
  }

  /**
   * Spawns {@code future} on the current runtime into this set.
   *
   * @param future the task's future
   * @return a handle to abort this task alone
   * @throws IllegalStateException outside a runtime
   */
  public AbortHandle spawn(Future<T> future) {
    return add(Task.spawn(Objects.requireNonNull(future, "future")));
  }

  /**
   * Spawns {@code future} on {@code handle}'s runtime into this set.
   *
   * @param handle the runtime
   * @param future the task's future
   * @return a handle to abort this task alone
   */
  public AbortHandle spawnOn(Handle handle, Future<T> future) {
    return add(handle.spawn(Objects.requireNonNull(future, "future")));
  }

  /**
   * Runs {@code job} on the current runtime's blocking pool as a task of this set (tokio's {@code
   * JoinSet::spawn_blocking}). As {@link Task#spawnBlocking}, aborting it only prevents a job that
   * has not started.
   *
   * @param job the blocking work
   * @return a handle to abort this job alone
   * @throws IllegalStateException outside a runtime
   */
  public AbortHandle spawnBlocking(ThrowingSupplier<T> job) {
    return add(Task.spawnBlocking(Objects.requireNonNull(job, "job")));
  }

  private AbortHandle add(JoinHandle<T> handle) {
    Entry e = new Entry(handle);
    entries.add(e);
    e.wake(); // poll it once so its completion notifies us
    return handle.abortHandle();
  }

  /** {@return the number of tasks not yet joined} */
  public int size() {
    return entries.size();
  }

  /** {@return whether no task is left to join} */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * {@return a future of the next task to complete: its value, or {@link Optional#empty()} once the
   * set is empty} A task that failed or was aborted fails the returned future with its {@link
   * JoinException}, and leaves the set.
   *
   * <p>A task whose value is {@code null} (every task of a {@code JoinSet<Void>}) also yields
   * {@link Optional#empty()}, so to join every task loop while {@link #isEmpty()} is false rather
   * than until the result is empty: each completed {@code joinNext()} has removed one task.
   *
   * <p><b>Cancel safety:</b> cancel safe: if the future is cancelled, no result is lost; the next
   * call yields it.
   */
  public Future<Optional<T>> joinNext() {
    return new Future<>() {
      private Registration registration; // this future's, reused while its waker is the same

      @Override
      public Poll<Optional<T>> poll(Context cx) throws JoinException {
        if (entries.isEmpty()) {
          if (abortedByClose > 0) {
            throw joinAfterClose(); // else an empty result would pass for "every task joined"
          }
          return Poll.ready(Optional.empty());
        }
        Registration r = registration;
        if (r == null || r.waker != cx.waker()) {
          r = new Registration(cx.waker());
          registration = r;
        }
        joiner.set(r);
        Entry e;
        while ((e = notified.poll()) != null) {
          e.queued = false;
          if (!entries.contains(e)) {
            continue;
          }
          Poll<T> p;
          try {
            p = e.handle.poll(e.cx);
          } catch (JoinException failure) {
            entries.remove(e);
            throw failure;
          }
          if (p.isReady()) {
            entries.remove(e);
            return Poll.ready(Optional.ofNullable(p.value()));
          }
        }
        return Poll.pending();
      }

      @Override
      public void cancel() {
        Registration r = registration;
        if (r != null) {
          joiner.compareAndSet(r, null); // only if no newer joinNext() registered since
        }
      }
    };
  }

  /**
   * {@return a future of every task's value, in the order the tasks completed} tokio's {@code
   * join_all}: {@link #joinNext()} in a loop until the set is empty, collecting the values ({@code
   * null} ones included, so a {@code JoinSet<Void>} yields a list of nulls, one per task). Tasks
   * spawned into the set while it runs are joined too.
   *
   * <p>If a task failed or was aborted, the future fails with that task's {@link JoinException} and
   * aborts every task still in the set, as tokio's does; they stay in the set until joined (see
   * {@link #shutdown()}) or the set is closed. To go on past failures, loop over {@code joinNext()}
   * instead.
   *
   * {@snippet :
   * Future<List<Integer>> values = Futures.using(new JoinSet<Integer>(), set -> {
   *   for (int i = 0; i < 10; i++) {
   *     set.spawn(work(i));
   *   }
   *   return set.joinAll(); // completes with the ten values, fastest first
   * }); // the set is closed once joinAll completes, fails or is cancelled
   * }
   *
   * <p>Not {@code try (JoinSet<Integer> set = ...) { return set.joinAll(); }}: the future is lazy,
   * so the set would be closed, and its tasks aborted, before the future is first polled. {@link
   * Futures#using} closes it when the future ends.
   *
   * <p><b>Cancel safety:</b> not cancel safe: the values joined before the cancellation are lost.
   * The tasks not joined yet stay in the set, running.
   */
  public Future<List<T>> joinAll() {
    return Futures.lazy(
        () -> {
          if (entries.isEmpty() && abortedByClose > 0) {
            throw joinAfterClose();
          }
          List<T> values = new ArrayList<>(entries.size());
          Future<List<T>> all =
              Futures.<List<T>, List<T>>loop(
                  values,
                  acc ->
                      isEmpty()
                          ? Futures.ready(Futures.Step.done(acc))
                          : joinNext()
                              .map(
                                  v -> {
                                    acc.add(v.orElse(null));
                                    return Futures.Step.next(acc);
                                  }));
          return all.recoverWith(
              failure -> {
                abortAll(); // as tokio's join_all: one failure cancels the rest
                throw failure;
              });
        });
  }

  /** The waker of one {@code joinNext()} future, as registered; compared by identity. */
  private static final class Registration {
    final Waker waker;

    Registration(Waker waker) {
      this.waker = waker;
    }
  }

  /** Aborts every task in the set; they stay in it until joined. */
  public void abortAll() {
    for (Entry e : entries) {
      e.handle.abort();
    }
  }

  /** Removes every task from the set without aborting it: they run on, detached. */
  public void detachAll() {
    entries.clear();
    notified.clear();
  }

  /**
   * {@return a future that aborts every task and completes once all have finished} Results and
   * failures are discarded. As every future, it does nothing until polled: the tasks are aborted at
   * its first poll (tokio's {@code shutdown} is an {@code async fn}).
   */
  public Future<Void> shutdown() {
    return Futures.lazy(
        () -> {
          abortAll();
          return Futures.<Void, Void>loop(
              null,
              ignored ->
                  joinNext()
                      .<Futures.Step<Void, Void>>handle(
                          (value, error) ->
                              isEmpty() ? Futures.Step.done(null) : Futures.Step.next(null)));
        });
  }

  /**
   * Aborts every task still in the set, as dropping a tokio {@code JoinSet} does, and removes them.
   * A {@link #joinNext()} or {@link #joinAll()} polled afterwards on a set this emptied fails with
   * an {@link IllegalStateException} (rather than reporting an empty set as if every task had been
   * joined): the mark of a lazy join returned from a try-with-resources block.
   */
  @Override
  public void close() {
    if (!entries.isEmpty()) {
      abortedByClose += entries.size();
    }
    abortAll();
    entries.clear();
    notified.clear();
  }

  /** Tasks that {@link #close} aborted and removed: a join after that would report none of them. */
  private int abortedByClose;

  private IllegalStateException joinAfterClose() {
    return new IllegalStateException(
        "this JoinSet was closed before this join was polled, which aborted its "
            + abortedByClose
            + " task(s): a future returned from a try-with-resources block runs after the block"
            + " closed the set; scope the set with Futures.using(new JoinSet<>(), set -> ...)"
            + " instead");
  }
}
