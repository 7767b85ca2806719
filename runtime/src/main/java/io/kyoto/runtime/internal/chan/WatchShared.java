package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Waker;
import java.util.function.Predicate;

/**
 * The shared state of a watch channel: the latest value with its version, the closed flag, the
 * receiver count and the receivers waiting for a change.
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li>{@link #snap} pairs the value with its version in one immutable object, so a reader gets a
 *       consistent pair from one volatile read, without a lock. Writers (the sender) replace it
 *       under this object's monitor, bump the version, and drain {@link #waiters} in the same
 *       critical section; the wakers run after it.
 *   <li>A receiver's {@link Cursor#seen} is the version it has seen; the initial value and a new
 *       subscription count as seen. A change is {@code snap.version != seen}. A subscription reads
 *       the version under the monitor, together with counting itself, so that it falls wholly
 *       before or after each write (a write in between would otherwise look unseen to a receiver
 *       that the write's receiver check did not count).
 *   <li>A waiting receiver checks for a change and enqueues itself under the monitor, so a send
 *       either precedes the check (the change is seen) or finds the receiver queued.
 *   <li>{@link #closed} is set once, under the monitor, after the last write. Readers read {@code
 *       closed} <em>before</em> the version: if it was already closed, the version they then read
 *       is final, so "closed and nothing unseen" is exact (tokio's rule for {@code changed}).
 * </ul>
 *
 * @param <T> the value type
 */
public final class WatchShared<T> {
  /** {@link #pollChanged}: a new version was seen (and marked). */
  public static final int CHANGED = 0;

  /** {@link #pollChanged}: closed, and the current version was already seen. */
  public static final int CLOSED = 1;

  /** {@link #pollChanged}: nothing new; the waker is registered. */
  public static final int PENDING = 2;

  /**
   * A value with its version.
   *
   * @param value the value
   * @param version its version: 0 for the initial value, then one more per notifying write
   * @param <T> the value type
   */
  public record Snapshot<T>(T value, long version) {}

  /** A receiver's seen version and its node in the wait list. */
  public static final class Cursor extends WaitNode {
    /** The version this receiver has seen; written by the receiving task only. */
    public long seen;

    Cursor(long seen) {
      this.seen = seen;
    }
  }

  private volatile Snapshot<T> snap;
  private volatile boolean closed;
  private volatile int receivers; // written under the monitor
  private final WaitList waiters = new WaitList();
  private final CondWaiters noReceivers = new CondWaiters();

  /**
   * Creates the channel's state with one receiver.
   *
   * @param initial the initial value, seen by the first receiver
   */
  public WatchShared(T initial) {
    snap = new Snapshot<>(initial, 0);
    receivers = 1;
  }

  /** {@return a cursor for the first receiver} */
  public Cursor firstCursor() {
    return new Cursor(0);
  }

  /** {@return the current value and version} */
  public Snapshot<T> snapshot() {
    return snap;
  }

  /** {@return whether the sender closed} */
  public boolean isClosed() {
    return closed;
  }

  /** {@return the number of open receivers} */
  public int receiverCount() {
    return receivers;
  }

  /**
   * {@return a new receiver's cursor, which has seen the current version} The version is read under
   * the monitor that writers hold, so the subscription falls wholly before or after each write.
   */
  public synchronized Cursor subscribeCurrent() {
    receivers++;
    return new Cursor(snap.version());
  }

  /**
   * {@return a new receiver's cursor, which has seen {@code seen}}
   *
   * @param seen the version the new receiver has seen
   */
  public synchronized Cursor subscribe(long seen) {
    receivers++;
    return new Cursor(seen);
  }

  /**
   * Counts a receiver fewer and wakes its pending {@code changed()}, if any (it fails at its next
   * poll); the last one completes the sender's {@code closed()} futures.
   *
   * @param c the receiver's cursor
   */
  public void dropReceiver(Cursor c) {
    boolean last;
    Waker waiting = null;
    synchronized (this) {
      if (waiters.remove(c)) {
        waiting = c.waker; // a changed() pending on another thread: it fails at its next poll
      }
      last = --receivers == 0;
    }
    CondWaiters.wakeThenNotify(waiting, last, noReceivers);
  }

  /** {@return a future that completes when there is no receiver} */
  public Future<Void> noReceiversFuture() {
    return noReceivers.await(() -> receivers == 0);
  }

  /**
   * Stores {@code value} if there is a receiver, and notifies.
   *
   * @param value the value
   * @return false if there was no receiver (nothing stored)
   */
  public boolean send(T value) {
    Wakers w;
    synchronized (this) {
      if (receivers == 0) {
        return false;
      }
      w = publish(value);
    }
    Wakers.wakeAll(w);
    return true;
  }

  /**
   * Stores {@code value} whether or not there is a receiver, and notifies.
   *
   * @param value the value
   * @return the previous value
   */
  public T sendReplace(T value) {
    Wakers w;
    T old;
    synchronized (this) {
      old = snap.value();
      w = publish(value);
    }
    Wakers.wakeAll(w);
    return old;
  }

  /**
   * Lets {@code modify} change the value in place under the monitor, and notifies if it returns
   * true. If it throws, nothing is notified.
   *
   * @param modify mutates the value; returns whether receivers should be notified
   * @return what {@code modify} returned
   */
  public boolean sendIfModified(Predicate<? super T> modify) {
    Wakers w;
    synchronized (this) {
      T v = snap.value();
      if (!modify.test(v)) {
        return false;
      }
      w = publish(v);
    }
    Wakers.wakeAll(w);
    return true;
  }

  private Wakers publish(T value) {
    snap = new Snapshot<>(value, snap.version() + 1);
    return waiters.drain();
  }

  /** Closes the sender side and wakes every waiting receiver. Idempotent. */
  public void close() {
    Wakers w;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      w = waiters.drain();
    }
    Wakers.wakeAll(w);
  }

  /**
   * Checks for a version {@code c} has not seen, marking it seen; else registers {@code waker}.
   *
   * @param c the receiver's cursor
   * @param waker the waker to register when nothing changed
   * @return {@link #CHANGED}, {@link #CLOSED} or {@link #PENDING}
   */
  public int pollChanged(Cursor c, Waker waker) {
    boolean wasClosed = closed; // before the version: see the class comment
    Snapshot<T> s = snap;
    if (s.version() != c.seen) {
      c.seen = s.version();
      return CHANGED;
    }
    if (wasClosed) {
      return CLOSED;
    }
    synchronized (this) {
      s = snap;
      if (s.version() != c.seen) {
        c.seen = s.version();
        waiters.remove(c);
        return CHANGED;
      }
      if (closed) {
        waiters.remove(c);
        return CLOSED;
      }
      c.setWaker(waker);
      if (!c.isQueued()) {
        waiters.addLast(c);
      }
    }
    return PENDING;
  }

  /**
   * Stops waiting (a cancelled {@code changed}).
   *
   * @param c the receiver's cursor
   */
  public synchronized void cancelWait(Cursor c) {
    waiters.remove(c);
  }
}
