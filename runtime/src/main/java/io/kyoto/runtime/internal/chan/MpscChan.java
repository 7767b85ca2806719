package io.kyoto.runtime.internal.chan;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The shared state of an mpsc channel (see the package documentation for the protocols).
 *
 * @param <T> the message type
 */
public final class MpscChan<T> {
  /** {@link #tryRecv()}: nothing to take now. */
  public static final Object EMPTY = new Object();

  /** {@link #tryRecv()}: nothing to take, ever. */
  public static final Object CLOSED = new Object();

  private static final VarHandle SENDERS;
  private static final int SPINS_BEFORE_YIELD = 64;
  private static final int MAX_POLL_SPINS = 32; // then register and let the pusher wake us

  static {
    try {
      SENDERS = MethodHandles.lookup().findVarHandle(MpscChan.class, "senders", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Admission control and the closed flag. */
  public final Capacity cap;

  /** The messages. */
  public final MsgQueue<T> queue;

  private final AtomicWaker rxWaker = new AtomicWaker();
  private final CondWaiters closedWaiters = new CondWaiters();
  private final int bound;
  private volatile int senders = 1;

  /**
   * Creates a channel with one sender.
   *
   * @param bound the capacity, or -1 for unbounded
   */
  public MpscChan(int bound) {
    this.bound = bound;
    this.cap = new Capacity(bound);
    this.queue = MsgQueue.create(bound);
  }

  /** {@return the bound, or -1 when unbounded} */
  public int bound() {
    return bound;
  }

  // ---- senders ----

  /** Counts one more sender handle. The caller holds an open handle, so the count is positive. */
  public void addSender() {
    SENDERS.getAndAdd(this, 1);
  }

  /**
   * Counts one more sender handle if any is still open (a weak sender's upgrade): once the count
   * reached zero the channel has ended for its receiver, and stays so.
   *
   * @return whether a handle was counted
   */
  public boolean tryAddSender() {
    int n = senders;
    while (n > 0) {
      int witness = (int) SENDERS.compareAndExchange(this, n, n + 1);
      if (witness == n) {
        return true;
      }
      n = witness;
    }
    return false;
  }

  /** Counts one sender handle fewer; the last one wakes the receiver so it can see the end. */
  public void dropSender() {
    if ((int) SENDERS.getAndAdd(this, -1) == 1) {
      rxWaker.wake();
    }
  }

  /** {@return the number of open sender handles} */
  public int senderCount() {
    return senders;
  }

  /**
   * Pushes a message for which a unit of capacity is held, and wakes the receiver.
   *
   * @param value the message
   */
  public void push(T value) {
    queue.push(value);
    rxWaker.wake(); // volatile read after the volatile slot store: the Dekker pair
  }

  /**
   * Tries to admit and push {@code value} without waiting.
   *
   * @param value the message
   * @return {@link Capacity#ACQUIRED}, {@link Capacity#FULL} or {@link Capacity#CLOSED_R}
   */
  public int trySend(T value) {
    int r = cap.tryAcquire(false);
    if (r == Capacity.ACQUIRED) {
      push(value);
    }
    return r;
  }

  /**
   * Sends {@code value} with a permit's unit (which stays valid after the receiver closed).
   *
   * @param value the message
   */
  public void sendPermit(T value) {
    cap.dropPermit(); // the unit is now a message's, in flight until the push below claims it
    push(value);
  }

  /** Gives back a permit's unit unused (a closed permit, or a cancelled granted reservation). */
  public void releasePermit() {
    cap.dropPermit();
    cap.release();
    rxWaker.wake(); // a handed-off message, or the channel may have become idle and done
  }

  /** {@return whether the receiver closed the channel} */
  public boolean isClosed() {
    return cap.isClosed();
  }

  /** {@return a future that completes when the receiver closes the channel} */
  public Future<Void> closedFuture() {
    return closedWaiters.await(cap::isClosed);
  }

  // ---- the receiver ----

  /** Looked up on first use: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.runtime.sync.Mpsc");
  }

  /**
   * Gives back the unit of a message the receiver just took; it may go to the first queued send,
   * whose waker is called. A waker that throws must not cost the message: the unit has moved and
   * the send's status is set under the lock before the wake, so the channel is consistent; the
   * waker's failure cannot be thrown to the receiver without losing the message it took, and is
   * logged (WARNING, logger {@code io.kyoto.runtime.sync.Mpsc}), as {@code Io.using} logs a close
   * that fails where nobody can be told.
   */
  private void releaseTaken() {
    try {
      cap.release();
    } catch (RuntimeException e) {
      Log.LOG.log(
          System.Logger.Level.WARNING,
          "a waiting sender's waker threw while the receiver released capacity; the message was"
              + " delivered",
          e);
    }
  }

  /**
   * {@return whether no message will ever be admitted again: the receiver or every sender closed}
   */
  private boolean noMoreSends() {
    return senders == 0 || cap.isClosed();
  }

  /**
   * {@return whether the channel is done: no more sends can be admitted and nothing is queued, in
   * flight or reserved}
   *
   * <p>When the end comes from the last sender closing, this also closes the capacity (once), as
   * the receiver's {@code close()} does: a send or reserve future made before the last sender
   * closed, and polled only now, then fails with its message instead of enqueueing a message after
   * the end the receiver reports (tokio: a send after the receiver has seen {@code None} fails).
   * The close comes first and idleness is checked again after it, so a send admitted just before
   * the close is received, not lost. A queued send never misses it: while one is queued the channel
   * is full, so not idle.
   */
  private boolean isDone() {
    if (!noMoreSends() || !cap.isIdle()) {
      return false;
    }
    if (!cap.isClosed()) {
      if (cap.close()) { // no waiter is queued (the channel is idle), so none is failed
        closedWaiters.notifyWaiters();
      }
      return cap.isIdle(); // else a send got in before the close: take it first
    }
    return true;
  }

  /**
   * {@return whether the receiver, having found nothing visible, should wait a moment instead of
   * reporting "nothing"} A message is on its way and only a few instructions from visible:
   *
   * <ul>
   *   <li>while sends can still be admitted: one is claimed but not yet written ("busy", as in
   *       tokio's list); an admitted, unclaimed send is linearized after this receive;
   *   <li>once no more sends can be admitted: any unit held by a message (admitted or claimed, not
   *       taken). Such a send was admitted before the close, so it must be seen before "closed".
   * </ul>
   *
   * <p>Both windows lie between adjacent steps of a send, so spinning is brief. Outstanding permits
   * are not waited for: they may never be used.
   */
  private boolean arriving() {
    return noMoreSends() ? cap.messages() > 0 : queue.hasClaimed();
  }

  private static void backOff(int spins) {
    if (spins < SPINS_BEFORE_YIELD) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
  }

  /**
   * Polls for the next message: ready with it, ready with null when the channel is done, or pending
   * after registering {@code cx}'s waker.
   *
   * @param cx the receiving task's context
   * @return the poll result
   */
  public Poll<T> pollRecv(Context cx) {
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return Poll.pending();
    }
    boolean registered = false;
    int spins = 0;
    while (true) {
      T v = queue.poll();
      if (v != null) {
        releaseTaken();
        return Poll.ready(v);
      }
      if (isDone()) {
        return Poll.ready(null); // idle: nothing queued, in flight, or reserved
      }
      if (spins < MAX_POLL_SPINS && arriving()) {
        backOff(spins++);
        continue;
      }
      if (registered) {
        return Poll.pending();
      }
      rxWaker.register(cx.waker()); // then look again: the Dekker pair with push
      registered = true;
    }
  }

  /**
   * Polls for up to {@code limit} messages, appended to {@code buffer}: ready with their number,
   * ready with 0 when the channel is done, or pending.
   *
   * @param cx the receiving task's context
   * @param buffer receives the messages
   * @param limit the most to take, at least 1
   * @return the poll result
   */
  public Poll<Integer> pollRecvMany(Context cx, List<? super T> buffer, int limit) {
    Poll<T> first = pollRecv(cx);
    if (first.isPending()) {
      return Poll.pending();
    }
    T v = first.value();
    if (v == null) {
      return Poll.ready(0);
    }
    buffer.add(v);
    int n = 1;
    while (n < limit && (v = queue.poll()) != null) {
      releaseTaken();
      buffer.add(v);
      n++;
    }
    return Poll.ready(n);
  }

  /**
   * Takes the next message without waiting. While a message is {@linkplain #arriving() arriving},
   * spins until it is visible (as tokio's {@code try_recv} does for its "busy" state), so that a
   * completed send is never reported as empty, nor a closed channel as drained too early.
   *
   * @return the message, {@link #EMPTY} or {@link #CLOSED}
   */
  public Object tryRecv() {
    int spins = 0;
    while (true) {
      T v = queue.poll();
      if (v != null) {
        releaseTaken();
        return v;
      }
      if (isDone()) {
        return CLOSED;
      }
      if (!arriving()) {
        return EMPTY;
      }
      backOff(spins++);
    }
  }

  /** Forgets the receiver's registered waker (its recv was cancelled). */
  public void clearRxWaker() {
    rxWaker.clear();
  }

  /** Closes the receiving side: sends fail, queued senders are woken, buffered messages stay. */
  public void closeRx() {
    boolean closedNow = true; // cap.close() throws (a failing waker) only after it closed
    try {
      closedNow = cap.close();
    } finally {
      if (closedNow) {
        try {
          closedWaiters.notifyWaiters();
        } finally {
          rxWaker.wake(); // a recv pending on another task may now be done
        }
      }
    }
  }

  /** {@return the number of messages claimed and not taken (a snapshot)} */
  public long len() {
    return queue.size();
  }
}
