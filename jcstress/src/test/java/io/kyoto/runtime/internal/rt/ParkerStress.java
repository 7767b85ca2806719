package io.kyoto.runtime.internal.rt;

import java.lang.reflect.Field;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link Parker}: one state word (EMPTY = 0, PARKED_DRIVER = 1, PARKED_THREAD = 2, NOTIFIED = 3)
 * that {@code unpark()} swaps to NOTIFIED, waking the owner according to the state it replaced.
 *
 * <p>The owner parks without a timeout; the unparking actor, once its {@code unpark()} returned,
 * waits for the owner's park to return, so no outcome blocks for good. While it waits it watches
 * the state word (read reflectively): once an unpark has swapped in NOTIFIED, a correct parker can
 * only go to EMPTY before that park returns (a park never re-parks after seeing a token), so seeing
 * PARKED_DRIVER or PARKED_THREAD again means the owner went to sleep over the token: a lost unpark.
 * The watcher then rescues the owner (unpark again and unpark its thread) and records it. If the
 * owner has not returned {@link #STUCK_AFTER} after the unpark, it is rescued too (a lost unpark
 * that left the word NOTIFIED, or an absurdly long stall).
 *
 * <p>r1 = 0 the park returned on its own, 1 = lost unpark (parked again after the token), 2 = still
 * blocked {@code STUCK_AFTER} after the unpark; r2 = the state word after both actors.
 */
public final class ParkerStress {
  private ParkerStress() {}

  /** How long after its unpark the watcher gives up on the owner and rescues it. */
  static final long STUCK_AFTER = 10_000_000_000L; // 10 s

  /**
   * A driver held for good by a daemon thread, so {@code park} cannot take it and blocks in {@link
   * LockSupport} (PARKED_THREAD), as a worker does while another worker turns the driver.
   */
  static final Driver BUSY = busyDriver();

  private static final Field STATE;

  static {
    try {
      STATE = Parker.class.getDeclaredField("state");
      STATE.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static Driver busyDriver() {
    Driver d = new Driver(false, null, null);
    Holder holder = new Holder(d);
    Thread.ofPlatform().daemon().name("busy-driver-holder").start(holder);
    try {
      holder.held.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return d;
  }

  /**
   * Takes a driver's lock and keeps it. A named class, not a lambda: a lambda's body is a method of
   * {@code ParkerStress}, whose initialization (waiting for this thread) it would wait for.
   */
  private static final class Holder implements Runnable {
    final Driver driver;
    final CountDownLatch held = new CountDownLatch(1);

    Holder(Driver driver) {
      this.driver = driver;
    }

    @Override
    public void run() {
      if (!driver.tryLock()) {
        throw new AssertionError("a fresh driver is locked");
      }
      held.countDown();
      while (true) {
        LockSupport.park();
      }
    }
  }

  /** {@return the parker's state word, read reflectively} */
  static AtomicInteger stateWord(Parker p) {
    try {
      return (AtomicInteger) STATE.get(p);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  /** The two actors every test here runs: the owner parks, another thread unparks and watches. */
  abstract static class ParkUnpark {
    final Parker parker;
    final AtomicInteger state;
    volatile Thread owner;
    volatile boolean returned;
    int verdict;

    ParkUnpark(Driver driver) {
      parker = new Parker(driver, false);
      state = stateWord(parker);
    }

    void park() {
      owner = Thread.currentThread();
      parker.park(-1, false);
      returned = true;
    }

    void unpark() {
      parker.unpark();
      long start = System.nanoTime();
      while (!returned) {
        int s = state.get();
        if (s == Parker.PARKED_DRIVER || s == Parker.PARKED_THREAD) {
          verdict = 1;
        } else if (System.nanoTime() - start > STUCK_AFTER) {
          verdict = 2;
        } else {
          Thread.onSpinWait();
          continue;
        }
        parker.unpark(); // rescue, so the actor can finish
        LockSupport.unpark(owner);
        return;
      }
    }

    void result(II_Result r) {
      r.r1 = verdict;
      r.r2 = state.get();
    }
  }

  /**
   * Another thread holds the driver, so the owner parks in {@link LockSupport} (PARKED_THREAD)
   * while the unpark races its decision to park: the unpark lands before the fast-path check
   * (consumed at once), between it and the EMPTY -> PARKED_THREAD CAS (the CAS fails, the token is
   * consumed), or after it (the owner is unparked). Spurious or stale LockSupport wake-ups are
   * re-checked in a loop, so here a park returns only by consuming a token.
   */
  @JCStressTest
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "woken (or not blocked); token consumed")
  @Outcome(
      id = "0, 3",
      expect = Expect.FORBIDDEN,
      desc = "returned without consuming the token: the next park would return spuriously")
  @Outcome(
      id = "1, .*",
      expect = Expect.FORBIDDEN,
      desc = "lost unpark: parked again over the token (rescued by the watcher)")
  @Outcome(
      id = "2, .*",
      expect = Expect.FORBIDDEN,
      desc = "still blocked 10 s after the unpark (rescued by the watcher)")
  @Outcome(expect = Expect.FORBIDDEN, desc = "returned with the parker still marked parked")
  @State
  public static class ThreadPark extends ParkUnpark {
    public ThreadPark() {
      super(BUSY);
    }

    @Actor
    public void owner() {
      park();
    }

    @Actor
    public void unparker() {
      unpark();
    }

    @Arbiter
    public void after(II_Result r) {
      result(r);
    }
  }

  /**
   * The owner takes its own driver and blocks in {@code Driver.turn} (PARKED_DRIVER; without I/O or
   * time the driver parks in {@link LockSupport#parkNanos}) while the unpark races it: the unpark
   * either finds NOTIFIED consumed before the turn, fails the EMPTY -> PARKED_DRIVER CAS, or wakes
   * the turning thread through {@code Driver.wakeup}. Unlike the thread path, a driver turn may
   * return early on its own (a spurious wake-up, or a LockSupport permit left by an unpark of an
   * earlier sample that raced the end of its turn), as the runtime's worker loop allows.
   */
  @JCStressTest
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "woken (or not blocked); token consumed")
  @Outcome(
      id = "0, 3",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc =
          "the turn returned early on its own, then the unpark came: the token is kept for the"
              + " next park (not lost)")
  @Outcome(
      id = "1, .*",
      expect = Expect.FORBIDDEN,
      desc = "lost unpark: parked again over the token (rescued by the watcher)")
  @Outcome(
      id = "2, .*",
      expect = Expect.FORBIDDEN,
      desc = "still blocked 10 s after the unpark (rescued by the watcher)")
  @Outcome(expect = Expect.FORBIDDEN, desc = "returned with the parker still marked parked")
  @State
  public static class DriverPark extends ParkUnpark {
    public DriverPark() {
      super(new Driver(false, null, null));
    }

    @Actor
    public void owner() {
      park();
    }

    @Actor
    public void unparker() {
      unpark();
    }

    @Arbiter
    public void after(II_Result r) {
      result(r);
    }
  }

  /**
   * A token is already there (an unpark before the test) when a second unpark races the owner's
   * park: the park must consume one token and return at once, and the two unparks coalesce into at
   * most one token left for the next park.
   */
  @JCStressTest
  @Outcome(
      id = "0, 0",
      expect = Expect.ACCEPTABLE,
      desc = "second unpark first: the two tokens coalesced, and the park consumed it")
  @Outcome(
      id = "0, 3",
      expect = Expect.ACCEPTABLE,
      desc = "park consumed the first token; the second unpark left a fresh one")
  @Outcome(
      id = "1, .*",
      expect = Expect.FORBIDDEN,
      desc = "lost unpark: parked again over the token (rescued by the watcher)")
  @Outcome(
      id = "2, .*",
      expect = Expect.FORBIDDEN,
      desc = "still blocked 10 s after the unpark (rescued by the watcher)")
  @Outcome(expect = Expect.FORBIDDEN, desc = "returned with the parker still marked parked")
  @State
  public static class PreNotified extends ParkUnpark {
    public PreNotified() {
      super(BUSY);
      parker.unpark();
    }

    @Actor
    public void owner() {
      park();
    }

    @Actor
    public void unparker() {
      unpark();
    }

    @Arbiter
    public void after(II_Result r) {
      result(r);
    }
  }
}
