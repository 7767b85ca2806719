package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The shared state of a oneshot channel: one state word, the value, and one waker per side.
 *
 * <h2>State bits</h2>
 *
 * <ul>
 *   <li>{@link #SENT}: the value is stored. Set once, by the sender, with a CAS (release) after the
 *       plain write of {@link #value}; the receiver reads the value after seeing the bit (acquire).
 *   <li>{@link #TX_CLOSED}: the sender closed without sending.
 *   <li>{@link #RX_CLOSED}: the receiver closed; a later send fails.
 *   <li>{@link #RX_WAKER}: {@code rxWaker} holds the receiver's waker and belongs to the sender's
 *       side: the receiver writes {@code rxWaker} only while the bit is clear and the channel is
 *       neither complete nor closed, and sets the bit with a CAS that fails if that changed
 *       meanwhile. Whoever's completing or closing CAS saw the bit reads {@code rxWaker} and wakes
 *       it; after that CAS the receiver never writes it again.
 *   <li>{@link #TX_WAKER}: the same for {@code txWaker}, the waker of the sender's {@code
 *       pollClosed}, which the receiver's close wakes. The sender's {@code closed()} futures, of
 *       which several may wait, queue in a {@link CondWaiters} instead.
 * </ul>
 *
 * <p>{@code SENT} and {@code TX_CLOSED} exclude each other; either may coexist with {@code
 * RX_CLOSED} (a value sent before the receiver closed can still be received).
 *
 * @param <T> the value type
 */
public final class OneshotCell<T> {
  /** The value is stored. */
  public static final int SENT = 1;

  /** The sender closed without a value. */
  public static final int TX_CLOSED = 1 << 1;

  /** The receiver closed. */
  public static final int RX_CLOSED = 1 << 2;

  /** The receiver's waker is registered. */
  public static final int RX_WAKER = 1 << 3;

  /** The sender's waker is registered. */
  public static final int TX_WAKER = 1 << 4;

  private static final int COMPLETE = SENT | TX_CLOSED;

  private static final VarHandle STATE;
  private static final VarHandle CLOSED_WAITERS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(OneshotCell.class, "state", int.class);
      CLOSED_WAITERS = l.findVarHandle(OneshotCell.class, "closedWaiters", CondWaiters.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state;
  private T value;
  private Waker rxWaker;
  private Waker txWaker;
  // The sender's closed() futures, any number of them (txWaker holds one waker, for pollClosed).
  // Made by the first one that waits; closeRx reads it after setting RX_CLOSED (a Dekker pair with
  // the waiter, which publishes it before checking RX_CLOSED under the CondWaiters lock).
  private volatile CondWaiters closedWaiters;

  /** Creates an empty cell. */
  public OneshotCell() {}

  /** {@return the state bits (acquire)} */
  public int state() {
    return state;
  }

  /**
   * Stores {@code v} and wakes the receiver.
   *
   * @param v the value
   * @return false if the receiver had closed (nothing stored)
   * @throws IllegalStateException if the sender already sent or closed
   */
  public boolean send(T v) {
    int s = state;
    while (true) {
      if ((s & COMPLETE) != 0) {
        throw new IllegalStateException("the oneshot sender was already used or closed");
      }
      if ((s & RX_CLOSED) != 0) {
        value = null;
        return false;
      }
      value = v; // published by the CAS below
      int witness = (int) STATE.compareAndExchange(this, s, s | SENT);
      if (witness == s) {
        break;
      }
      s = witness;
    }
    if ((s & RX_WAKER) != 0) {
      rxWaker.wake(); // the receiver cannot change rxWaker any more: its CAS would see SENT
    }
    return true;
  }

  /** Closes the sender without a value (tokio's drop of the sender); no-op after a send. */
  public void closeTx() {
    int s = state;
    while ((s & COMPLETE) == 0) {
      int witness = (int) STATE.compareAndExchange(this, s, s | TX_CLOSED);
      if (witness == s) {
        if ((s & RX_WAKER) != 0) {
          rxWaker.wake();
        }
        return;
      }
      s = witness;
    }
  }

  /**
   * Closes the receiver: a later send fails; a value already sent stays receivable. Wakes the
   * sender's {@code closed()} waiter, and a receive pending on another thread (it now fails).
   */
  public void closeRx() {
    int s = state;
    while ((s & RX_CLOSED) == 0) {
      int witness = (int) STATE.compareAndExchange(this, s, s | RX_CLOSED);
      if (witness == s) {
        // Each wake in its own finally: a waker that throws must not keep the others asleep.
        try {
          CondWaiters closed = closedWaiters;
          if (closed != null) {
            closed.notifyWaiters();
          }
        } finally {
          if ((s & COMPLETE) == 0) {
            try {
              if ((s & TX_WAKER) != 0) {
                txWaker.wake();
              }
            } finally {
              if ((s & RX_WAKER) != 0) {
                rxWaker.wake(); // a poll pending on another thread now fails as closed
              }
            }
          }
        }
        return;
      }
      s = witness;
    }
  }

  /**
   * {@return a future that completes once the receiver is closed} Any number of them may wait at
   * once, unlike {@link #registerTx}, which keeps one waker.
   */
  public Future<Void> rxClosedFuture() {
    CondWaiters w = closedWaiters;
    if (w == null) {
      CondWaiters fresh = new CondWaiters();
      w = (CondWaiters) CLOSED_WAITERS.compareAndExchange(this, (CondWaiters) null, fresh);
      if (w == null) {
        w = fresh;
      }
    }
    return w.await(() -> (state & RX_CLOSED) != 0);
  }

  /**
   * Takes the value; call only after seeing {@link #SENT}, once.
   *
   * @return the value
   */
  public T take() {
    T v = value;
    value = null;
    return v;
  }

  /**
   * Registers the receiver's waker unless the channel completed or closed.
   *
   * @param w the waker
   * @return the state after registering; if it has {@code SENT}, {@code TX_CLOSED} or {@code
   *     RX_CLOSED}, the waker may not be registered and the caller must act on that instead
   */
  public int registerRx(Waker w) {
    return register(w, RX_WAKER, true);
  }

  /**
   * Registers the sender's {@code closed()} waker unless the receiver closed or the sender
   * completed.
   *
   * @param w the waker
   * @return the state after registering
   */
  public int registerTx(Waker w) {
    return register(w, TX_WAKER, false);
  }

  private int register(Waker w, int bit, boolean rx) {
    int done = COMPLETE | RX_CLOSED; // after either, the other side no longer reads the waker
    int s = state;
    while (true) {
      if ((s & done) != 0) {
        return s;
      }
      if ((s & bit) != 0) {
        if ((rx ? rxWaker : txWaker) == w) {
          return s; // already registered: nothing to do
        }
        int witness = (int) STATE.compareAndExchange(this, s, s & ~bit); // take the slot back
        if (witness != s) {
          s = witness;
          continue;
        }
        s &= ~bit;
      }
      if (rx) {
        rxWaker = w; // published by the CAS below
      } else {
        txWaker = w;
      }
      int witness = (int) STATE.compareAndExchange(this, s, s | bit);
      if (witness == s) {
        return s | bit;
      }
      s = witness;
    }
  }

  /**
   * Withdraws a registered waker (a cancelled wait), so the other side does not wake a task that
   * stopped waiting.
   *
   * @param rx the receiver's waker if true, else the sender's
   */
  public void unregister(boolean rx) {
    int bit = rx ? RX_WAKER : TX_WAKER;
    int s = state;
    while ((s & bit) != 0) {
      int witness = (int) STATE.compareAndExchange(this, s, s & ~bit);
      if (witness == s) {
        return;
      }
      s = witness;
    }
  }
}
