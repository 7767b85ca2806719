package io.kyoto.runtime.internal.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The buffer of a bounded channel: a fixed ring of {@code 2^k >= capacity} slots, so a channel's
 * messages never allocate. A null slot is free; a non-null slot holds the message of its position.
 *
 * <p>Why a producer never finds its slot occupied: every claimed position that the consumer has not
 * taken yet holds one unit of the channel's {@link Capacity}, taken before the claim and given back
 * only after the consumer cleared the slot. So at most {@code capacity <= slots} positions are
 * claimed and not taken, and position {@code p - slots}, the previous user of {@code p}'s slot, was
 * taken and cleared before {@code p} was claimed. The clear, the capacity CAS, the claim and the
 * producer's store are all volatile (one synchronization order), which orders the clear before the
 * new message's store.
 */
public final class RingQueue<T> extends MsgQueue<T> {
  /**
   * Capacities above this use {@link BlockQueue}, which allocates as it fills instead of upfront.
   */
  static final int MAX_RING = 1 << 16;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);

  // The two positions live 128 bytes apart in one array, away from every other field: producers
  // hammer the tail with getAndAdd, the consumer writes the head after every message, and neither
  // should invalidate the other's cache line (or the line holding slots and mask).
  private static final int TAIL = 7; // the next position to claim; producers getAndAdd (volatile)
  private static final int HEAD = 23; // the next position to take; consumer only (plain)
  private static final int COUNTERS_LENGTH = 31;

  private final Object[] slots;
  private final int mask;
  private final long[] counters = new long[COUNTERS_LENGTH];

  RingQueue(int capacity) {
    int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    slots = new Object[Math.max(2, size)];
    mask = slots.length - 1;
  }

  @Override
  public void push(T value) {
    long p = (long) COUNTERS.getAndAdd(counters, TAIL, 1L);
    // Volatile: orders after the previous user's clear (class comment), and is the store half of
    // the Dekker pair with the receiver's waker registration.
    SLOTS.setVolatile(slots, (int) p & mask, value);
  }

  @Override
  @SuppressWarnings("unchecked") // only T values are pushed
  public T poll() {
    long head = counters[HEAD];
    int i = (int) head & mask;
    Object v = SLOTS.getVolatile(slots, i);
    if (v == null) {
      return null;
    }
    SLOTS.setVolatile(slots, i, null); // volatile: see the class comment
    counters[HEAD] = head + 1;
    return (T) v;
  }

  @Override
  public boolean hasClaimed() {
    return (long) COUNTERS.getVolatile(counters, TAIL) != counters[HEAD];
  }

  @Override
  public long size() {
    return Math.max(0, (long) COUNTERS.getVolatile(counters, TAIL) - counters[HEAD]);
  }
}
