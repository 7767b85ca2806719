package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One waker slot for a single waiting party (the mpsc receiver), woken by any number of notifiers.
 *
 * <p>Protocol (a Dekker pair, so every access here is volatile): the waiter {@link #register}s,
 * then re-checks its condition; a notifier makes the condition true, then calls {@link #wake()}.
 * One of the two sees the other's write, so a wake is never lost. {@link #wake()} takes the waker
 * out of the slot, so a burst of notifications wakes the waiter once; the waiter registers again
 * when it next finds nothing to do.
 */
public final class AtomicWaker {
  private static final VarHandle WAKER;

  static {
    try {
      WAKER = MethodHandles.lookup().findVarHandle(AtomicWaker.class, "waker", Waker.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Waker waker;

  /**
   * Stores {@code w} as the waker to wake. The caller must re-check its condition afterwards.
   *
   * @param w the waker of the latest poll
   */
  public void register(Waker w) {
    // Skipping the store when w is already there keeps the Dekker pair: a notifier that takes w
    // after this read wakes w, and one that took it before would have left null, not w.
    if (waker != w) {
      waker = w;
    }
  }

  /** Forgets the registered waker (the waiter stopped waiting). Only the waiter calls this. */
  public void clear() {
    if (waker != null) {
      waker = null;
    }
  }

  /** Wakes and removes the registered waker, if any. Any thread, any number of times. */
  public void wake() {
    // The plain volatile read keeps the common case (nobody waiting) free of atomic RMWs.
    if (waker != null) {
      Waker w = (Waker) WAKER.getAndSet(this, (Waker) null);
      if (w != null) {
        w.wake();
      }
    }
  }
}
