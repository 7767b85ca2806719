package io.kyoto.runtime.internal.rt;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool behind {@code spawnBlocking}, as tokio's: a submitted job wakes an idle thread, else
 * starts a new one while under the cap, else waits in an unbounded FIFO queue. A thread idle for
 * the keep-alive time exits, so the pool shrinks back to zero.
 *
 * <p>Thread starts: a submit starts a thread itself only when no other start is under way; while
 * one is, the backlog waits for it, and each new thread, before its first job, starts up to {@link
 * #FAN_OUT} more if the queue holds more jobs than the threads coming for them. A JVM thread start
 * takes tens to hundreds of microseconds, so a poll that submits a burst (200 file reads or child
 * processes at once) would otherwise hold its runtime thread for all of them (over 100 ms, which
 * the blocking-poll detector reported); now it pays for one, and the pool grows in a tree off the
 * runtime's threads, about as fast. This departs from tokio, whose {@code spawn_blocking} starts
 * the thread in the caller every time.
 *
 * <p>All state is guarded by {@link #lock}. Shutdown stops the idle threads and refuses new jobs;
 * {@link #awaitTermination} waits for running ones (jobs cannot be interrupted once started),
 * except abandonable reads (standard input): a read that waits for input would otherwise hold the
 * runtime's close, and the program's exit, until someone typed a line (tokio's known hang).
 */
final class BlockingPool {
  /**
   * How many threads a new thread starts, at most, before its first job (see the class comment).
   */
  static final int FAN_OUT = 2;

  private final RuntimeCore core;
  private final int maxThreads;
  private final long keepAliveNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition available = lock.newCondition();
  private final Condition terminated = lock.newCondition();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private int threads;
  // Idle threads not yet promised a job. A submit that wakes one takes it off this count at once
  // and adds one to `notified`, as tokio's num_idle / num_notify: else jobs submitted back to back
  // would all count on the same idle thread and wait for one another instead of starting threads.
  private int idle;
  private int notified; // wake-ups given to idle threads and not yet taken up
  private int inFlight;
  private int starting; // threads counted in `threads` that have not taken a job yet
  private int nextIndex;
  private int abandonable; // threads running an abandonable job, which termination does not await
  private boolean shutdown;

  /** A job: run on a pool thread, or refused when no thread can be started for it. */
  interface Job extends Runnable {
    /** Ends the job without running it, on the refusing thread. */
    void refuse();

    /**
     * {@return whether shutdown may leave this job running instead of waiting for it} A read that
     * may wait for input for ever (standard input, a pipe) and whose bytes nobody can take once the
     * runtime is gone: {@link #awaitTermination} does not count a thread while it runs one.
     */
    default boolean abandonable() {
      return false;
    }
  }

  private final java.util.function.Consumer<Thread> starter;

  BlockingPool(RuntimeCore core, int maxThreads, long keepAliveNanos) {
    this(core, maxThreads, keepAliveNanos, Thread::start);
  }

  /** As above, with what starts each thread (tests make it fail, as without native threads). */
  BlockingPool(
      RuntimeCore core,
      int maxThreads,
      long keepAliveNanos,
      java.util.function.Consumer<Thread> starter) {
    this.core = core;
    this.maxThreads = maxThreads;
    this.keepAliveNanos = keepAliveNanos;
    this.starter = starter;
  }

  /**
   * Queues {@code job}.
   *
   * @return false if the pool is shut down
   */
  boolean submit(Job job) {
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
      if (threads >= maxThreads || starting > 0) {
        return true; // a thread will come for it: a running one, or one starting, or one it starts
      }
      index = reserveThread();
    } finally {
      lock.unlock();
    }
    // Started outside the lock: under it, every other submit and every finishing job would wait
    // for the start.
    Throwable failed = start(index);
    if (failed != null) { // no thread for it (out of native threads): the job too, unless taken
      boolean removed;
      ArrayDeque<Job> stranded = new ArrayDeque<>();
      lock.lock();
      try {
        removed = queue.removeLastOccurrence(job);
        if (removed) {
          inFlight--;
        }
        if (threads == 0) {
          // Jobs submitted while this start was under way counted on it, and no thread is left to
          // run them: refuse them too rather than leave them queued with nobody to take them.
          stranded.addAll(queue);
          inFlight -= queue.size();
          queue.clear();
        }
      } finally {
        lock.unlock();
      }
      for (Job j : stranded) {
        j.refuse();
      }
      if (removed) {
        // Thread.start throws only unchecked failures (an OutOfMemoryError without native threads)
        if (failed instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) failed;
      }
    }
    return true;
  }

  /** Counts a thread about to start; returns its index. Under the lock. */
  private int reserveThread() {
    threads++;
    starting++;
    return nextIndex++;
  }

  /**
   * Starts the thread reserved as {@code index}; on failure undoes the reservation and returns the
   * failure. Outside the lock.
   */
  private Throwable start(int index) {
    Thread t =
        Thread.ofPlatform()
            .name(core.threadName("blocking-" + index))
            .daemon(true)
            .unstarted(this::work);
    try {
      starter.accept(t);
      return null;
    } catch (Throwable e) {
      lock.lock();
      try {
        threads--;
        starting--;
        terminated.signalAll();
      } finally {
        lock.unlock();
      }
      return e;
    }
  }

  /**
   * A new thread, before its first job: starts up to {@link #FAN_OUT} more while the queue holds
   * more jobs than the threads on their way to it (those starting, this one included, and idle ones
   * woken).
   */
  private void startMoreIfBacklogged() {
    for (int i = 0; i < FAN_OUT; i++) {
      int index;
      lock.lock();
      try {
        if (shutdown || threads >= maxThreads || queue.size() <= starting + notified) {
          return;
        }
        index = reserveThread();
      } finally {
        lock.unlock();
      }
      if (start(index) != null) {
        return; // out of threads: the queued jobs wait for the running ones
      }
    }
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
      startMoreIfBacklogged();
      lock.lock();
      try {
        starting--; // from here this thread counts as running: it takes a job next, or idles
      } finally {
        lock.unlock();
      }
      while (true) {
        Job job;
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
        boolean abandon = job.abandonable();
        if (abandon) {
          lock.lock();
          try {
            abandonable++;
            terminated.signalAll(); // a shutdown waiting for this thread need not any more
          } finally {
            lock.unlock();
          }
        }
        try {
          job.run();
        } finally {
          lock.lock();
          try {
            inFlight--;
            if (abandon) {
              abandonable--;
            }
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
   * Waits until every thread has exited, except those running an {@linkplain Job#abandonable()
   * abandonable} job: they are daemon threads, and exit when their read returns.
   *
   * @return true if they did within the timeout (negative: no limit)
   */
  boolean awaitTermination(long timeoutNanos) {
    lock.lock();
    try {
      long wait = timeoutNanos;
      while (threads > abandonable) {
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
