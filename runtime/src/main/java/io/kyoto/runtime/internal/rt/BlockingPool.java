package io.kyoto.runtime.internal.rt;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool behind {@code spawnBlocking}, as tokio's: a submitted job wakes an idle thread, else
 * starts a new one while under the cap, else waits in an unbounded FIFO queue. A thread idle for
 * the keep-alive time exits, so the pool shrinks back to zero.
 *
 * <p>All state is guarded by {@link #lock}. Shutdown stops the idle threads and refuses new jobs;
 * {@link #awaitTermination} waits for running ones (jobs cannot be interrupted once started).
 */
final class BlockingPool {
  private final RuntimeCore core;
  private final int maxThreads;
  private final long keepAliveNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition available = lock.newCondition();
  private final Condition terminated = lock.newCondition();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private int threads;
  // Idle threads not yet promised a job. A submit that wakes one takes it off this count at once
  // and adds one to `notified`, as tokio's num_idle / num_notify: else jobs submitted back to back
  // would all count on the same idle thread and wait for one another instead of starting threads.
  private int idle;
  private int notified; // wake-ups given to idle threads and not yet taken up
  private int inFlight;
  private int nextIndex;
  private boolean shutdown;

  BlockingPool(RuntimeCore core, int maxThreads, long keepAliveNanos) {
    this.core = core;
    this.maxThreads = maxThreads;
    this.keepAliveNanos = keepAliveNanos;
  }

  /**
   * Queues {@code job}.
   *
   * @return false if the pool is shut down
   */
  boolean submit(Runnable job) {
    int index;
    lock.lock();
    try {
      if (shutdown) {
        return false;
      }
      queue.addLast(job);
      inFlight++;
      if (idle > 0) {
        idle--;
        notified++;
        available.signal();
        return true;
      }
      if (threads >= maxThreads) {
        return true;
      }
      threads++;
      index = nextIndex++;
    } finally {
      lock.unlock();
    }
    // Started outside the lock: a thread start takes tens of microseconds, and under the lock it
    // made every other submit (and every finishing job) wait for it, so a burst of blocking jobs
    // (200 Command.output() futures polled at once) held a runtime thread for over 100 ms.
    Thread t =
        Thread.ofPlatform()
            .name(core.threadName("blocking-" + index))
            .daemon(true)
            .unstarted(this::work);
    try {
      t.start();
    } catch (Throwable e) { // no thread for it (out of native threads): undo, unless taken
      boolean removed;
      lock.lock();
      try {
        threads--;
        terminated.signalAll();
        removed = queue.removeLastOccurrence(job);
        if (removed) {
          inFlight--;
        }
      } finally {
        lock.unlock();
      }
      if (removed) {
        throw e;
      }
    }
    return true;
  }

  /** {@return the number of jobs queued or running, which stops a paused clock's auto-advance} */
  int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  /** {@return the number of live threads} */
  int threads() {
    lock.lock();
    try {
      return threads;
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    RuntimeCore previous = CurrentRuntime.enter(core);
    core.threadStarted();
    try {
      while (true) {
        Runnable job;
        lock.lock();
        try {
          long wait = keepAliveNanos;
          while (queue.isEmpty() && !shutdown) {
            if (wait <= 0) {
              threads--;
              terminated.signalAll();
              return;
            }
            idle++;
            try {
              wait = available.awaitNanos(wait);
            } catch (InterruptedException e) {
              wait = 0;
            }
            if (notified > 0) {
              notified--; // a submit woke an idle thread, and already took it off `idle`
            } else {
              idle--; // timed out, spurious, interrupted or shut down
            }
          }
          job = queue.pollFirst();
          if (job == null) { // shut down and drained
            threads--;
            terminated.signalAll();
            return;
          }
        } finally {
          lock.unlock();
        }
        try {
          job.run();
        } finally {
          lock.lock();
          try {
            inFlight--;
          } finally {
            lock.unlock();
          }
          core.wakeAfterBlockingJob();
        }
      }
    } finally {
      core.threadStopped();
      CurrentRuntime.restore(previous);
    }
  }

  /** Refuses new jobs and lets idle threads exit; queued jobs still run. */
  void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      available.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every thread has exited.
   *
   * @return true if they did within the timeout (negative: no limit)
   */
  boolean awaitTermination(long timeoutNanos) {
    lock.lock();
    try {
      long wait = timeoutNanos;
      while (threads > 0) {
        if (timeoutNanos < 0) {
          terminated.awaitUninterruptibly();
        } else {
          if (wait <= 0) {
            return false;
          }
          try {
            wait = terminated.awaitNanos(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
