package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.sync.WaitList;
import io.kyoto.runtime.internal.sync.WakeList;

/**
 * Lets a fixed number of tasks wait for each other, generation after generation (tokio's {@code
 * Barrier}).
 *
 * <p>Each task calls {@link #await()}; the futures complete together once {@code n} of them have
 * arrived. Exactly one of each group gets {@link BarrierWaitResult#isLeader()} {@code true}: the
 * one whose arrival completed the group. The barrier is then reset and the next {@code n} arrivals
 * form the next generation.
 *
 * {@snippet :
 * Barrier barrier = new Barrier(3);
 * for (int i = 0; i < 3; i++) {
 *   Task.spawn(barrier.await().map(result -> result.isLeader()));
 * }
 * }
 *
 * <p>A task arrives when its future is first polled, not when {@code await()} is called.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Barrier {
  private final int parties;
  private final Object lock = new Object();
  private final WaitList<Waiter> waiters = new WaitList<>(); // guarded by lock: this generation
  private int arrived; // guarded by lock

  /**
   * Creates a barrier for {@code n} tasks. As in tokio, a barrier of 0 behaves as one of 1: every
   * {@code await()} completes at once as the leader.
   *
   * @param n the number of tasks per generation
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public Barrier(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("a barrier needs at least 0 parties: " + n);
    }
    this.parties = Math.max(1, n);
  }

  /** {@return the number of tasks that complete a generation} */
  public int parties() {
    return parties;
  }

  /** A follower waiting for its generation to complete. */
  private static final class Waiter extends WaitList.Node<Waiter> {
    Waker waker; // guarded by lock
    volatile boolean released; // written under the lock
  }

  /**
   * {@return a future that completes once {@link #parties()} tasks have arrived in this generation}
   * The task arrives at the future's first poll; the future that completes the group is the leader.
   *
   * <p><b>Cancel safety:</b> cancelling a future that is still waiting withdraws its arrival: the
   * generation then needs one more arrival, as if the task had never come. (This differs from
   * tokio, whose dropped {@code wait} future keeps counting as arrived.) Cancelling after the
   * generation completed loses nothing but the result.
   */
  public Future<BarrierWaitResult> await() {
    return new Wait();
  }

  private final class Wait implements Future<BarrierWaitResult> {
    private Waiter node;
    private boolean done;

    @Override
    public Poll<BarrierWaitResult> poll(Context cx) {
      if (done) {
        throw new IllegalStateException("a completed or cancelled barrier wait was polled again");
      }
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      Waiter w = node;
      if (w == null) {
        return arrive(cx.waker());
      }
      if (!w.released) {
        synchronized (lock) {
          if (!w.released) {
            w.waker = cx.waker();
            return Poll.pending();
          }
        }
      }
      done = true;
      node = null;
      return Poll.ready(BarrierWaitResult.FOLLOWER);
    }

    private Poll<BarrierWaitResult> arrive(Waker waker) {
      WakeList wakes = new WakeList();
      synchronized (lock) {
        if (arrived + 1 < parties) {
          arrived++;
          Waiter w = new Waiter();
          w.waker = waker;
          waiters.pushBack(w);
          node = w;
          return Poll.pending();
        }
        arrived = 0;
        Waiter w;
        while ((w = waiters.popFirst()) != null) {
          wakes.add(w.waker);
          w.waker = null;
          w.released = true;
        }
      }
      wakes.wakeAll();
      done = true;
      return Poll.ready(BarrierWaitResult.LEADER);
    }

    @Override
    public void cancel() {
      if (done) {
        return;
      }
      done = true;
      Waiter w = node;
      node = null;
      if (w != null) {
        synchronized (lock) {
          if (waiters.remove(w)) {
            arrived--;
          }
          w.waker = null;
        }
      }
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "Barrier{parties=" + parties + ", arrived=" + arrived + "}";
    }
  }
}
