package io.kyoto.runtime.internal.sync;

import io.kyoto.runtime.Waker;
import java.util.Arrays;

/**
 * Wakers collected under a primitive's lock, to be woken after it is released (tokio's {@code
 * WakeList}). A waker may run arbitrary code (a user's waker, a scheduler), so none is ever called
 * while a lock of this package is held.
 *
 * <p><b>Thread safety:</b> none; one list belongs to one operation on one thread.
 */
public final class WakeList {
  private Waker[] wakers;
  private int size;

  /** Creates an empty list; it allocates on the first {@link #add}. */
  public WakeList() {}

  /**
   * Adds a waker; null (a waiter registered without one) is ignored.
   *
   * @param waker the waker, or null
   */
  public void add(Waker waker) {
    if (waker == null) {
      return;
    }
    if (wakers == null) {
      wakers = new Waker[4];
    } else if (size == wakers.length) {
      wakers = Arrays.copyOf(wakers, size * 2);
    }
    wakers[size++] = waker;
  }

  /** {@return whether no waker was added} */
  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * Wakes every collected waker, in the order added, and empties the list. A waker that throws does
   * not stop the others; the first exception is rethrown at the end.
   */
  public void wakeAll() {
    RuntimeException first = null;
    for (int i = 0; i < size; i++) {
      Waker w = wakers[i];
      wakers[i] = null;
      try {
        w.wake();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    size = 0;
    if (first != null) {
      throw first;
    }
  }
}
