package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;

/**
 * The future of {@link Notify#notified()}: completes when the notify is notified (tokio's {@code
 * Notified}).
 *
 * <p>It completes at its first poll if a permit is stored or if {@link Notify#notifyWaiters()} was
 * called since {@link Notify#notified()} created it; otherwise it joins the notify's FIFO queue.
 *
 * <p><b>Cancel safety:</b> not cancel safe: cancelling loses the future's place in the queue. A
 * {@link Notify#notifyOne()} notification it received but did not report is passed on to the next
 * waiter, or stored as the permit if none waits, so no notification is lost.
 *
 * <p><b>Thread safety:</b> owned by one task at a time, as any future.
 */
public final class Notified implements Future<Void> {
  private static final int INIT = 0;
  private static final int QUEUED = 1;
  private static final int DONE = 2;
  private static final int CANCELLED = 3;
  // Completed by enable() with the stored permit, not yet reported by poll: cancel() re-stores it.
  private static final int PERMIT_TAKEN = 4;

  private final Notify notify;
  final long calls; // notifyWaiters calls seen at creation
  Notify.Waiter node; // set by Notify.register when queued
  private int phase;

  Notified(Notify notify, long calls) {
    this.notify = notify;
    this.calls = calls;
  }

  /**
   * Queues this future without polling it, so that a {@link Notify#notifyOne()} made from now on
   * can reach it (tokio's {@code enable}). Completes it instead if a permit is stored or {@link
   * Notify#notifyWaiters()} was called since its creation. Idempotent.
   *
   * @return true if the future is already notified (its next poll is ready); false does not promise
   *     that it is still pending
   */
  public boolean enable() {
    return switch (phase) {
      case INIT -> {
        int r = notify.register(this, null);
        phase = r == Notify.QUEUED ? QUEUED : r == Notify.BY_PERMIT ? PERMIT_TAKEN : DONE;
        yield r != Notify.QUEUED;
      }
      case QUEUED -> node.notification != Notify.NONE;
      case DONE, PERMIT_TAKEN -> true;
      default -> false;
    };
  }

  @Override
  public Poll<Void> poll(Context cx) {
    if (phase == DONE || phase == PERMIT_TAKEN) {
      phase = DONE;
      return Poll.ready(null);
    }
    if (phase == CANCELLED) {
      throw new IllegalStateException("a cancelled Notified was polled");
    }
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    boolean ready;
    if (phase == INIT) {
      ready = notify.register(this, cx.waker()) != Notify.QUEUED;
      if (!ready) {
        phase = QUEUED;
      }
    } else {
      ready = notify.pollQueued(node, cx.waker());
    }
    if (ready) {
      phase = DONE;
      node = null;
      return Poll.ready(null);
    }
    return Poll.pending();
  }

  /**
   * Stops waiting: leaves the queue, and passes on a {@code notifyOne} notification that arrived
   * but was not reported. Idempotent; a no-op once the future completed.
   */
  @Override
  public void cancel() {
    int p = phase;
    if (p == DONE || p == CANCELLED) {
      return;
    }
    phase = CANCELLED;
    if (p == PERMIT_TAKEN) {
      notify.notifyOne(); // the permit enable() took was never reported: pass it on
      return;
    }
    Notify.Waiter w = node;
    node = null;
    if (w != null) {
      notify.cancelQueued(w);
    }
  }

  @Override
  public String toString() {
    return switch (phase) {
      case INIT -> "Notified{not yet waiting}";
      case QUEUED -> "Notified{waiting for a notification}";
      case DONE, PERMIT_TAKEN -> "Notified{done}";
      default -> "Notified{cancelled}";
    };
  }
}
