package io.kyoto.runtime.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The scheduler's shared FIFO (tokio's inject queue): wakes from threads that are not workers of
 * this runtime, and the overflow of full {@link LocalQueue}s. Workers pull from it every {@code
 * globalQueueInterval} ticks and when their own queues are empty.
 *
 * <p>Implementation: an {@link ArrayDeque} guarded by one monitor (tokio guards an intrusive list
 * with a mutex; a ring gives the same cost without a node per task). The length is mirrored in a
 * field that is read without the monitor, so an empty queue costs a load, not a lock. The ring is
 * replaced by a small one when it empties after a burst, so a spike does not pin memory.
 *
 * <p>Shutdown: after {@link #close()}, pushes return {@code false} and leave the tasks with the
 * caller; pops keep draining what was queued before.
 *
 * <p>Thread safety: every method may be called from any thread. The {@code rest} callback of {@link
 * #popBatch} runs under the monitor.
 *
 * @param <T> the element type (the scheduler's task)
 */
public final class InjectQueue<T> {
  /** A ring that held more than this many tasks is dropped when it empties. */
  private static final int SHRINK_THRESHOLD = 1024;

  private static final VarHandle LEN;

  static {
    try {
      LEN = MethodHandles.lookup().findVarHandle(InjectQueue.class, "len", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object lock = new Object();

  /** Guarded by {@link #lock}. */
  private ArrayDeque<T> tasks = new ArrayDeque<>();

  /** Largest size of {@link #tasks} since it was last replaced. Guarded by {@link #lock}. */
  private int peak;

  /** Guarded by {@link #lock}. */
  private boolean closed;

  /** Mirror of {@code tasks.size()}: stored under the lock, loaded anywhere; via {@link #LEN}. */
  private int len;

  /** Creates an empty, open queue. */
  public InjectQueue() {}

  /**
   * Appends a task.
   *
   * @param task the task
   * @return false if the queue is closed; the task was not taken
   */
  public boolean push(T task) {
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      if (closed) {
        return false;
      }
      tasks.addLast(task);
      grew();
      return true;
    }
  }

  /**
   * Appends tasks in order under one lock acquisition (a local queue's overflow).
   *
   * @param batch the tasks, oldest first; read during the call only
   * @return false if the queue is closed; no task was taken
   */
  public boolean pushBatch(List<? extends T> batch) {
    int n = batch.size();
    for (int i = 0; i < n; i++) {
      Objects.requireNonNull(batch.get(i), "task");
    }
    synchronized (lock) {
      if (closed) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        tasks.addLast(batch.get(i));
      }
      grew();
      return true;
    }
  }

  /**
   * Removes the oldest task.
   *
   * @return the task, or {@code null} if the queue is empty
   */
  public T pop() {
    if (isEmpty()) {
      return null;
    }
    synchronized (lock) {
      T task = tasks.pollFirst();
      if (task != null) {
        shrank();
      }
      return task;
    }
  }

  /**
   * Removes up to {@code max} tasks under one lock acquisition: returns the oldest, and hands the
   * others, oldest first, to {@code rest}. A worker runs the first and pushes the rest into its
   * local queue with {@link LocalQueue#pushBack}, sizing {@code max} as tokio does: {@code max(1,
   * min(len() / workers + 1, localQueue.remainingSlots(), capacity / 2))}.
   *
   * @param max the most tasks to remove, at least 1
   * @param rest receives the tasks after the first, under the lock; it must not throw or block
   * @return the oldest task, or {@code null} if the queue is empty
   */
  public T popBatch(int max, Consumer<? super T> rest) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    Objects.requireNonNull(rest, "rest");
    if (isEmpty()) {
      return null;
    }
    synchronized (lock) {
      T first = tasks.pollFirst();
      if (first == null) {
        return null;
      }
      try {
        for (int i = 1; i < max; i++) {
          T task = tasks.pollFirst();
          if (task == null) {
            break;
          }
          rest.accept(task);
        }
      } finally {
        shrank();
      }
      return first;
    }
  }

  /**
   * Number of queued tasks, without taking the lock (tokio's {@code global_queue_depth}).
   *
   * @return the length as of the latest push or pop
   */
  public int len() {
    // acquire: pairs with the release store under the lock, so a reader that sees n > 0 and then
    // locks finds the tasks (the lock orders that anyway); cheap enough to keep the reasoning flat.
    return (int) LEN.getAcquire(this);
  }

  /**
   * Whether no task is queued, without taking the lock.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return len() == 0;
  }

  /**
   * Closes the queue: later pushes are refused; queued tasks can still be popped.
   *
   * @return true if this call closed it, false if it was already closed
   */
  public boolean close() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    }
  }

  /**
   * Whether {@link #close()} has been called.
   *
   * @return true if closed
   */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** After adding, under the lock. */
  private void grew() {
    int size = tasks.size();
    peak = Math.max(peak, size);
    // release: publishes the new length to lock-free readers.
    LEN.setRelease(this, size);
  }

  /** After removing, under the lock. */
  private void shrank() {
    int size = tasks.size();
    if (size == 0 && peak > SHRINK_THRESHOLD) {
      tasks = new ArrayDeque<>();
      peak = 0;
    }
    // release: publishes the new length to lock-free readers.
    LEN.setRelease(this, size);
  }

  @Override
  public String toString() {
    return "InjectQueue[len=" + len() + "]";
  }
}
