package io.kyoto.runtime.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The scheduler's shared FIFO (tokio's inject queue): wakes and spawns from threads that are not
 * workers of this runtime (a {@code blockOn} thread, a blocking job, a timer or I/O thread), and
 * the overflow of full {@link LocalQueue}s. Workers pull from it every {@code globalQueueInterval}
 * ticks and when their own queues are empty.
 *
 * <h2>Implementation</h2>
 *
 * <p>A push is one compare-and-set, without a lock: producers reserve consecutive positions by
 * advancing {@link #tail}, then store their tasks into the slots of those positions. The slots live
 * in a linked list of fixed-size {@link Chunk}s; the producer that reserves the first position of a
 * chunk allocates and links it, so each chunk is created exactly once. Consumers take one lock
 * among themselves only (a worker pulls a batch at a time, so they rarely meet); a consumer never
 * blocks a producer. tokio guards its inject list with one mutex for both sides, and so did this
 * class: with a {@code blockOn} thread spawning while the workers pull, the monitor was contended
 * and inflated, and the push cost most of a spawn.
 *
 * <p>A reserved position whose task is not stored yet is a <em>hole</em>: the producer is between
 * its compare-and-set and its store. A consumer that reaches a hole waits for the store (spinning,
 * then yielding the processor so a descheduled producer can run), which keeps the queue FIFO and
 * linearizable: a push takes effect at its compare-and-set, and {@link #len()} counts it from then.
 * Nothing a producer does between the two can fail: a batch is checked for nulls before anything is
 * reserved.
 *
 * <p>Memory: a chunk is unreachable once consumers moved past it and producers reserved beyond it,
 * so a burst does not pin memory; an idle queue holds one chunk. A consumer that leaves a chunk
 * also cuts its link to the next one ({@link #RETIRED}): a generational collector that has promoted
 * one chunk (it was live during a young collection) would otherwise keep every later chunk alive
 * through that dead chunk's link, promoting each in turn (the "nepotism" of linked queues, which
 * {@code ConcurrentLinkedQueue} avoids by linking a removed node to itself). Before this, a runtime
 * fed from a {@code blockOn} thread grew its old generation by 4 bytes per spawn (a 1 KiB chunk per
 * 256 tasks) until a full collection, and the heap with it.
 *
 * <p>Shutdown: {@link #close()} sets a bit in {@link #tail}, so no reservation can succeed after
 * it; later pushes return {@code false} and leave the tasks with the caller, and pops keep draining
 * what was pushed before (waiting out the stores of pushes that reserved before the close).
 *
 * <p>Thread safety: every method may be called from any thread. The {@code rest} callback of {@link
 * #popBatch} runs under the consumers' lock.
 *
 * @param <T> the element type (the scheduler's task)
 */
public final class InjectQueue<T> {
  /** Slots per chunk by default. */
  static final int CHUNK = 256;

  /** The bit of {@link #tail} that marks the queue closed. */
  private static final long CLOSED = Long.MIN_VALUE;

  /** The {@code rest} of {@link #pop}'s batch of one, which has none. */
  private static final Consumer<Object> NO_REST = task -> {};

  /** Spins on a hole before the waiting consumer starts yielding the processor to the producer. */
  private static final int SPINS_BEFORE_YIELD = 64;

  private static final VarHandle TAIL;
  private static final VarHandle HEAD;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      TAIL = lookup.findVarHandle(InjectQueue.class, "tail", long.class);
      HEAD = lookup.findVarHandle(InjectQueue.class, "head", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The link of a chunk that consumers have left: a producer that finds it (it started its walk at
   * a chunk that was current when it read it, then was overtaken) restarts from {@link
   * #consumerHint}, which is never beyond the position it reserved.
   */
  private static final Chunk RETIRED = new Chunk(Long.MIN_VALUE, 0);

  /** A run of slots for the positions {@code base .. base + slots.length - 1}. */
  private static final class Chunk {
    final long base;
    final Object[] slots;
    volatile Chunk next; // set once, by the producer that reserved position base + slots.length

    Chunk(long base, int size) {
      this.base = base;
      this.slots = new Object[size];
    }

    long end() {
      return base + slots.length;
    }
  }

  /** The next position to reserve, with {@link #CLOSED}; advanced by producers through CAS. */
  private volatile long tail;

  /**
   * A chunk whose base is at most every position not reserved yet: the newest chunk some producer
   * linked (or an older one, when two producers publish out of order, which only costs a walk).
   * Read before reserving, so the reserved position is never behind it.
   */
  private volatile Chunk producerChunk;

  private final Object consumerLock = new Object();

  /**
   * The consumers' current chunk ({@link #consumerChunk}), published for producers that find a
   * {@link #RETIRED} link: written before the chunk it replaces is retired, so a producer that sees
   * the mark reads this one or a later one. Its base is at most any position reserved and not yet
   * stored (consumers cannot pass a hole), so a producer walking from it reaches its position
   * through live links.
   */
  private volatile Chunk consumerHint;

  /** The next position to take; written under {@link #consumerLock}, read anywhere. */
  private volatile long head;

  /** The chunk holding {@link #head} (or the one before, at a chunk boundary). */
  private Chunk consumerChunk; // under consumerLock

  /** Creates an empty, open queue. */
  public InjectQueue() {
    this(CHUNK);
  }

  /**
   * Creates an empty, open queue with chunks of {@code chunkSize} slots (tests use tiny chunks so
   * that model checking crosses chunk boundaries).
   *
   * @param chunkSize slots per chunk, at least 1
   */
  InjectQueue(int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be at least 1: " + chunkSize);
    }
    Chunk first = new Chunk(0, chunkSize);
    producerChunk = first;
    consumerChunk = first;
    consumerHint = first;
  }

  /**
   * Appends a task.
   *
   * @param task the task
   * @return false if the queue is closed; the task was not taken
   */
  public boolean push(T task) {
    Objects.requireNonNull(task, "task");
    Chunk c = producerChunk; // before the reservation: c.base <= the position we get
    long at = reserve(1);
    if (at < 0) {
      return false;
    }
    c = chunkOf(c, at, at, at + 1);
    SLOT.setRelease(c.slots, (int) (at - c.base), task);
    return true;
  }

  /**
   * Appends tasks in order (a local queue's overflow), reserving their positions at once, so they
   * stay together.
   *
   * @param batch the tasks, oldest first; read during the call only
   * @return false if the queue is closed; no task was taken
   */
  public boolean pushBatch(List<? extends T> batch) {
    int n = batch.size();
    for (int i = 0; i < n; i++) {
      Objects.requireNonNull(batch.get(i), "task"); // before reserving: a hole must not stay
    }
    if (n == 0) {
      return !isClosed();
    }
    Chunk c = producerChunk;
    long at = reserve(n);
    if (at < 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      long pos = at + i;
      c = chunkOf(c, pos, at, at + n);
      SLOT.setRelease(c.slots, (int) (pos - c.base), batch.get(i));
    }
    return true;
  }

  /** Reserves {@code n} positions; returns the first, or -1 if the queue is closed. */
  private long reserve(int n) {
    while (true) {
      long t = tail;
      if ((t & CLOSED) != 0) {
        return -1;
      }
      if (TAIL.compareAndSet(this, t, t + n)) {
        return t;
      }
    }
  }

  /**
   * Walks from {@code c} to the chunk holding {@code pos}, linking a new chunk when its first
   * position is in this producer's reservation {@code [from, to)}, else waiting for its owner to.
   */
  private Chunk chunkOf(Chunk c, long pos, long from, long to) {
    while (pos >= c.end()) {
      Chunk next = c.next;
      if (next == null) {
        long base = c.end();
        if (base >= from && base < to) {
          next = new Chunk(base, c.slots.length);
          c.next = next;
          producerChunk = next;
        } else {
          next = awaitNext(c);
        }
      }
      // Retired: consumers left c (this producer was overtaken since it read producerChunk, or
      // while it waited for the link); restart from their chunk, whose base is at most pos.
      c = next == RETIRED ? consumerHint : next;
    }
    return c;
  }

  /**
   * Waits for the producer that owns the next chunk's first position to link it; returns the link,
   * which may have been {@link #RETIRED} meanwhile (never for the consumers, who retire only what
   * they left).
   */
  private static Chunk awaitNext(Chunk c) {
    Chunk next;
    int spins = 0;
    while ((next = c.next) == null) {
      spins = backOff(spins);
    }
    return next;
  }

  private static int backOff(int spins) {
    if (spins < SPINS_BEFORE_YIELD) {
      Thread.onSpinWait();
    } else {
      Thread.yield(); // the producer may be descheduled: let it finish its store
    }
    return spins + 1;
  }

  /**
   * Removes the oldest task.
   *
   * @return the task, or {@code null} if the queue is empty
   */
  public T pop() {
    return popBatch(1, NO_REST);
  }

  /**
   * Removes up to {@code max} tasks under one lock acquisition: returns the oldest, and hands the
   * others, oldest first, to {@code rest}. A worker runs the first and pushes the rest into its
   * local queue with {@link LocalQueue#pushBack}, sizing {@code max} as tokio does: {@code max(1,
   * min(sizeHint() / workers + 1, localQueue.remainingSlots(), capacity / 2))}.
   *
   * <p>A pop takes effect when it reads the tail, under the lock; it publishes the new head when
   * done. Only lock-free readers see the head before that, and they only use it to tell that the
   * queue is empty ({@link #isEmpty}, which a stale head can only make answer "not empty") or to
   * estimate its length ({@link #sizeHint}); {@link #len()} takes the lock.
   *
   * @param max the most tasks to remove, at least 1
   * @param rest receives the tasks after the first, under the lock; it must not throw or block (if
   *     it throws, the tasks not yet handed over stay queued)
   * @return the oldest task, or {@code null} if the queue is empty
   */
  public T popBatch(int max, Consumer<? super T> rest) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    Objects.requireNonNull(rest, "rest");
    if (isEmpty()) {
      return null;
    }
    synchronized (consumerLock) {
      long h = head;
      long available = (tail & ~CLOSED) - h;
      if (available <= 0) {
        return null;
      }
      long n = Math.min(max, available);
      T first = take(h);
      long taken = 1;
      try {
        while (taken < n) {
          T next = take(h + taken);
          taken++; // taken before the hand-over: a throwing `rest` must not leave a taken slot
          rest.accept(next);
        }
      } finally {
        HEAD.setRelease(this, h + taken);
      }
      return first;
    }
  }

  /**
   * Takes the task at {@code pos} (reserved, not taken yet), waiting out a hole. Under the lock.
   */
  private T take(long pos) {
    Chunk c = consumerChunk;
    if (pos >= c.end()) {
      Chunk old = c;
      c = old.next;
      if (c == null) {
        c = awaitNext(old);
      }
      consumerChunk = c;
      consumerHint = c; // before the retirement below: a producer that sees the mark sees this
      old.next = RETIRED; // the old chunk is left to the collector, without a link to the live ones
    }
    int i = (int) (pos - c.base);
    Object task;
    int spins = 0;
    while ((task = SLOT.getAcquire(c.slots, i)) == null) {
      spins = backOff(spins);
    }
    c.slots[i] = null; // no stale reference to a finished task
    @SuppressWarnings("unchecked") // only push/pushBatch store, and only T
    T t = (T) task;
    return t;
  }

  /**
   * Number of queued tasks (pushes that took effect, not yet popped), exactly: it takes the
   * consumers' lock. Hot paths use {@link #sizeHint()}.
   *
   * @return the length now
   */
  public int len() {
    synchronized (consumerLock) {
      return (int) Math.min(Integer.MAX_VALUE, (tail & ~CLOSED) - head);
    }
  }

  /**
   * An estimate of {@link #len()} without the lock (tokio's {@code global_queue_depth}, and the
   * workers' batch sizing): the tail minus the head, each read once. Pushes and pops in between
   * make it off by as many; it is never negative.
   *
   * @return the estimate
   */
  public int sizeHint() {
    long h = head; // first: the tail read after it is never behind it
    return (int) Math.min(Integer.MAX_VALUE, (tail & ~CLOSED) - h);
  }

  /**
   * Whether no task is queued, without taking the lock.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    // The head, then the tail, once each: if they are equal, the queue was empty when the tail was
    // read (the head never passes the tail). Workers call this before every pull and before they
    // park, and the tail's cache line is the one producers keep writing: one read, not len()'s
    // three.
    long h = head;
    return h == (tail & ~CLOSED);
  }

  /**
   * Closes the queue: later pushes are refused; queued tasks can still be popped.
   *
   * @return true if this call closed it, false if it was already closed
   */
  public boolean close() {
    while (true) {
      long t = tail;
      if ((t & CLOSED) != 0) {
        return false;
      }
      if (TAIL.compareAndSet(this, t, t | CLOSED)) {
        return true;
      }
    }
  }

  /**
   * Whether {@link #close()} has been called.
   *
   * @return true if closed
   */
  public boolean isClosed() {
    return (tail & CLOSED) != 0;
  }

  @Override
  public String toString() {
    return "InjectQueue[len=" + len() + (isClosed() ? ", closed" : "") + "]";
  }
}
