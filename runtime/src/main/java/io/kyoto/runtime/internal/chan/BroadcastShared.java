package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Waker;
import io.kyoto.runtime.sync.LaggedException;

/**
 * The shared state of a broadcast channel: a ring of {@code 2^k} slots, the write position, and the
 * receivers waiting for the next value. Everything is guarded by this object's monitor; each
 * operation holds it for O(1) work (a receiver's close: O(capacity)), and wakers run after it is
 * released.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>Positions grow forever; position {@code p} lives in slot {@code p & mask} while {@code tail
 *       - capacity <= p < tail}. Older positions were overwritten.
 *   <li>A receiver's cursor {@code next} is the position it reads next. {@code next < tail -
 *       capacity} means it lagged: it missed {@code tail - capacity - next} values, is told so
 *       once, and jumps to {@code tail - capacity}, the oldest retained value (tokio's rule).
 *   <li>{@code rem[slot]} counts the receivers that were subscribed when the slot's value was
 *       written and have neither read it nor closed; at zero the slot drops its value, so a value
 *       is not kept alive by the channel once every receiver that could read it has. A lagging
 *       receiver does not count down the values it skipped; overwriting drops them.
 *   <li>A receiver is in {@link #waiters} only while its recv is pending ({@code next == tail}). A
 *       send drains the whole list.
 * </ol>
 *
 * @param <T> the value type
 */
public final class BroadcastShared<T> {
  /** {@link #recv}: nothing new yet. */
  public static final Object EMPTY = new Object();

  /** {@link #recv}: every sender closed and this receiver has seen every value. */
  public static final Object CLOSED = new Object();

  /** A receiver's cursor, and its node in the wait list. Guarded by the shared monitor. */
  public static final class Cursor extends WaitNode {
    long next;
    boolean closed;

    Cursor(long next) {
      this.next = next;
    }
  }

  private final Object[] values;
  private final int[] rem;
  private final int mask;
  private final WaitList waiters = new WaitList();
  private final CondWaiters noReceivers = new CondWaiters();
  private long tail;
  private int receivers;
  private int senders = 1;
  private boolean closed;

  /**
   * Creates the channel's state, with no receiver yet.
   *
   * @param capacity the requested capacity, at least 1; rounded up to a power of two
   */
  public BroadcastShared(int capacity) {
    int size = capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
    values = new Object[size];
    rem = new int[size];
    mask = size - 1;
  }

  /** {@return the ring's size: the requested capacity rounded up to a power of two} */
  public int capacity() {
    return values.length;
  }

  /** {@return a new receiver cursor that sees only values sent from now on} */
  public synchronized Cursor subscribe() {
    receivers++;
    return new Cursor(tail);
  }

  /** {@return the number of open receivers} */
  public synchronized int receiverCount() {
    return receivers;
  }

  /** Counts one more sender handle. */
  public synchronized void addSender() {
    senders++;
  }

  /** Counts one sender handle fewer; the last one closes the channel and wakes every receiver. */
  public void dropSender() {
    Wakers w;
    synchronized (this) {
      if (--senders > 0) {
        return;
      }
      closed = true;
      w = waiters.drain();
    }
    Wakers.wakeAll(w);
  }

  /**
   * Stores {@code value} for every current receiver and wakes the waiting ones.
   *
   * @param value the value
   * @return the number of receivers, or 0 if there is none (then nothing is stored)
   */
  public int send(T value) {
    Wakers w;
    int n;
    synchronized (this) {
      n = receivers;
      if (n == 0) {
        return 0;
      }
      int i = (int) tail & mask;
      values[i] = value;
      rem[i] = n;
      tail++;
      w = waiters.drain();
    }
    Wakers.wakeAll(w);
    return n;
  }

  /**
   * Receives the next value for {@code c}, or registers {@code waker} (if not null) to be woken
   * when one is sent.
   *
   * @param c the receiver's cursor
   * @param waker the waker to register when there is nothing, or null not to wait
   * @return the value, {@link #EMPTY} or {@link #CLOSED}
   * @throws LaggedException if values were overwritten before {@code c} read them
   */
  public synchronized Object recv(Cursor c, Waker waker) throws LaggedException {
    if (c.closed) {
      throw new IllegalStateException("broadcast receiver is closed");
    }
    long next = c.next;
    if (next < tail) {
      waiters.remove(c);
      long oldest = tail - values.length;
      if (next < oldest) {
        c.next = oldest;
        throw new LaggedException(oldest - next);
      }
      int i = (int) next & mask;
      Object v = values[i];
      if (--rem[i] == 0) {
        values[i] = null;
      }
      c.next = next + 1;
      return v;
    }
    if (closed) {
      waiters.remove(c);
      return CLOSED;
    }
    if (waker != null) {
      c.setWaker(waker);
      if (!c.isQueued()) {
        waiters.addLast(c);
      }
    }
    return EMPTY;
  }

  /**
   * Stops waiting (a cancelled recv).
   *
   * @param c the receiver's cursor
   */
  public synchronized void cancelWait(Cursor c) {
    waiters.remove(c);
  }

  /**
   * Closes a receiver: releases its claim on every retained value it has not read, stops counting
   * it, and wakes its pending recv, if any, so that it fails instead of waiting forever.
   * Idempotent.
   *
   * @param c the receiver's cursor
   */
  public void close(Cursor c) {
    boolean last;
    Waker waiting = null;
    synchronized (this) {
      if (c.closed) {
        return;
      }
      c.closed = true;
      if (waiters.remove(c)) {
        waiting = c.waker; // a recv pending on another thread: it fails at its next poll
      }
      for (long p = Math.max(c.next, tail - values.length); p < tail; p++) {
        int i = (int) p & mask;
        if (--rem[i] == 0) {
          values[i] = null;
        }
      }
      last = --receivers == 0;
    }
    CondWaiters.wakeThenNotify(waiting, last, noReceivers);
  }

  /**
   * {@return the values sent that {@code c} has not received yet, overwritten ones included}
   *
   * @param c the receiver's cursor
   */
  public synchronized long len(Cursor c) {
    return tail - c.next;
  }

  /** {@return whether every sender closed} */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * {@return the values still queued: retained, and not yet seen by every receiver that was open
   * when they were sent} As tokio's {@code Sender::len}. O(capacity).
   */
  public synchronized int queued() {
    int n = 0;
    for (long p = Math.max(0, tail - values.length); p < tail; p++) {
      if (rem[(int) p & mask] > 0) {
        n++;
      }
    }
    return n;
  }

  /** {@return a future that completes when there is no receiver} */
  public io.kyoto.runtime.Future<Void> noReceiversFuture() {
    return noReceivers.await(() -> receiverCount() == 0);
  }
}
