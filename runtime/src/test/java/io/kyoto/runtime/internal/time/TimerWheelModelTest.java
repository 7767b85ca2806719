package io.kyoto.runtime.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives a {@link TimerWheel} with seeded random inserts, removes and advances, and checks it
 * against a sorted set of the registered deadlines.
 */
class TimerWheelModelTest {
  private static final int OPS = 5_000;
  private static final int POOL = 300;

  static LongStream seeds() {
    return LongStream.range(0, 20).map(i -> 0x5EEDL * 31 + i);
  }

  /** A random distance in ticks: mostly near, sometimes on every level, rarely past the range. */
  private static long distance(Random rnd) {
    return switch (rnd.nextInt(10)) {
      case 0, 1, 2 -> rnd.nextLong(64);
      case 3, 4 -> rnd.nextLong(4_096);
      case 5 -> rnd.nextLong(300_000);
      case 6 -> rnd.nextLong(1L << 24);
      case 7 -> rnd.nextLong(1L << 30);
      case 8 -> rnd.nextLong(TimerWheel.MAX_DURATION);
      default -> rnd.nextLong(4 * TimerWheel.MAX_DURATION);
    };
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void matchesSortedSetModel(long seed) {
    Random rnd = new Random(seed);
    TimerWheel wheel = new TimerWheel();
    List<TestTimer> pool = new ArrayList<>();
    // Ordered by deadline then name: while a timer is in the model its deadline does not change
    // (it leaves the model before any re-insert), and names are unique.
    TreeSet<TestTimer> model =
        new TreeSet<>(
            Comparator.comparingLong(TestTimer::deadline).thenComparing((TestTimer t) -> t.name));
    for (int i = 0; i < POOL; i++) {
      pool.add(new TestTimer("t" + i));
    }

    for (int op = 0; op < OPS; op++) {
      String where = "seed " + seed + " op " + op;
      int kind = rnd.nextInt(100);
      if (kind < 45) {
        TestTimer t = pool.get(rnd.nextInt(POOL));
        if (model.contains(t)) {
          // A reset: remove, then insert at the new deadline.
          assertTrue(wheel.remove(t), where);
          model.remove(t);
        }
        long deadline =
            rnd.nextInt(20) == 0
                ? wheel.elapsed() - rnd.nextLong(100)
                : wheel.elapsed() + distance(rnd);
        boolean registered = wheel.insert(t, deadline);
        assertEquals(deadline > wheel.elapsed(), registered, where);
        assertEquals(!registered, t.isFired(), where);
        if (registered) {
          model.add(t);
        }
      } else if (kind < 60) {
        TestTimer t = pool.get(rnd.nextInt(POOL));
        boolean expected = model.remove(t);
        assertEquals(expected, wheel.remove(t), where);
        assertTrue(!t.isRegistered(), where);
      } else {
        long now;
        if (kind < 75 && !model.isEmpty()) {
          now = wheel.nextExpiration(); // land exactly on slot boundaries
        } else if (kind < 95) {
          now = wheel.elapsed() + distance(rnd);
        } else {
          now = wheel.elapsed() - rnd.nextLong(10); // no-op: time does not go back
        }
        checkAdvance(wheel, model, now, where);
      }
      checkShape(wheel, model, where);
    }
    checkAdvance(wheel, model, wheel.elapsed() + 5 * TimerWheel.MAX_DURATION, "final");
    assertTrue(wheel.isEmpty());
  }

  private static void checkAdvance(
      TimerWheel wheel, TreeSet<TestTimer> model, long now, String where) {
    long before = wheel.elapsed();
    List<TestTimer> expected = new ArrayList<>();
    while (!model.isEmpty() && model.first().deadline() <= now) {
      expected.add(model.pollFirst());
    }
    List<TimerEntry> fired = new ArrayList<>();
    wheel.advance(now, fired::add);
    assertEquals(new HashSet<>(expected), new HashSet<>(fired), where + " now " + now);
    assertEquals(expected.size(), fired.size(), where);
    long last = before;
    for (TimerEntry e : fired) {
      assertTrue(e.deadline() > before && e.deadline() <= now, where + " " + e);
      assertTrue(e.deadline() >= last, where + " out of order: " + fired);
      assertTrue(e.isFired() && !e.isRegistered(), where);
      last = e.deadline();
    }
    assertEquals(Math.max(before, now), wheel.elapsed(), where);
  }

  private static void checkShape(TimerWheel wheel, TreeSet<TestTimer> model, String where) {
    assertEquals(model.size(), wheel.size(), where);
    assertEquals(model.isEmpty(), wheel.isEmpty(), where);
    long next = wheel.nextExpiration();
    if (model.isEmpty()) {
      assertEquals(-1, next, where);
    } else {
      assertTrue(next > wheel.elapsed(), where + " next " + next + " elapsed " + wheel.elapsed());
      long earliest = model.first().deadline();
      assertTrue(next <= earliest, where + " next " + next + " earliest " + earliest);
    }
  }
}
