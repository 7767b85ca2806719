package io.kyoto.runtime.internal.chan;

/**
 * A FIFO of {@link WaitNode}s, doubly linked through the nodes so that a cancelled waiter leaves in
 * O(1). Not thread safe: every method runs with the owner's lock held.
 */
public final class WaitList {
  private WaitNode head;
  private WaitNode tail;

  /** Creates an empty list. */
  public WaitList() {}

  /** {@return whether no node is queued} */
  public boolean isEmpty() {
    return head == null;
  }

  /**
   * Appends {@code node}, which must not be queued.
   *
   * @param node the node
   */
  public void addLast(WaitNode node) {
    assert !node.queued;
    node.queued = true;
    node.next = null;
    node.prev = tail;
    if (tail == null) {
      head = node;
    } else {
      tail.next = node;
    }
    tail = node;
  }

  /** {@return the first node, unlinked, or null if the list is empty} */
  public WaitNode pollFirst() {
    WaitNode n = head;
    if (n != null) {
      unlink(n);
    }
    return n;
  }

  /**
   * Removes {@code node} if it is queued.
   *
   * @param node the node
   * @return whether it was queued
   */
  public boolean remove(WaitNode node) {
    if (!node.queued) {
      return false;
    }
    unlink(node);
    return true;
  }

  /**
   * Unlinks every node and collects its waker, to be woken after the lock is released.
   *
   * @return the wakers, or null if the list was empty (no allocation then)
   */
  public Wakers drain() {
    return head == null ? null : drainTo(new Wakers());
  }

  /**
   * Unlinks every node and adds its waker to {@code out}, to be woken after the lock is released.
   *
   * @param out collects the wakers
   * @return {@code out}
   */
  public Wakers drainTo(Wakers out) {
    WaitNode n = head;
    while (n != null) {
      WaitNode next = n.next;
      n.queued = false;
      n.prev = null;
      n.next = null;
      out.add(n.waker);
      n = next;
    }
    head = null;
    tail = null;
    return out;
  }

  private void unlink(WaitNode n) {
    WaitNode p = n.prev;
    WaitNode x = n.next;
    if (p == null) {
      head = x;
    } else {
      p.next = x;
    }
    if (x == null) {
      tail = p;
    } else {
      x.prev = p;
    }
    n.prev = null;
    n.next = null;
    n.queued = false;
  }
}
