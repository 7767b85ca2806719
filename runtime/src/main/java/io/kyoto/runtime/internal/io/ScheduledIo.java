package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cached readiness of one registered resource and its two waiters (see the package docs for the
 * word's layout and the wake-up protocol).
 */
public final class ScheduledIo {
  /** Readable. */
  public static final int READABLE = 1;

  /** Writable. */
  public static final int WRITABLE = 1 << 1;

  /** The peer closed its write side (or the socket was shut down for reading). */
  public static final int READ_CLOSED = 1 << 2;

  /** The socket can no longer be written. */
  public static final int WRITE_CLOSED = 1 << 3;

  /** An error is pending on the socket. */
  public static final int ERROR = 1 << 4;

  /** Priority (out-of-band) data. */
  public static final int PRIORITY = 1 << 5;

  /** The runtime shut down its driver: every operation fails. */
  public static final int SHUTDOWN = 1 << 6;

  /** The resource was closed by its owner: operations waiting on it fail. */
  public static final int CLOSED = 1 << 7;

  /** Either terminal flag. */
  public static final int TERMINAL = SHUTDOWN | CLOSED;

  /** What wakes and satisfies a reader. */
  public static final int READ_INTEREST = READABLE | READ_CLOSED | ERROR | PRIORITY;

  /** What wakes and satisfies a writer. */
  public static final int WRITE_INTEREST = WRITABLE | WRITE_CLOSED | ERROR;

  private static final int READINESS_MASK = 0xFFFF;
  private static final int TICK_SHIFT = 16;

  private static final VarHandle WORD;
  private static final VarHandle READER;
  private static final VarHandle WRITER;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      WORD = l.findVarHandle(ScheduledIo.class, "word", long.class);
      READER = l.findVarHandle(ScheduledIo.class, "reader", Waker.class);
      WRITER = l.findVarHandle(ScheduledIo.class, "writer", Waker.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final long token;
  private volatile long word;
  private volatile Waker reader;
  private volatile Waker writer;

  ScheduledIo(long token) {
    this.token = token;
  }

  /** {@return the readiness bits of a word returned by {@link #word()}} */
  public static int readiness(long word) {
    return (int) (word & READINESS_MASK);
  }

  /** {@return the current word: readiness, shutdown flag and tick} */
  public long word() {
    return word;
  }

  /**
   * Records readiness from an event and wakes the waiters it satisfies. Driver thread only.
   *
   * @param tick the driver's tick
   * @param bits readiness bits
   */
  void setReadiness(int tick, int bits) {
    long cur;
    long next;
    do {
      cur = word;
      next = ((tick & 0xFFFF_FFFFL) << TICK_SHIFT) | (cur & READINESS_MASK) | bits;
    } while (!WORD.compareAndSet(this, cur, next));
    wake(bits);
  }

  /**
   * Sets a terminal flag and wakes both waiters.
   *
   * @param flag {@link #SHUTDOWN} or {@link #CLOSED}
   */
  void terminate(int flag) {
    long cur;
    do {
      cur = word;
    } while (!WORD.compareAndSet(this, cur, cur | flag));
    wake(READ_INTEREST | WRITE_INTEREST);
  }

  private void wake(int bits) {
    if ((bits & READ_INTEREST) != 0) {
      Waker w = (Waker) READER.getAndSet(this, (Waker) null);
      if (w != null) {
        w.wake();
      }
    }
    if ((bits & WRITE_INTEREST) != 0) {
      Waker w = (Waker) WRITER.getAndSet(this, (Waker) null);
      if (w != null) {
        w.wake();
      }
    }
  }

  /**
   * Returns the word if it holds readiness in {@code interest} (or a terminal flag), else stores
   * {@code waker} as the reader or writer and returns -1, re-checking after the store so that an
   * event racing with it is not missed.
   *
   * @param interest {@link #READ_INTEREST} or {@link #WRITE_INTEREST}
   * @param waker the waiting task's waker
   * @return the word, or -1 if not ready
   */
  long pollReadiness(int interest, Waker waker) {
    long w = word;
    if ((w & (interest | TERMINAL)) != 0) {
      return w;
    }
    if (interest == READ_INTEREST) {
      reader = waker;
    } else {
      writer = waker;
    }
    w = word;
    if ((w & (interest | TERMINAL)) != 0) {
      return w;
    }
    return -1;
  }

  /**
   * Withdraws a cancelled operation's waker: empties the reader (or writer) slot if it still holds
   * {@code waker}, compared by identity, and wakes no one. A slot that holds another waker (a newer
   * waiter's) or none (an event took it) is left alone, so this never steals another task's
   * wake-up.
   *
   * @param interest {@link #READ_INTEREST} or {@link #WRITE_INTEREST}
   * @param waker the waker the cancelled operation last stored
   */
  void withdraw(int interest, Waker waker) {
    // A CAS, not a plain store: the driver may take the waker (wake) at the same time, and a newer
    // waiter may have replaced it; either way the slot is no longer ours to clear.
    if (interest == READ_INTEREST) {
      READER.compareAndSet(this, waker, (Waker) null);
    } else {
      WRITER.compareAndSet(this, waker, (Waker) null);
    }
  }

  /**
   * Clears {@code bits} (readable and/or writable only) if the tick is still that of {@code seen}.
   *
   * @param seen the word the failed operation was based on
   * @param bits {@link #READABLE}, {@link #WRITABLE} or both
   */
  void clearReadiness(long seen, int bits) {
    int mask = bits & (READABLE | WRITABLE | PRIORITY);
    long tick = seen >>> TICK_SHIFT;
    long cur;
    do {
      cur = word;
      if ((cur >>> TICK_SHIFT) != tick) {
        return; // a newer event arrived: keep its readiness
      }
    } while (!WORD.compareAndSet(this, cur, cur & ~mask));
  }
}
