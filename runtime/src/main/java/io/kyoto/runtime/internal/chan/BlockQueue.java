package io.kyoto.runtime.internal.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The buffer of an unbounded (or very large) channel: a linked list of blocks of {@value #BLOCK}
 * slots, as tokio's {@code block.rs}, so it allocates once per {@value #BLOCK} messages.
 *
 * <ol>
 *   <li>A producer claims position {@code p} with {@code getAndAdd} on {@code tail}, finds the
 *       block that starts at {@code p - p % BLOCK} by walking {@code next} links from a hint
 *       ({@code tailBlock}), appending blocks with a CAS on {@code next} where the list ends, and
 *       stores the message in its slot (volatile).
 *   <li>The hint only moves forward. It may overshoot a producer that claimed a smaller position
 *       and has not read it yet; that producer walks from {@code headBlock} instead, which is at or
 *       before its block because the consumer cannot pass a position whose message is missing.
 *   <li>The consumer reads its slot (volatile); null means nothing visible. It moves {@code
 *       headBlock} to the next block once it has taken a whole block; blocks behind it become
 *       garbage. Slots are never reused, so clearing them is only for the collector.
 *   <li>The block it leaves has its {@code next} link replaced by {@link #RETIRED}, so that a block
 *       the collector promoted (one that lived through young collections, as in a quiet channel)
 *       does not keep every later block alive through its link until a full or mixed collection
 *       (the nepotism of linked queues). A producer that meets the mark was overtaken by the
 *       consumer since it read its hint, and walks on from {@code headBlock}, which the consumer
 *       wrote before the mark.
 * </ol>
 */
public final class BlockQueue<T> extends MsgQueue<T> {
  static final int BLOCK = 32;

  private static final VarHandle TAIL;
  private static final VarHandle TAIL_BLOCK;
  private static final VarHandle NEXT;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TAIL = l.findVarHandle(BlockQueue.class, "tail", long.class);
      TAIL_BLOCK = l.findVarHandle(BlockQueue.class, "tailBlock", Block.class);
      NEXT = l.findVarHandle(Block.class, "next", Block.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The link of a block the consumer has left; see the class comment. */
  private static final Block RETIRED = new Block(Long.MIN_VALUE);

  /** A run of {@value #BLOCK} positions starting at {@code start}. */
  static final class Block {
    final long start;
    final Object[] slots = new Object[BLOCK];
    volatile Block next;

    Block(long start) {
      this.start = start;
    }
  }

  private volatile long tail;
  private volatile Block tailBlock;
  private volatile Block headBlock; // written by the consumer only; read by lagging producers
  private long head; // consumer only

  BlockQueue() {
    Block first = new Block(0);
    tailBlock = first;
    headBlock = first;
  }

  @Override
  public void push(T value) {
    long p = (long) TAIL.getAndAdd(this, 1L);
    Block hint = tailBlock;
    Block b = hint.start <= p ? hint : headBlock;
    while (p >= b.start + BLOCK) {
      Block n = b.next;
      if (n == null) {
        Block fresh = new Block(b.start + BLOCK);
        Block won = (Block) NEXT.compareAndExchange(b, (Block) null, fresh);
        n = won == null ? fresh : won;
      }
      // Retired: the consumer left b; its block is at or before ours (it cannot pass our slot).
      b = n == RETIRED ? headBlock : n;
    }
    if (b != hint && hint.start < b.start) {
      TAIL_BLOCK.compareAndSet(this, hint, b); // a failed CAS means someone moved it further
    }
    SLOTS.setVolatile(b.slots, (int) (p - b.start), value);
  }

  @Override
  @SuppressWarnings("unchecked") // only T values are pushed
  public T poll() {
    Block b = headBlock;
    int i = (int) (head - b.start);
    if (i == BLOCK) {
      Block n = b.next;
      if (n == null) {
        return null;
      }
      headBlock = n; // before the mark: a producer that sees the mark finds this block or a later
      b.next = RETIRED;
      b = n;
      i = 0;
    }
    Object v = SLOTS.getVolatile(b.slots, i);
    if (v == null) {
      return null;
    }
    b.slots[i] = null; // never read again; only frees the message for the collector
    head++;
    return (T) v;
  }

  @Override
  public boolean hasClaimed() {
    return tail != head;
  }

  @Override
  public long size() {
    return Math.max(0, tail - head);
  }
}
