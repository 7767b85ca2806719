/**
 * The timer wheel behind the runtime's time driver (tokio's {@code runtime/time/wheel} and the
 * wheel half of {@code runtime/time/entry.rs}).
 *
 * <p>{@link io.kyoto.runtime.internal.time.TimerWheel} is a hashed hierarchical wheel (Varghese
 * &amp; Lauck) of 6 levels × 64 slots counting 1 ms ticks; {@link
 * io.kyoto.runtime.internal.time.TimerEntry} is the intrusive node a timer registers with it. The
 * package is an engine only: no threads, no clock, no locking. The time driver ({@code
 * internal.rt.TimeDriver}) owns one wheel, reads the clock, calls the wheel under its lock, and
 * fires the entries the wheel hands out after releasing the lock.
 *
 * <h2>Ticks and rounding</h2>
 *
 * <p>A tick is 1 ms on the driver's clock, counted from the driver's start; the wheel starts at
 * tick 0. Deadlines round <em>up</em> ({@code TimerWheel.ticksUp}) and the current time rounds
 * <em>down</em> ({@code TimerWheel.ticksDown}), so an entry handed out by {@code poll(now)} has a
 * deadline at or before the real time: timers never fire early, and fire at most ~1 ms late plus
 * the driver's own delay. Ticks above {@code MAX_TICK} (2<sup>62</sup>) are clamped to it.
 *
 * <h2>Levels and slots</h2>
 *
 * <p>Level {@code L} (0..5) has 64 slots, each {@code 64^L} ticks wide, so the level spans {@code
 * 64^(L+1)} ticks: 64 ms, ~4 s, ~4 min, ~4 h, ~12 days, ~2.2 years ({@code MAX_DURATION = 2^36}).
 * Tick {@code t} falls in slot {@code (t >>> 6L) & 63} of level {@code L}. An entry with deadline
 * {@code when} is linked into the level given by the highest bit in which {@code elapsed} and
 * {@code when} differ ({@code levelFor}: that bit's index divided by 6, at least 0, at most 5), in
 * the slot of {@code when} on that level.
 *
 * <h2>State</h2>
 *
 * <ul>
 *   <li>{@code elapsed}: the tick processed so far. It only grows. Every entry whose deadline is at
 *       or before it is pending, fired or removed; none is scheduled.
 *   <li>{@code heads[i]}/{@code tails[i]}, {@code i = level * 64 + slot}: a doubly linked FIFO of
 *       the entries scheduled in that slot, through their {@code prev}/{@code next} fields.
 *   <li>{@code occupied[level]}: bit {@code s} set iff slot {@code s} of the level is non-empty, so
 *       the next non-empty slot is one {@code rotateRight} plus {@code numberOfTrailingZeros}.
 *   <li>{@code pendingHead}/{@code pendingTail}: a FIFO of entries found due by the cascade and not
 *       handed out yet (tokio's {@code pending} list), linked through the same fields.
 *   <li>{@code size}: scheduled plus pending entries.
 *   <li>Entry {@code position}: {@code level * 64 + slot} while scheduled; {@code PENDING}, {@code
 *       IDLE} (never inserted or removed) or {@code FIRED} (handed out, or rejected by {@code
 *       insert} as already expired). Entry {@code wheel}: the owning wheel iff scheduled or
 *       pending. Entry {@code deadline}: the (clamped) tick of the last insert.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>A scheduled entry's deadline is greater than {@code elapsed}, and it sits in slot {@code
 *       slotFor(deadline, L)} of level {@code L = levelFor(elapsed', deadline)} where {@code
 *       elapsed'} is the value {@code elapsed} had when it was linked. As {@code elapsed} only
 *       moves up to the start of the next non-empty slot, or to a {@code now} before it, the level
 *       stays right: {@code elapsed} and the deadline keep agreeing on every bit above the level.
 *   <li>Hence, on levels 0..4, every non-empty slot lies strictly after {@code elapsed}'s slot in
 *       the level's current rotation, and its start is at most the deadlines of its entries. On
 *       level 5 a slot at or before {@code elapsed}'s slot belongs to the next rotation (its start
 *       plus {@code 2^36}); it then holds deadlines past the wheel's range, which are later still.
 *   <li>Every non-empty slot of level {@code L} starts before every non-empty slot of the levels
 *       above: the first non-empty level gives the next expiration (asserted in {@code
 *       noEarlierSlotAbove}).
 *   <li>Consequently {@code nextExpiration()} is {@code elapsed} while entries are pending, and
 *       otherwise lies in {@code (elapsed, earliest deadline]}.
 *   <li>The occupied bit of a slot is set iff its list is non-empty; {@code tails[i]} is {@code
 *       null} iff {@code heads[i]} is.
 * </ol>
 *
 * <h2>Cascade protocol</h2>
 *
 * <p>{@code poll(now)} repeats until it returns:
 *
 * <ol>
 *   <li>If an entry is pending, unlink the oldest, mark it fired, clear its {@code wheel} and
 *       return it. (The caller may insert or remove between two polls; removing a pending entry
 *       unlinks it from the pending list, so it never comes out.)
 *   <li>Find the first non-empty level and its next non-empty slot; its start is {@code deadline}.
 *       If there is none, or {@code deadline > now}, set {@code elapsed = max(elapsed, now)} and
 *       return {@code null}.
 *   <li>Detach the slot's whole list and clear its occupied bit <em>before</em> walking it: a
 *       top-level entry past the wheel's range is re-linked into this same slot, and must not be
 *       processed twice in one pass.
 *   <li>Set {@code elapsed = deadline}.
 *   <li>For each detached entry: if its deadline is at or before {@code elapsed} (always so on
 *       level 0), append it to the pending list; otherwise link it again, seen from the new {@code
 *       elapsed}, which puts it on a lower level (or, past the range, back on the top level).
 *   <li>Go to step 1.
 * </ol>
 *
 * <p>Slots are processed in increasing start order and level-0 slots hold one tick each, so entries
 * come out in deadline order; those of one tick come out in no promised order. {@code advance(now,
 * sink)} is the loop of {@code poll(now)} calls. The work of one advance is proportional to the
 * number of non-empty slots it passes and the entries it moves, not to the time it spans.
 *
 * <h2>Who touches what</h2>
 *
 * <ul>
 *   <li>Every field of the wheel, and the {@code wheel}, {@code prev}, {@code next}, {@code
 *       deadline} and {@code position} fields of every entry, are written only by {@code
 *       TimerWheel} methods, and these run under the time driver's lock (no field is volatile: the
 *       lock orders every access). {@code TimerEntry}'s accessors read them under the same lock.
 *   <li>The subclass fields of an entry (its waker, its own fired flag) belong to the subclass and
 *       are synchronized by it; the wheel never reads them.
 *   <li>{@code TimerEntry.fire()} is called by the driver after the lock is released, never by the
 *       wheel.
 * </ul>
 */
package io.kyoto.runtime.internal.time;
