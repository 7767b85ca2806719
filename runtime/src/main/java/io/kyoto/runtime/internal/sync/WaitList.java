package io.kyoto.runtime.internal.sync;

/**
 * An intrusive doubly linked FIFO of waiter nodes, the queue behind every primitive of {@code
 * io.kyoto.runtime.sync} (tokio's {@code util::linked_list}).
 *
 * <p>A node links itself into at most one list at a time; {@link #remove} of a node that is not
 * linked (already popped, or never pushed) is a no-op that returns false, so a cancelled waiter can
 * always try to unlink itself without knowing whether a notifier got there first. Every operation
 * is O(1) and allocates nothing.
 *
 * <p><b>Thread safety:</b> none. The owning primitive guards the list and every node's links with
 * one lock; see the package documentation.
 *
 * @param <N> the node type
 */
public final class WaitList<N extends WaitList.Node<N>> {
  private N head;
  private N tail;
  private int size;

  /** Creates an empty list. */
  public WaitList() {}

  /**
   * A node of a {@link WaitList}. Subclasses add the waiter's own fields.
   *
   * @param <N> the concrete node type
   */
  public abstract static class Node<N extends Node<N>> {
    N prev;
    N next;
    boolean linked;

    /** Creates an unlinked node. */
    protected Node() {}

    /** {@return whether the node is in a list} Guarded by the list's lock. */
    public final boolean isLinked() {
      return linked;
    }
  }

  /** {@return whether the list is empty} */
  public boolean isEmpty() {
    return head == null;
  }

  /** {@return the number of linked nodes} */
  public int size() {
    return size;
  }

  /** {@return the first node, or null} */
  public N peekFirst() {
    return head;
  }

  /**
   * Appends {@code node}.
   *
   * @param node an unlinked node
   * @throws IllegalStateException if the node is already linked
   */
  public void pushBack(N node) {
    if (node.linked) {
      throw new IllegalStateException("the node is already in a wait list");
    }
    node.linked = true;
    node.prev = tail;
    node.next = null;
    if (tail == null) {
      head = node;
    } else {
      tail.next = node;
    }
    tail = node;
    size++;
  }

  /** {@return the first node, unlinked, or null if the list is empty} */
  public N popFirst() {
    N n = head;
    if (n != null) {
      unlink(n);
    }
    return n;
  }

  /** {@return the last node, unlinked, or null if the list is empty} */
  public N popLast() {
    N n = tail;
    if (n != null) {
      unlink(n);
    }
    return n;
  }

  /**
   * Unlinks {@code node} if it is linked (to this list: the caller guarantees a node is only ever
   * pushed to one list).
   *
   * @param node the node
   * @return whether it was linked
   */
  public boolean remove(N node) {
    if (!node.linked) {
      return false;
    }
    unlink(node);
    return true;
  }

  private void unlink(N n) {
    N p = n.prev;
    N x = n.next;
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
    n.linked = false;
    size--;
  }
}
