package io.kyoto.runtime.internal.chan;

/**
 * The message buffer of an mpsc channel: many producers, one consumer, non-null elements. It does
 * not bound itself: the channel's {@link Capacity} admits a producer before it pushes.
 *
 * @param <T> the element type
 */
public abstract sealed class MsgQueue<T> permits RingQueue, BlockQueue {
  MsgQueue() {}

  /**
   * {@return a queue for a channel that admits at most {@code bound} messages at once, or any
   * number when {@code bound} is negative}
   *
   * @param bound the channel's capacity, or -1 for an unbounded channel
   * @param <T> the element type
   */
  public static <T> MsgQueue<T> create(int bound) {
    if (bound > 0 && bound <= RingQueue.MAX_RING) {
      return new RingQueue<>(bound);
    }
    return new BlockQueue<>();
  }

  /**
   * Appends {@code value}. Any thread; wait-free for the ring, lock-free for the blocks. The caller
   * must hold a slot of the channel's capacity.
   *
   * @param value the message, not null
   */
  public abstract void push(T value);

  /** {@return the oldest visible message, removed, or null if none is visible} Consumer only. */
  public abstract T poll();

  /**
   * {@return whether a producer has claimed a position that {@link #poll()} cannot see yet}
   * Consumer only; meaningful right after {@link #poll()} returned null ("busy", not empty).
   */
  public abstract boolean hasClaimed();

  /**
   * {@return the positions claimed and not taken: a snapshot from any thread, exact for the
   * consumer}
   */
  public abstract long size();
}
