package io.kyoto.runtime.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A worker's run queue: a fixed ring with one producer (the owning worker) and many consumers (the
 * owner popping, other workers stealing half at a time). tokio's {@code multi_thread::queue::Local}
 * and {@code Steal} in one class.
 *
 * <p>The state words, invariants and the push/pop/steal protocols are described in the {@linkplain
 * io.kyoto.runtime.internal.sched package documentation}. No operation allocates: the overflow
 * batch reuses a per-queue list.
 *
 * <p>Thread safety: {@link #push}, {@link #pushBack} and {@link #pop} are for the owner only;
 * {@link #stealInto} is called by a thief on the victim, with the thief's own queue as {@code dst};
 * the size queries and counters may be read from any thread. Once {@link #bindOwner()} has been
 * called, owner-only calls from another thread fail an assertion.
 *
 * @param <T> the element type (the scheduler's task)
 */
public final class LocalQueue<T> {
  /** Slots in a worker's queue (tokio's {@code LOCAL_QUEUE_CAPACITY}). */
  public static final int CAPACITY = 256;

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle OVERFLOW_COUNT;
  private static final VarHandle STEAL_COUNT;
  private static final VarHandle STEAL_OPERATIONS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(LocalQueue.class, "head", long.class);
      TAIL = lookup.findVarHandle(LocalQueue.class, "tail", int.class);
      OVERFLOW_COUNT = lookup.findVarHandle(LocalQueue.class, "overflowCount", long.class);
      STEAL_COUNT = lookup.findVarHandle(LocalQueue.class, "stealCount", long.class);
      STEAL_OPERATIONS = lookup.findVarHandle(LocalQueue.class, "stealOperations", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  private final int mask;

  /** Tasks taken by an overflow, and the most a steal takes: half the ring. */
  private final int half;

  /**
   * The slots. An {@link AtomicReferenceArray} gives typed plain accesses without unchecked casts;
   * every access below is plain, ordered by the {@code head}/{@code tail} accesses around it.
   */
  private final AtomicReferenceArray<T> buffer;

  /** Owner-only scratch list for the overflow batch, sized once. */
  private final ArrayList<T> overflowBatch;

  /**
   * The thread allowed to make owner-only calls, or {@code null} while unbound. Written by the
   * owner in {@link #bindOwner()}; a hand-off to another thread must publish the queue (as a
   * worker's core is handed over under a lock). Read plainly by assertions only.
   */
  private Thread owner;

  /** {@code steal << 32 | real}; accessed only through {@link #HEAD}. */
  private long head;

  /** Next position the owner writes; accessed only through {@link #TAIL}. */
  private int tail;

  /** Overflows of this queue; single writer (owner), read anywhere; through the VarHandle. */
  private long overflowCount;

  /** Tasks stolen into this queue by its owner; single writer; through the VarHandle. */
  private long stealCount;

  /** Successful steals into this queue; single writer; through the VarHandle. */
  private long stealOperations;

  /** Creates an empty queue of {@link #CAPACITY} slots, not yet bound to an owner. */
  public LocalQueue() {
    this(CAPACITY);
  }

  /**
   * Creates an empty queue of {@code capacity} slots. Model tests shrink the ring, as tokio does
   * under loom, to reach the full and wrapped states in few operations.
   *
   * @param capacity a power of two, at least 2
   */
  LocalQueue(int capacity) {
    this(capacity, 0);
  }

  /**
   * Creates an empty queue whose positions start at {@code start}, so that tests reach the wrap of
   * the 32-bit counters without 2<sup>32</sup> operations.
   *
   * @param capacity a power of two, at least 2
   * @param start the initial head and tail position
   */
  LocalQueue(int capacity, int start) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.half = capacity / 2;
    this.buffer = new AtomicReferenceArray<>(capacity);
    this.overflowBatch = new ArrayList<>(half + 1);
    // plain: like every non-final field, these reach other threads through the queue's safe
    // publication (queues are created before the worker threads start).
    HEAD.set(this, pack(start, start));
    TAIL.set(this, start);
  }

  /**
   * Makes the calling thread the owner, for the confinement assertions. A worker calls it when it
   * takes its core (at start, or after another thread handed the core over).
   */
  public void bindOwner() {
    owner = Thread.currentThread();
  }

  /**
   * Pushes a task at the back. If the ring is full, moves its older half and {@code task} to {@code
   * overflow} in one batch; if a thief is emptying the full ring at that moment, sends only {@code
   * task} there.
   *
   * <p>Owner only.
   *
   * @param task the task
   * @param overflow where the tasks go when the ring is full
   */
  public void push(T task, Overflow<T> overflow) {
    Objects.requireNonNull(task, "task");
    assert ownedByCurrentThread() : confinementMessage();
    while (true) {
      // acquire: pairs with the release half of a thief's final CAS, so its reads and clears of
      // the slots it took happen-before we write tasks into them again.
      long h = (long) HEAD.getAcquire(this);
      int steal = steal(h);
      int real = real(h);
      // plain: the owner is the only writer of tail.
      int t = (int) TAIL.get(this);
      int used = t - steal;
      assert used >= 0 && used <= capacity : "used " + used;
      if (used < capacity) {
        publish(task, t);
        return;
      }
      if (steal != real) {
        // A thief is copying out; it will free half the ring. Do not wait for it.
        overflow.push(task);
        return;
      }
      if (pushOverflow(task, real, t, overflow)) {
        return;
      }
      // A thief claimed tasks between our load and our CAS: the ring has room again.
    }
  }

  /**
   * Pushes a task at the back without overflowing, for a batch pulled from the inject queue and
   * sized by {@link #remainingSlots()}.
   *
   * <p>Owner only.
   *
   * @param task the task
   * @throws IllegalStateException if the ring is full
   */
  public void pushBack(T task) {
    Objects.requireNonNull(task, "task");
    assert ownedByCurrentThread() : confinementMessage();
    // acquire: as in push, a thief's reads of the slot we may reuse happen-before our write.
    int steal = steal((long) HEAD.getAcquire(this));
    // plain: the owner is the only writer of tail.
    int t = (int) TAIL.get(this);
    if (t - steal >= capacity) {
      throw new IllegalStateException("local queue is full");
    }
    publish(task, t);
  }

  /** Writes {@code task} at position {@code t} (free, owned by us) and publishes it. */
  private void publish(T task, int t) {
    // plain: the slot is outside [steal, tail), so no other thread reads it before the store below.
    buffer.setPlain(t & mask, task);
    // release: publishes the slot to thieves, which load tail with acquire before reading slots.
    TAIL.setRelease(this, t + 1);
  }

  /**
   * Moves the oldest half of a full ring, plus {@code task}, to {@code overflow}.
   *
   * @return false if a thief changed the head first (nothing was moved)
   */
  private boolean pushOverflow(T task, int real, int t, Overflow<T> overflow) {
    assert t - real == capacity : "not full: tail " + t + ", head " + real;
    int next = real + half;
    // volatile CAS (stronger than needed): claims the half against thieves racing for the same
    // head; the slots themselves were written by this thread, so no ordering is needed for them.
    if (!HEAD.compareAndSet(this, pack(real, real), pack(next, next))) {
      return false;
    }
    ArrayList<T> batch = overflowBatch;
    assert batch.isEmpty();
    for (int i = 0; i < half; i++) {
      int idx = (real + i) & mask;
      // plain: the CAS gave us these slots, and we wrote them ourselves.
      batch.add(buffer.getPlain(idx));
      buffer.setPlain(idx, null);
    }
    batch.add(task);
    try {
      overflow.pushBatch(batch);
    } finally {
      batch.clear();
    }
    // opaque: a single writer; metrics readers on other threads need no ordering, only no tearing.
    OVERFLOW_COUNT.setOpaque(this, (long) OVERFLOW_COUNT.get(this) + 1);
    return true;
  }

  /**
   * Takes the oldest task.
   *
   * <p>Owner only.
   *
   * @return the task, or {@code null} if the queue is empty
   */
  public T pop() {
    assert ownedByCurrentThread() : confinementMessage();
    // acquire: as in push (the CAS below revalidates the value anyway).
    long h = (long) HEAD.getAcquire(this);
    int idx;
    while (true) {
      int steal = steal(h);
      int real = real(h);
      // plain: the owner is the only writer of tail.
      int t = (int) TAIL.get(this);
      if (real == t) {
        return null;
      }
      int next = real + 1;
      assert steal == real || steal != next;
      long update = steal == real ? pack(next, next) : pack(steal, next);
      // volatile CAS: races with thieves for the same position; the winner owns the slot.
      long witness = (long) HEAD.compareAndExchange(this, h, update);
      if (witness == h) {
        idx = real & mask;
        break;
      }
      h = witness;
    }
    // plain: the slot is ours since the CAS, and this thread wrote it.
    T task = buffer.getPlain(idx);
    buffer.setPlain(idx, null);
    return task;
  }

  /**
   * Steals half of this queue's tasks (rounded up) into {@code dst} and returns one of them to run
   * at once. Gives up, returning {@code null}, if this queue is empty, if another thief is already
   * stealing from it, or if {@code dst} is more than half full.
   *
   * <p>"Half" is measured on the thief's snapshot of the queue: tasks the owner pushes while the
   * steal is claiming its batch do not count (pops and other steals make it retry with a fresh
   * snapshot). The stolen tasks are the oldest ones, and keep their order in {@code dst}; the one
   * returned is the newest of them.
   *
   * <p>Called on the victim by the owner of {@code dst}.
   *
   * @param dst the thief's own queue, with the same capacity
   * @return a stolen task to run now, or {@code null} if nothing was stolen
   */
  public T stealInto(LocalQueue<T> dst) {
    assert dst != this : "a queue cannot steal from itself";
    assert dst.capacity == capacity : "capacities differ";
    assert dst.ownedByCurrentThread() : dst.confinementMessage();
    // plain: we own dst, so we are the only writer of its tail.
    int dstTail = (int) TAIL.get(dst);
    // acquire: a thief of dst may still be copying out of dst's slots; its final CAS (release)
    // must happen-before we write stolen tasks over them.
    int dstSteal = steal((long) HEAD.getAcquire(dst));
    if (dstTail - dstSteal > half) {
      // The batch might not fit. tokio gives up too rather than steal less.
      return null;
    }
    int n = claimAndCopy(dst, dstTail);
    if (n == 0) {
      return null;
    }
    // opaque: single writer (dst's owner); metrics readers need no ordering.
    STEAL_COUNT.setOpaque(dst, (long) STEAL_COUNT.get(dst) + n);
    STEAL_OPERATIONS.setOpaque(dst, (long) STEAL_OPERATIONS.get(dst) + 1);
    n--;
    int retIdx = (dstTail + n) & mask;
    // plain: written by this thread in claimAndCopy and not yet published.
    T ret = dst.buffer.getPlain(retIdx);
    dst.buffer.setPlain(retIdx, null);
    if (n > 0) {
      // release: publishes the copied slots to dst's own thieves.
      TAIL.setRelease(dst, dstTail + n);
    }
    return ret;
  }

  /**
   * Claims half of this queue's tasks, copies them into {@code dst} from position {@code dstTail}
   * on (unpublished), and releases the claim.
   *
   * @return the number of tasks copied
   */
  private int claimAndCopy(LocalQueue<T> dst, int dstTail) {
    // acquire: with the tail load below, a consistent snapshot; the CAS revalidates the head.
    long prev = (long) HEAD.getAcquire(this);
    long claimed;
    int n;
    while (true) {
      int steal = steal(prev);
      int real = real(prev);
      if (steal != real) {
        // Another thief is at work on this queue.
        return 0;
      }
      // acquire: pairs with the owner's release store of tail, so the slots below it are visible.
      int t = (int) TAIL.getAcquire(this);
      int available = t - real;
      n = available - available / 2;
      if (n <= 0) {
        return 0;
      }
      claimed = pack(steal, real + n);
      // volatile CAS: claims [real, real + n) against the owner's pops, overflows and other
      // thieves; its acquire half orders our slot reads after the claim.
      long witness = (long) HEAD.compareAndExchange(this, prev, claimed);
      if (witness == prev) {
        break;
      }
      prev = witness;
    }
    assert n <= half : "stole " + n;
    int first = steal(claimed);
    for (int i = 0; i < n; i++) {
      int srcIdx = (first + i) & mask;
      // plain: published by the tail acquire above, and owned by us since the CAS.
      T task = buffer.getPlain(srcIdx);
      // plain: ordered before the releasing CAS below, which hands the slot back to the owner.
      buffer.setPlain(srcIdx, null);
      // plain: a free slot of dst (we own dst); published later by the release store of dst.tail.
      dst.buffer.setPlain((dstTail + i) & mask, task);
    }
    // Hand the slots back: move steal up to the current real (the owner may have popped since).
    prev = claimed;
    while (true) {
      int real = real(prev);
      // volatile CAS: its release half orders our slot reads and clears before the owner reuses
      // the slots (the owner loads head with acquire before writing).
      long witness = (long) HEAD.compareAndExchange(this, prev, pack(real, real));
      if (witness == prev) {
        return n;
      }
      assert steal(witness) != real(witness) : "steal finished by someone else";
      prev = witness;
    }
  }

  /**
   * Number of queued tasks. Exact for the owner; a snapshot for other threads.
   *
   * @return the number of tasks, in {@code [0, capacity]}
   */
  public int len() {
    // acquire (both): head first, then tail, so tail >= real; a stealer's claimed tasks no longer
    // count.
    long h = (long) HEAD.getAcquire(this);
    int t = (int) TAIL.getAcquire(this);
    return Math.clamp(t - real(h), 0, capacity);
  }

  /**
   * Whether the queue holds no task. Exact for the owner; a snapshot for other threads.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return len() == 0;
  }

  /**
   * How many tasks the owner can push before the ring overflows. Slots a thief is still copying out
   * of count as used. For the owner this is a lower bound: it only grows until the next push.
   *
   * @return free slots, in {@code [0, capacity]}
   */
  public int remainingSlots() {
    // acquire (both): as in len().
    long h = (long) HEAD.getAcquire(this);
    int t = (int) TAIL.getAcquire(this);
    return capacity - Math.clamp(t - steal(h), 0, capacity);
  }

  /**
   * The number of slots.
   *
   * @return the capacity ({@link #CAPACITY} outside tests)
   */
  public int capacity() {
    return capacity;
  }

  /**
   * How many times a full ring moved half of its tasks to the overflow sink (tokio's {@code
   * overflow_count} worker metric).
   *
   * @return the count, read from any thread
   */
  public long overflowCount() {
    // opaque: a monotonic metric; no ordering with other memory is promised.
    return (long) OVERFLOW_COUNT.getOpaque(this);
  }

  /**
   * How many tasks the owner of this queue stole into it, including the ones returned to run at
   * once (tokio's {@code steal_count}).
   *
   * @return the count, read from any thread
   */
  public long stealCount() {
    // opaque: a monotonic metric.
    return (long) STEAL_COUNT.getOpaque(this);
  }

  /**
   * How many steals into this queue took at least one task (tokio's {@code steal_operations}).
   *
   * @return the count, read from any thread
   */
  public long stealOperations() {
    // opaque: a monotonic metric.
    return (long) STEAL_OPERATIONS.getOpaque(this);
  }

  private boolean ownedByCurrentThread() {
    Thread o = owner;
    return o == null || o == Thread.currentThread();
  }

  private String confinementMessage() {
    return "owner-only call from " + Thread.currentThread() + "; owner is " + owner;
  }

  private static int steal(long h) {
    return (int) (h >>> 32);
  }

  private static int real(long h) {
    return (int) h;
  }

  private static long pack(int steal, int real) {
    return ((long) steal << 32) | (real & 0xFFFF_FFFFL);
  }

  @Override
  public String toString() {
    long h = (long) HEAD.getAcquire(this);
    int t = (int) TAIL.getAcquire(this);
    return "LocalQueue[steal="
        + Integer.toUnsignedString(steal(h))
        + ", real="
        + Integer.toUnsignedString(real(h))
        + ", tail="
        + Integer.toUnsignedString(t)
        + ", capacity="
        + capacity
        + "]";
  }
}
