package io.kyoto.runtime.internal.sync;

import io.kyoto.runtime.Context;

/**
 * One acquisition of permits from a {@link BatchSemaphore}: the state machine that the public
 * acquire futures wrap (tokio's {@code batch_semaphore::Acquire}).
 *
 * <p>The first {@link #poll} takes the permits if they are all there, or takes what there is and
 * queues for the rest. Later polls only look at the outcome (one volatile read) or store the latest
 * waker. {@link #cancel()} leaves the queue and gives back whatever was assigned but not yet
 * observed, to the next waiters first.
 *
 * <p><b>Thread safety:</b> owned by one task at a time, as any future; the semaphore side is thread
 * safe.
 */
public final class Acquire {
  private final BatchSemaphore semaphore;
  final int permits;
  BatchSemaphore.Waiter node; // set by pollFirst when queued
  private boolean finished;

  Acquire(BatchSemaphore semaphore, int permits) {
    this.semaphore = semaphore;
    this.permits = permits;
  }

  /** {@return the permits this acquisition asks for} */
  public int permits() {
    return permits;
  }

  /**
   * Makes progress, consuming one unit of coop budget first.
   *
   * @param cx the polling task's context
   * @return {@link BatchSemaphore#ACQUIRED}, {@link BatchSemaphore#CLOSED} or {@link
   *     BatchSemaphore#PENDING}
   * @throws IllegalStateException if polled after an outcome or after {@link #cancel()}
   */
  public int poll(Context cx) {
    if (finished) {
      throw new IllegalStateException("a completed or cancelled acquire was polled again");
    }
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return BatchSemaphore.PENDING;
    }
    BatchSemaphore.Waiter w = node;
    int r = w == null ? semaphore.pollFirst(this, cx.waker()) : semaphore.pollQueued(w, cx.waker());
    if (r != BatchSemaphore.PENDING) {
      finished = true;
      node = null;
    }
    return r;
  }

  /**
   * Abandons the acquisition: leaves the queue and returns permits assigned but not observed.
   * Idempotent; a no-op after an outcome was returned (the permits then belong to the caller).
   */
  public void cancel() {
    if (finished) {
      return;
    }
    finished = true;
    BatchSemaphore.Waiter w = node;
    node = null;
    if (w != null) {
      semaphore.cancelQueued(w);
    }
  }

  @Override
  public String toString() {
    String what = permits == 1 ? "1 permit" : permits + " permits";
    if (finished) {
      return what + ", done";
    }
    return node == null ? what + ", not yet queued" : "waiting for " + what;
  }
}
