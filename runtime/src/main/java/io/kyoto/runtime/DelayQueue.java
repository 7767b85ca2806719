package io.kyoto.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A queue of values that each come out once their own deadline passes on the runtime clock, as
 * tokio-util's {@code DelayQueue}: expiring sessions, cache entries, retries due later. Each {@link
 * #insert} returns a {@link Key} with which the value can be {@linkplain #remove removed} or its
 * deadline {@linkplain #reset moved} before it expires.
 *
 * <p>One timer serves the whole queue (the earliest deadline's), so a queue of a million values
 * holds one timer-wheel entry; inserting, removing and resetting cost {@code O(log n)}.
 *
 * {@snippet :
 * DelayQueue<String> sessions = new DelayQueue<>();
 * DelayQueue.Key key = sessions.insert("session-42", Duration.ofMinutes(30));
 * sessions.reset(key, Duration.ofMinutes(30));                 // on activity
 * Future<Void> reaper = Futures.loop(0, n -> sessions.next().map(expired -> {
 *   log.info("expired " + expired.value());
 *   return Futures.Step.next(n + 1);
 * }));
 * }
 *
 * <p>Unlike tokio's, {@link #next()} waits while the queue is empty instead of reporting the end: a
 * loop that selects over it and over a channel of new entries needs no {@code if !queue.is_empty()}
 * guard. Values that expire together come out in deadline order, then insertion order.
 *
 * <p><b>Thread safety:</b> not thread safe; owned by one task, as an {@link Interval}. Deadlines
 * are readings of the runtime clock ({@link Time#now()}), so the queue is used inside a runtime
 * with time enabled, and follows its paused clock in tests.
 *
 * @param <T> the values' type
 */
public final class DelayQueue<T> {
  /**
   * The handle of one inserted value, valid until the value expires or is removed. Compared by
   * identity.
   */
  public static final class Key {
    private final DelayQueue<?> owner;
    private final long seq; // insertion order, for ties
    private long deadline;
    private Object value;
    private int index = -1; // in the heap; -1 once gone

    private Key(DelayQueue<?> owner, long seq) {
      this.owner = owner;
      this.seq = seq;
    }

    @Override
    public String toString() {
      return "DelayQueue.Key{" + seq + (index < 0 ? ", gone}" : "}");
    }
  }

  /**
   * A value whose deadline passed.
   *
   * @param value the value inserted
   * @param key its key, no longer valid
   * @param deadline its deadline on the runtime clock (nanoseconds)
   * @param <T> the value's type
   */
  public record Expired<T>(T value, Key key, long deadline) {}

  private Key[] heap = new Key[16];
  private int size;
  private long nextSeq;
  private Sleep timer; // armed for timerDeadline while the queue is not empty
  private long timerDeadline;
  private Waker waiting; // the task waiting in next() on an empty queue

  /** Creates an empty queue. */
  public DelayQueue() {}

  /**
   * Inserts {@code value}, to come out once {@code timeout} has passed.
   *
   * @param value the value
   * @param timeout how long from now; zero or negative expires at once
   * @return its key
   * @throws IllegalStateException outside a runtime with time enabled
   */
  public Key insert(T value, Duration timeout) {
    return insertAt(value, deadlineIn(timeout));
  }

  /**
   * Inserts {@code value}, to come out once the runtime clock reaches {@code deadlineNanos}.
   *
   * @param value the value
   * @param deadlineNanos a reading of {@link Time#now()}
   * @return its key
   */
  public Key insertAt(T value, long deadlineNanos) {
    Key k = new Key(this, nextSeq++);
    k.value = value;
    k.deadline = deadlineNanos;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = k;
    k.index = size;
    size++;
    siftUp(k.index);
    changed();
    return k;
  }

  /**
   * Removes the value of {@code key} before it expires.
   *
   * @param key a key of this queue
   * @return the value
   * @throws NoSuchElementException if the value already expired or was removed
   * @throws IllegalArgumentException if the key is another queue's
   */
  @SuppressWarnings("unchecked") // the key's value is a T of this queue
  public T remove(Key key) {
    check(key);
    T value = (T) key.value;
    removeAt(key.index);
    changed();
    return value;
  }

  /**
   * Removes the value of {@code key} if it is still queued.
   *
   * @param key a key of this queue
   * @return whether it was
   * @throws IllegalArgumentException if the key is another queue's
   */
  public boolean tryRemove(Key key) {
    ownKey(key);
    if (key.index < 0) {
      return false;
    }
    removeAt(key.index);
    changed();
    return true;
  }

  /**
   * Moves the deadline of {@code key}'s value to {@code timeout} from now (later or sooner).
   *
   * @param key a key of this queue
   * @param timeout how long from now
   * @throws NoSuchElementException if the value already expired or was removed
   */
  public void reset(Key key, Duration timeout) {
    resetAt(key, deadlineIn(timeout));
  }

  /**
   * Moves the deadline of {@code key}'s value to {@code deadlineNanos}.
   *
   * @param key a key of this queue
   * @param deadlineNanos a reading of {@link Time#now()}
   * @throws NoSuchElementException if the value already expired or was removed
   */
  public void resetAt(Key key, long deadlineNanos) {
    check(key);
    long before = key.deadline;
    key.deadline = deadlineNanos;
    if (deadlineNanos < before) {
      siftUp(key.index);
    } else {
      siftDown(key.index);
    }
    changed();
  }

  /**
   * {@return the deadline of {@code key}'s value (runtime clock nanoseconds)}
   *
   * @param key a key of this queue
   * @throws NoSuchElementException if the value already expired or was removed
   */
  public long deadline(Key key) {
    check(key);
    return key.deadline;
  }

  /**
   * {@return whether {@code key}'s value is still queued}
   *
   * @param key a key of this queue
   */
  public boolean contains(Key key) {
    ownKey(key);
    return key.index >= 0;
  }

  /** {@return how many values are queued} */
  public int size() {
    return size;
  }

  /** {@return whether no value is queued} */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Removes every value; their keys become invalid. */
  public void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].index = -1;
      heap[i].value = null;
      heap[i] = null;
    }
    size = 0;
    changed();
  }

  /**
   * {@return a future of the next value to expire: at once if one is due, else when the earliest
   * deadline passes} While the queue is empty it waits for an insert. Each poll looks at the queue
   * as it is then, so values inserted, removed or reset while it waits are taken into account.
   *
   * <p><b>Cancel safety:</b> cancel safe: a value comes out of the queue only in the poll that
   * completes the future.
   */
  public Future<Expired<T>> next() {
    return new Future<>() {
      @Override
      public Poll<Expired<T>> poll(Context cx) {
        return pollExpired(cx);
      }

      @Override
      public void cancel() {
        waiting = null;
        cancelTimer(); // no wheel entry is left behind for a task that stopped waiting
      }

      @Override
      public String toString() {
        return "DelayQueue.next{" + size + " queued}";
      }
    };
  }

  /**
   * Polls for the next expired value, for hand-written futures and streams.
   *
   * @param cx the polling task's context, woken when the earliest deadline passes or, while the
   *     queue is empty, when a value is inserted
   * @return ready with the value, or pending
   */
  @SuppressWarnings("unchecked") // the keys hold T values of this queue
  public Poll<Expired<T>> pollExpired(Context cx) {
    if (size == 0) {
      cancelTimer();
      waiting = cx.waker();
      return Poll.pending();
    }
    Key first = heap[0];
    if (first.deadline > Time.now()) {
      if (timer == null || timerDeadline != first.deadline) {
        cancelTimer();
        timer = Time.sleepUntil(first.deadline);
        timerDeadline = first.deadline;
      }
      if (timer.poll(cx).isPending()) { // spends a unit of the coop budget
        waiting = cx.waker(); // an insert, remove or reset may move the earliest deadline
        return Poll.pending();
      }
      // The wheel fired: the deadline passed, to its millisecond.
    } else if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    waiting = null;
    if (timer != null && timerDeadline == first.deadline) {
      cancelTimer(); // served; the next deadline gets its own timer
    }
    T value = (T) first.value;
    removeAt(0);
    return Poll.ready(new Expired<>(value, first, first.deadline));
  }

  @Override
  public String toString() {
    return "DelayQueue{" + size + " queued}";
  }

  // ---- internals ----

  private static long deadlineIn(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return Sleep.saturatedAdd(Time.now(), Math.max(0, Time.saturatedNanos(timeout)));
  }

  private void ownKey(Key key) {
    Objects.requireNonNull(key, "key");
    if (key.owner != this) {
      throw new IllegalArgumentException("the key is another DelayQueue's");
    }
  }

  private void check(Key key) {
    ownKey(key);
    if (key.index < 0) {
      throw new NoSuchElementException("the key's value already expired or was removed");
    }
  }

  /** The earliest deadline may have moved: a waiting {@code next()} looks again. */
  private void changed() {
    if (size == 0) {
      cancelTimer();
    }
    Waker w = waiting;
    if (w != null) {
      waiting = null;
      w.wake();
    }
  }

  private void cancelTimer() {
    Sleep t = timer;
    if (t != null) {
      timer = null;
      t.cancel();
    }
  }

  private void removeAt(int i) {
    Key gone = heap[i];
    gone.index = -1;
    gone.value = null;
    size--;
    if (i != size) {
      Key last = heap[size];
      heap[i] = last;
      last.index = i;
      heap[size] = null;
      siftDown(i);
      if (heap[i] == last) {
        siftUp(i);
      }
    } else {
      heap[i] = null;
    }
  }

  private static boolean before(Key a, Key b) {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
  }

  private void siftUp(int i) {
    Key k = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Key p = heap[parent];
      if (!before(k, p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = k;
    k.index = i;
  }

  private void siftDown(int i) {
    Key k = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      Key c = heap[child];
      if (!before(c, k)) {
        break;
      }
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = k;
    k.index = i;
  }
}
