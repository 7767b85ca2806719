package io.kyoto.runtime.internal.chan;

/**
 * A future waiting in a {@link Capacity}'s FIFO for one unit of capacity: a pending send or
 * reserve. {@link #status} is written under the capacity's lock and read by the owner without it
 * (volatile), after the owner refreshed its {@link #waker} (the Dekker pair of the package docs).
 */
public abstract class CapacityWaiter extends WaitNode {
  /** Not queued yet (or finished on the fast path). */
  public static final int IDLE = 0;

  /** In the FIFO. */
  public static final int QUEUED = 1;

  /** Capacity assigned and not consumed yet: the owner must use it or give it back. */
  public static final int GRANTED = 2;

  /** Capacity assigned and consumed by {@link #granted()} itself (a handed-off message). */
  public static final int DONE = 3;

  /** The channel closed while it waited; it holds no capacity. */
  public static final int CLOSED = 4;

  /** Cancelled while queued; it holds no capacity. */
  public static final int CANCELLED = 5;

  /** The waiter's state: one of the constants above. */
  public volatile int status;

  /** Whether the unit this waiter receives is held as a permit (a reservation), not a message. */
  final boolean permit;

  /**
   * Creates an idle waiter.
   *
   * @param permit true for a reservation, false for a send
   */
  protected CapacityWaiter(boolean permit) {
    this.permit = permit;
  }

  /**
   * Called with the capacity's lock held when this waiter, first in line, receives one unit of
   * capacity. Returns {@link #GRANTED} to keep it, or {@link #DONE} after consuming it at once (a
   * send pushes its message here, so the receiver never waits for the sending task to run). Must
   * not block or run user code.
   *
   * @return the new status
   */
  protected abstract int granted();
}
