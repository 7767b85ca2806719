package io.kyoto.runtime.internal.rt;

import io.kyoto.reactor.Events;
import io.kyoto.reactor.Token;
import io.kyoto.runtime.internal.io.IoDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The resource drivers a parked worker turns: the reactor {@link io.kyoto.reactor.Poll} (when I/O
 * is enabled) and the timer wheel (when time is enabled).
 *
 * <p>One thread at a time holds the driver ({@link #tryLock()}); it blocks in the reactor poll, or
 * without I/O in {@link LockSupport#parkNanos}, for at most the time until the next timer. {@link
 * #wakeup(Thread)} interrupts that wait from any thread: with I/O through the reactor's eventfd
 * waker, without it by unparking the thread.
 */
public final class Driver implements AutoCloseable {
  /** The reactor token of the driver's own waker. */
  static final long WAKER_TOKEN = Long.MAX_VALUE;

  private final io.kyoto.reactor.Poll poll;
  private final io.kyoto.reactor.Waker reactorWaker;
  private final Events events;
  private final IoDriver ioDriver;
  private final TimeDriver time;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Thread turning; // the thread inside turn(), for timer wake-ups without I/O
  // Set by wakeup() before it writes the reactor's eventfd: a non-waiting turn that would skip
  // the reactor (nothing registered) still polls it then, to consume that event, so that it does
  // not end the next waiting turn at once for nothing.
  private volatile boolean wakePending;

  Driver(boolean enableIo, io.kyoto.reactor.Backend backend, TimeDriver time) {
    this.time = time;
    if (time != null) {
      time.onEarlierTimer(() -> wakeup(turning));
    }
    if (enableIo) {
      try {
        poll =
            backend == null
                ? io.kyoto.reactor.Poll.create()
                : io.kyoto.reactor.Poll.create(backend);
        reactorWaker = io.kyoto.reactor.Waker.create(poll.registry(), new Token(WAKER_TOKEN));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the runtime's I/O driver", e);
      }
      events = Events.withCapacity(1024);
      ioDriver = new IoDriver(poll, WAKER_TOKEN);
    } else {
      poll = null;
      reactorWaker = null;
      events = null;
      ioDriver = null;
    }
  }

  /** {@return the time driver, or null when time is disabled} */
  public TimeDriver time() {
    return time;
  }

  /** {@return the I/O driver, or null when I/O is disabled} */
  public IoDriver io() {
    return ioDriver;
  }

  /** {@return the reactor poll, or null when I/O is disabled} */
  public io.kyoto.reactor.Poll reactor() {
    return poll;
  }

  boolean tryLock() {
    return lock.tryLock();
  }

  void unlock() {
    lock.unlock();
  }

  /**
   * Waits for I/O events, timers or a {@link #wakeup}, for at most {@code timeoutNanos} (negative:
   * no limit but the next timer), then fires expired timers. Caller holds the lock.
   *
   * @param timeoutNanos the longest wait
   * @param mayAutoAdvance whether a paused clock may jump to the next timer instead of waiting (the
   *     runtime has no ready work)
   */
  void turn(long timeoutNanos, boolean mayAutoAdvance) {
    assert lock.isHeldByCurrentThread() : "turn without the driver lock";
    long wait = timeoutNanos;
    // A turn that does not wait (timeoutNanos 0: the eventInterval turn, the release of yielded
    // tasks) needs no timer arithmetic: nothing has to wake it, and its fired timers come from
    // processExpired below. Two clock reads fewer per such turn.
    if (time != null && wait != 0) {
      // First "wake me for any timer", then the real instant once computed: a timer registered in
      // between sees MAX_VALUE and wakes us (at worst a spurious wake), never nothing.
      time.driverWakesAt(Long.MAX_VALUE);
      long untilTimer = time.nanosUntilNextTimer();
      if (untilTimer >= 0) {
        if (time.isPaused()) {
          if (mayAutoAdvance && wait != 0) {
            time.autoAdvance();
            untilTimer = 0;
            wait = 0;
          } else {
            untilTimer = -1; // a paused clock only moves by advance(): wait as if no timer
          }
        }
        if (untilTimer >= 0) {
          wait = wait < 0 ? untilTimer : Math.min(wait, untilTimer);
        }
      }
    }
    if (time != null && wait != 0) {
      time.driverWakesAt(wait < 0 ? Long.MAX_VALUE : saturatedAdd(time.now(), wait));
    }
    turning = Thread.currentThread();
    if (poll != null) {
      // A turn that must not wait, with no resource registered and no wake-up sent, has nothing
      // to ask the kernel: no event can be pending. Such turns come every eventInterval polls and
      // whenever a worker releases yielded tasks, so a runtime of CPU-bound tasks would otherwise
      // make an epoll_wait call per ~60 polls for nothing. A resource registered meanwhile keeps
      // its events in the kernel's ready list until the next turn that asks.
      if (wait != 0 || ioDriver.registeredCount() != 0 || wakePending) {
        if (wakePending) {
          wakePending = false; // before the poll: a wake-up from now on is seen by the next turn
        }
        try {
          poll.poll(events, wait < 0 ? null : Duration.ofNanos(wait));
        } catch (IOException e) {
          throw new UncheckedIOException("the runtime's reactor poll failed", e);
        }
        ioDriver.dispatch(events);
      }
    } else if (wait < 0) {
      LockSupport.park(this);
    } else if (wait > 0) {
      LockSupport.parkNanos(this, wait);
    }
    turning = null;
    if (time != null) {
      if (wait != 0) {
        time.driverWakesAt(Long.MIN_VALUE);
      }
      time.processExpired();
    }
  }

  /**
   * {@link #turn}, woken by {@link Thread#interrupt()} too: for a thread in {@code blockOn}, whose
   * interrupt must end the wait. Without I/O the turn parks in {@link LockSupport}, which an
   * interrupt already ends; with I/O it blocks in the reactor, which the JDK's hook for blocking
   * I/O ({@link InterruptHook}) wakes through the driver's waker. The caller clears the interrupt
   * (by throwing {@code InterruptedException}), or the next turn would return at once.
   */
  void turnInterruptibly(long timeoutNanos, boolean mayAutoAdvance) {
    if (poll == null || timeoutNanos == 0) {
      turn(timeoutNanos, mayAutoAdvance);
      return;
    }
    InterruptHook hook = interruptHook;
    if (hook == null) {
      interruptHook = hook = new InterruptHook(this); // under the driver lock
    }
    hook.enter();
    try {
      turn(timeoutNanos, mayAutoAdvance);
    } finally {
      hook.exit();
    }
  }

  private InterruptHook interruptHook;

  /**
   * The JDK's hook for interruptible blocking I/O, which only selectors and channels may use: while
   * a thread is between {@code begin()} and {@code end()}, {@link Thread#interrupt()} calls {@link
   * #wakeup()} (and {@code begin()} does at once if the thread is already interrupted). Nothing
   * else of the selector is used.
   */
  private static final class InterruptHook extends java.nio.channels.spi.AbstractSelector {
    private final Driver driver;

    InterruptHook(Driver driver) {
      super(null);
      this.driver = driver;
    }

    void enter() {
      begin();
    }

    void exit() {
      end();
    }

    @Override
    public java.nio.channels.Selector wakeup() {
      driver.wakeup(null);
      return this;
    }

    @Override
    protected void implCloseSelector() {}

    @Override
    protected java.nio.channels.SelectionKey register(
        java.nio.channels.spi.AbstractSelectableChannel ch, int ops, Object att) {
      // Only its interrupt begin/end are used; nothing ever registers with it.
      throw new UnsupportedOperationException(
          "the interrupt hook of a driver turn holds no channels");
    }

    @Override
    public java.util.Set<java.nio.channels.SelectionKey> keys() {
      return java.util.Set.of();
    }

    @Override
    public java.util.Set<java.nio.channels.SelectionKey> selectedKeys() {
      return java.util.Set.of();
    }

    @Override
    public int selectNow() {
      return 0;
    }

    @Override
    public int select(long timeout) {
      return 0;
    }

    @Override
    public int select() {
      return 0;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /**
   * Interrupts {@link #turn} from any thread.
   *
   * @param parked the thread inside {@code turn}
   */
  void wakeup(Thread parked) {
    if (reactorWaker != null) {
      wakePending = true;
      try {
        reactorWaker.wake();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot wake the runtime's reactor", e);
      }
    } else if (parked != null) {
      LockSupport.unpark(parked);
    }
  }

  @Override
  public void close() {
    if (ioDriver != null) {
      ioDriver.shutdown();
    }
    if (poll != null) {
      try {
        poll.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
