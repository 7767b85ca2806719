package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Waker;
import java.util.Arrays;

/**
 * Wakers collected under a lock and woken after it is released, so that no waker (which may run
 * arbitrary code) ever runs while a channel lock is held. Only the notifying thread touches it.
 */
public final class Wakers {
  private Waker[] wakers = new Waker[4];
  private int size;

  /** Creates an empty collection. */
  public Wakers() {}

  /**
   * Adds {@code w}, ignoring null.
   *
   * @param w the waker
   */
  public void add(Waker w) {
    if (w == null) {
      return;
    }
    if (size == wakers.length) {
      wakers = Arrays.copyOf(wakers, size * 2);
    }
    wakers[size++] = w;
  }

  /**
   * Wakes every waker of {@code w}, if not null.
   *
   * @param w the collected wakers, or null
   */
  public static void wakeAll(Wakers w) {
    if (w != null) {
      w.wakeAll();
    }
  }

  /**
   * Wakes every collected waker, in order, and forgets them. A waker that throws does not stop the
   * others (they were unlinked from their lists: skipping them would lose their wake-ups for good);
   * the first exception is rethrown at the end, as {@code internal.sync.WakeList} does.
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
