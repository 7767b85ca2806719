package io.kyoto.runtime.internal.time;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A hierarchical hashed timer wheel (tokio's {@code runtime/time/wheel}): 6 levels of 64 slots,
 * counting 1 ms ticks.
 *
 * <p>Level {@code L} slots are {@code 64^L} ticks wide, so the levels span 64 ms, ~4 s, ~4 min, ~4
 * h, ~12 days and ~2.2 years. Insert and remove are O(1); finding the next due slot is a bitmap
 * scan per level; {@link #poll(long)} moves entries of a due higher-level slot down (cascades) and
 * hands out entries whose deadline has been reached, in deadline order. The layout and the cascade
 * protocol are described in the {@linkplain io.kyoto.runtime.internal.time package documentation}.
 *
 * <p>Ticks are milliseconds on the driver's clock. Convert a deadline with {@link #ticksUp(long)}
 * and the current time with {@link #ticksDown(long)}: a timer then never fires before its deadline.
 *
 * <p><b>Thread safety:</b> none. The time driver calls every method under its own lock.
 */
public final class TimerWheel {
  /** Number of levels. */
  public static final int LEVELS = 6;

  /** Slots per level. */
  public static final int SLOTS = 64;

  /** log2 of {@link #SLOTS}: each level shifts the tick by this many more bits. */
  static final int SLOT_BITS = 6;

  private static final int SLOT_MASK = SLOTS - 1;

  /**
   * Ticks the wheel spans, {@code 64^6 = 2^36} ms (about 2.2 years); a later deadline is kept in
   * the top level and cascaded again each time its slot comes round.
   */
  public static final long MAX_DURATION = 1L << (SLOT_BITS * LEVELS);

  /**
   * The largest tick the wheel handles (2<sup>62</sup> ms, about 146 million years); later
   * deadlines and times are clamped to it, so the slot arithmetic cannot overflow.
   */
  public static final long MAX_TICK = 1L << 62;

  /** Length of one tick. */
  public static final long NANOS_PER_TICK = 1_000_000L;

  // Slot lists, indexed by level * SLOTS + slot; an entry's position is its index here.
  private final TimerEntry[] heads = new TimerEntry[LEVELS * SLOTS];
  private final TimerEntry[] tails = new TimerEntry[LEVELS * SLOTS];

  // Bit s of occupied[L] is set iff slot s of level L is non-empty.
  private final long[] occupied = new long[LEVELS];

  // Entries found due and not handed out yet, FIFO.
  private TimerEntry pendingHead;
  private TimerEntry pendingTail;

  private long elapsed;
  private int size;

  /** Creates an empty wheel whose {@link #elapsed()} is 0. */
  public TimerWheel() {}

  /**
   * Converts a deadline in nanoseconds to the first tick at or after it (rounding up), so that a
   * timer fires no earlier than its deadline.
   *
   * @param nanos a deadline on the driver's clock
   * @return {@code ceil(nanos / 1 ms)}
   */
  public static long ticksUp(long nanos) {
    return Math.ceilDiv(nanos, NANOS_PER_TICK);
  }

  /**
   * Converts the current time in nanoseconds to the last tick at or before it (rounding down): the
   * value to pass to {@link #advance} or {@link #poll(long)}.
   *
   * @param nanos the current time on the driver's clock
   * @return {@code floor(nanos / 1 ms)}
   */
  public static long ticksDown(long nanos) {
    return Math.floorDiv(nanos, NANOS_PER_TICK);
  }

  /**
   * {@return the tick processed so far}: every entry whose deadline is at or before it has been
   * handed out, or is pending and will be by the next poll. Never decreases.
   */
  public long elapsed() {
    return elapsed;
  }

  /** {@return the number of registered entries (scheduled or pending)} */
  public int size() {
    return size;
  }

  /** {@return whether no entry is registered} */
  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * Registers {@code entry} to expire at {@code deadlineTick}.
   *
   * <p>A deadline at or before {@link #elapsed()} has already passed: the entry is not registered,
   * it is marked fired, and the caller should fire it at once. A deadline beyond {@link #MAX_TICK}
   * is clamped to it.
   *
   * @param entry an entry that is not registered (idle or fired)
   * @param deadlineTick the tick at which the entry expires
   * @return {@code true} if registered, {@code false} if already expired
   * @throws IllegalStateException if the entry is registered in this or another wheel
   */
  public boolean insert(TimerEntry entry, long deadlineTick) {
    Objects.requireNonNull(entry, "entry");
    if (entry.wheel != null) {
      throw new IllegalStateException("timer entry is already registered; remove it first");
    }
    long when = Math.min(deadlineTick, MAX_TICK);
    entry.deadline = when;
    if (when <= elapsed) {
      entry.position = TimerEntry.FIRED;
      return false;
    }
    schedule(entry);
    entry.wheel = this;
    size++;
    return true;
  }

  /**
   * Unregisters {@code entry} so that it is never handed out. Idempotent.
   *
   * @param entry any entry
   * @return {@code true} if it was registered here (scheduled or pending), {@code false} if it was
   *     idle or fired, which changes nothing
   * @throws IllegalArgumentException if the entry is registered in another wheel
   */
  public boolean remove(TimerEntry entry) {
    TimerWheel owner = entry.wheel;
    if (owner != this) {
      if (owner == null) {
        return false;
      }
      throw new IllegalArgumentException("timer entry belongs to another wheel");
    }
    if (entry.position == TimerEntry.PENDING) {
      unlinkPending(entry);
    } else {
      unlinkSlot(entry);
    }
    entry.wheel = null;
    entry.position = TimerEntry.IDLE;
    size--;
    return true;
  }

  /**
   * {@return the tick at which the wheel next needs processing, or -1 if it is empty}
   *
   * <p>It is {@link #elapsed()} if entries are pending, else greater than {@link #elapsed()}, and
   * never later than the earliest deadline. It is earlier than that deadline when the next due slot
   * belongs to a higher level and only cascades; the driver then simply wakes up once more.
   */
  public long nextExpiration() {
    if (pendingHead != null) {
      return elapsed;
    }
    int level = lowestOccupiedLevel();
    if (level < 0) {
      return -1;
    }
    long deadline = slotExpiration(level, elapsed);
    assert noEarlierSlotAbove(level, deadline);
    return deadline;
  }

  /**
   * Processes the wheel up to {@code nowTick} and hands out the next expired entry, if any.
   *
   * <p>Call it until it returns {@code null}; entries come out in deadline order (entries of one
   * tick in no particular order). Between calls the wheel is consistent: the caller may insert or
   * remove entries, and removing a due entry not handed out yet keeps it from coming out. When it
   * returns {@code null}, {@link #elapsed()} is {@code max(elapsed(), nowTick)}. A {@code nowTick}
   * before {@link #elapsed()} processes nothing (time does not go back).
   *
   * @param nowTick the current tick (see {@link #ticksDown(long)}); clamped to {@link #MAX_TICK}
   * @return an expired entry, now fired and no longer registered, or {@code null}
   */
  public TimerEntry poll(long nowTick) {
    long now = Math.min(nowTick, MAX_TICK);
    while (true) {
      TimerEntry due = pendingHead;
      if (due != null) {
        unlinkPending(due);
        due.wheel = null;
        due.position = TimerEntry.FIRED;
        size--;
        return due;
      }
      int level = lowestOccupiedLevel();
      if (level < 0) {
        break;
      }
      long deadline = slotExpiration(level, elapsed);
      assert noEarlierSlotAbove(level, deadline);
      if (deadline > now) {
        break;
      }
      processSlot(level, deadline);
    }
    if (now > elapsed) {
      elapsed = now;
    }
    return null;
  }

  /**
   * Processes the wheel up to {@code nowTick}, handing every expired entry to {@code sink} in
   * deadline order; the loop of {@link #poll(long)} calls.
   *
   * <p>The sink may insert and remove entries (see {@link #poll(long)}). If it throws, the entry it
   * was given stays fired and the exception propagates; the entries still due come out at the next
   * call.
   *
   * @param nowTick the current tick (see {@link #ticksDown(long)})
   * @param sink receives each expired entry, already fired and unregistered
   * @return how many entries were handed out
   */
  public int advance(long nowTick, Consumer<? super TimerEntry> sink) {
    Objects.requireNonNull(sink, "sink");
    int count = 0;
    for (TimerEntry e = poll(nowTick); e != null; e = poll(nowTick)) {
      count++;
      sink.accept(e);
    }
    return count;
  }

  /** {@return the level whose slots hold an entry due at {@code when}, seen from {@code now}} */
  static int levelFor(long now, long when) {
    // The highest bit in which now and when differ picks the level; the slot bits of level 0 are
    // masked in so that equal values land on level 0, and differences above the top level's bits
    // (deadlines past the wheel's range) are kept in the top level.
    long masked = (now ^ when) | SLOT_MASK;
    int significant = 63 - Long.numberOfLeadingZeros(masked);
    return Math.min(significant / SLOT_BITS, LEVELS - 1);
  }

  /** {@return the slot of {@code level} that holds ticks {@code when}} */
  static int slotFor(long when, int level) {
    return (int) (when >>> (SLOT_BITS * level)) & SLOT_MASK;
  }

  /** Links a (clamped, future) entry into the slot for its deadline, seen from {@link #elapsed}. */
  private void schedule(TimerEntry entry) {
    long when = entry.deadline;
    assert when > elapsed : "deadline " + when + " not after elapsed " + elapsed;
    int level = levelFor(elapsed, when);
    int slot = slotFor(when, level);
    int index = level * SLOTS + slot;
    TimerEntry tail = tails[index];
    entry.prev = tail;
    entry.next = null;
    if (tail == null) {
      heads[index] = entry;
      occupied[level] |= 1L << slot;
    } else {
      tail.next = entry;
    }
    tails[index] = entry;
    entry.position = index;
  }

  private void unlinkSlot(TimerEntry entry) {
    int index = entry.position;
    assert index >= 0 : "entry is not scheduled";
    TimerEntry prev = entry.prev;
    TimerEntry next = entry.next;
    if (prev == null) {
      heads[index] = next;
    } else {
      prev.next = next;
    }
    if (next == null) {
      tails[index] = prev;
    } else {
      next.prev = prev;
    }
    if (heads[index] == null) {
      occupied[index / SLOTS] &= ~(1L << (index & SLOT_MASK));
    }
    entry.prev = null;
    entry.next = null;
  }

  private void appendPending(TimerEntry entry) {
    entry.prev = pendingTail;
    entry.next = null;
    if (pendingTail == null) {
      pendingHead = entry;
    } else {
      pendingTail.next = entry;
    }
    pendingTail = entry;
    entry.position = TimerEntry.PENDING;
  }

  private void unlinkPending(TimerEntry entry) {
    TimerEntry prev = entry.prev;
    TimerEntry next = entry.next;
    if (prev == null) {
      pendingHead = next;
    } else {
      prev.next = next;
    }
    if (next == null) {
      pendingTail = prev;
    } else {
      next.prev = prev;
    }
    entry.prev = null;
    entry.next = null;
  }

  private int lowestOccupiedLevel() {
    for (int level = 0; level < LEVELS; level++) {
      if (occupied[level] != 0) {
        return level;
      }
    }
    return -1;
  }

  /**
   * {@return the start tick of the next non-empty slot of {@code level} after {@code now}}
   *
   * <p>The level's slots form a ring scanned from the slot after {@code now}'s: on levels 0..4
   * entries only sit in slots after {@code now}'s (invariant 2), while on the top level a slot at
   * or before {@code now}'s belongs to the next rotation, so {@code now}'s own slot comes last. A
   * top-level entry past the wheel's range is re-linked into the slot just processed, which is then
   * {@code now}'s: scanning from {@code now}'s slot would put it before earlier slots.
   */
  private long slotExpiration(int level, long now) {
    long bits = occupied[level];
    assert bits != 0;
    int shift = SLOT_BITS * level;
    int start = slotFor(now, level) + 1; // rotating by 64 is rotating by 0: slot 0 comes first
    int slot = (Long.numberOfTrailingZeros(Long.rotateRight(bits, start)) + start) & SLOT_MASK;
    long levelRange = 1L << (shift + SLOT_BITS);
    long deadline = (now & -levelRange) + ((long) slot << shift);
    if (deadline <= now) {
      assert level == LEVELS - 1 : "level " + level + " slot " + slot + " is behind " + now;
      deadline += levelRange;
    }
    return deadline;
  }

  /** Assertion helper: levels above {@code level} have nothing due before {@code deadline}. */
  private boolean noEarlierSlotAbove(int level, long deadline) {
    for (int above = level + 1; above < LEVELS; above++) {
      if (occupied[above] != 0 && slotExpiration(above, elapsed) < deadline) {
        return false;
      }
    }
    return true;
  }

  /**
   * Empties slot {@code slotStart} of {@code level}, which is due: moves {@link #elapsed} to its
   * start, queues the entries whose deadline has come as pending and re-links the others lower down
   * (steps 2–4 of the cascade protocol).
   */
  private void processSlot(int level, long slotStart) {
    int slot = slotFor(slotStart, level);
    int index = level * SLOTS + slot;
    // Detach the whole list first: a top-level entry past the wheel's range may be re-linked into
    // this very slot, and must not be seen again in this pass.
    TimerEntry e = heads[index];
    heads[index] = null;
    tails[index] = null;
    occupied[level] &= ~(1L << slot);
    assert slotStart > elapsed : "slot " + slotStart + " not after elapsed " + elapsed;
    elapsed = slotStart;
    while (e != null) {
      TimerEntry next = e.next;
      if (e.deadline <= slotStart) {
        assert level > 0 || e.deadline == slotStart : "level 0 slot holds another tick";
        appendPending(e);
      } else {
        schedule(e);
      }
      e = next;
    }
  }
}
