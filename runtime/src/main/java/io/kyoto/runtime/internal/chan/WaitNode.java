package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Waker;

/**
 * An intrusive node of a {@link WaitList}: one waiting future (a pending send, a receiver, a {@code
 * closed()} future). Embedding the node in the future itself means that waiting allocates nothing
 * beyond the future.
 *
 * <p>{@code prev}, {@code next} and {@code queued} belong to the lock that guards the list the node
 * is in. {@link #waker} is volatile: the owner may refresh it without that lock, as long as it
 * re-checks its condition afterwards (see the package documentation).
 */
public class WaitNode {
  WaitNode prev;
  WaitNode next;
  boolean queued;

  /** The waker of the owner's latest poll. */
  public volatile Waker waker;

  /** Creates an unlinked node. */
  public WaitNode() {}

  /** {@return whether the node is in a list} Call with the list's lock held. */
  public final boolean isQueued() {
    return queued;
  }

  /**
   * Stores {@code w} unless it is already stored (saving a volatile write on re-polls).
   *
   * @param w the waker of the latest poll
   */
  public final void setWaker(Waker w) {
    if (waker != w) {
      waker = w;
    }
  }
}
