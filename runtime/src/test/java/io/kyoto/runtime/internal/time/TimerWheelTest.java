package io.kyoto.runtime.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
  private static final long HOUR = 3_600_000L;

  private final TimerWheel wheel = new TimerWheel();

  private static long pow64(int level) {
    return 1L << (TimerWheel.SLOT_BITS * level);
  }

  private List<TimerEntry> advance(long now) {
    List<TimerEntry> fired = new ArrayList<>();
    int n = wheel.advance(now, fired::add);
    assertEquals(fired.size(), n);
    return fired;
  }

  private TestTimer insert(String name, long deadline) {
    TestTimer t = new TestTimer(name);
    assertTrue(wheel.insert(t, deadline), name);
    return t;
  }

  /** Steps the wheel from one {@code nextExpiration()} to the next until {@code t} fires. */
  private int stepUntilFired(TestTimer t) {
    int steps = 0;
    while (!t.isFired()) {
      long next = wheel.nextExpiration();
      assertTrue(next > wheel.elapsed(), "next " + next + " elapsed " + wheel.elapsed());
      assertTrue(next <= t.deadline(), "next " + next + " after deadline " + t.deadline());
      List<TimerEntry> fired = advance(next);
      if (next < t.deadline()) {
        assertEquals(List.of(), fired);
      } else {
        assertEquals(List.of(t), fired);
      }
      steps++;
    }
    return steps;
  }

  @Test
  void levelForMatchesTokio() {
    for (long pos = 0; pos < 64; pos++) {
      assertEquals(0, TimerWheel.levelFor(0, pos));
    }
    for (int level = 1; level < 5; level++) {
      for (long pos = level; pos < 64; pos++) {
        long a = pos * pow64(level);
        assertEquals(level, TimerWheel.levelFor(0, a), "a=" + a);
        if (pos > level) {
          assertEquals(level, TimerWheel.levelFor(0, a - 1), "a-1=" + (a - 1));
        }
        assertEquals(level, TimerWheel.levelFor(0, a + 1), "a+1=" + (a + 1));
      }
    }
    assertEquals(5, TimerWheel.levelFor(0, TimerWheel.MAX_DURATION - 1));
    assertEquals(5, TimerWheel.levelFor(0, TimerWheel.MAX_DURATION));
    assertEquals(5, TimerWheel.levelFor(0, TimerWheel.MAX_TICK));
    assertEquals(0, TimerWheel.levelFor(130, 190));
    assertEquals(1, TimerWheel.levelFor(63, 64));
  }

  @Test
  void ticksRoundDeadlinesUpAndNowDown() {
    assertEquals(0, TimerWheel.ticksUp(0));
    assertEquals(1, TimerWheel.ticksUp(1));
    assertEquals(1, TimerWheel.ticksUp(1_000_000));
    assertEquals(2, TimerWheel.ticksUp(1_000_001));
    assertEquals(0, TimerWheel.ticksUp(-1));
    assertEquals(9_223_372_036_855L, TimerWheel.ticksUp(Long.MAX_VALUE));
    assertEquals(0, TimerWheel.ticksDown(999_999));
    assertEquals(1, TimerWheel.ticksDown(1_000_000));
    assertEquals(1, TimerWheel.ticksDown(1_999_999));
    assertEquals(-1, TimerWheel.ticksDown(-1));
  }

  @Test
  void newWheelIsEmpty() {
    assertTrue(wheel.isEmpty());
    assertEquals(0, wheel.size());
    assertEquals(0, wheel.elapsed());
    assertEquals(-1, wheel.nextExpiration());
    assertNull(wheel.poll(1_000));
    assertEquals(1_000, wheel.elapsed());
  }

  @Test
  void singleTimerFiresAtItsTickNotBefore() {
    TestTimer t = insert("t", 10);
    assertTrue(t.isRegistered());
    assertFalse(t.isFired());
    assertEquals(1, wheel.size());
    assertEquals(10, wheel.nextExpiration());

    assertEquals(List.of(), advance(9));
    assertEquals(9, wheel.elapsed());
    assertTrue(t.isRegistered());

    assertEquals(List.of(t), advance(10));
    assertTrue(t.isFired());
    assertFalse(t.isRegistered());
    assertEquals(0, t.fireCount, "the wheel hands entries out, it never calls fire()");
    assertTrue(wheel.isEmpty());
    assertEquals(-1, wheel.nextExpiration());
    assertEquals(List.of(), advance(1_000));
  }

  @Test
  void timerOnEveryLevelFiresExactlyAtItsDeadline() {
    for (int level = 0; level < TimerWheel.LEVELS; level++) {
      for (long deadline : new long[] {pow64(level), 3 * pow64(level) + 5, 64 * pow64(level) - 1}) {
        TimerWheel w = new TimerWheel();
        long start = 777;
        assertNull(w.poll(start));
        TestTimer t = new TestTimer("t");
        assertTrue(w.insert(t, start + deadline));
        List<TimerEntry> fired = new ArrayList<>();
        w.advance(start + deadline - 1, fired::add);
        assertEquals(List.of(), fired, "level " + level + " deadline " + deadline);
        w.advance(start + deadline, fired::add);
        assertEquals(List.of(t), fired, "level " + level + " deadline " + deadline);
      }
    }
  }

  @Test
  void orderingAcrossLevels() {
    long[] deadlines = {
      5,
      70,
      4_000,
      5_000,
      300_000,
      20_000_000,
      2_000_000_000L,
      50_000_000_000L,
      63,
      64,
      4_095,
      4_096
    };
    List<TestTimer> timers = new ArrayList<>();
    for (long d : deadlines) {
      timers.add(insert("t" + d, d));
    }
    Collections.shuffle(timers, new Random(7));
    List<TimerEntry> fired = advance(TimerWheel.MAX_DURATION);
    List<TestTimer> expected = new ArrayList<>(timers);
    expected.sort(Comparator.comparingLong(TimerEntry::deadline));
    assertEquals(expected, fired);
  }

  @Test
  void cascadesFromEveryLevelDownToLevelZero() {
    for (int top = 1; top < TimerWheel.LEVELS; top++) {
      TimerWheel w = new TimerWheel();
      // Every digit non-zero, so the entry visits every level below its first one.
      long deadline = 0;
      for (int level = 0; level <= top; level++) {
        deadline += (level + 1) * pow64(level);
      }
      TestTimer t = new TestTimer("t");
      assertTrue(w.insert(t, deadline));
      assertEquals(top, t.level());
      int lastLevel = t.level();
      int steps = 0;
      while (!t.isFired()) {
        long next = w.nextExpiration();
        assertTrue(next <= deadline && next > w.elapsed());
        List<TimerEntry> fired = new ArrayList<>();
        w.advance(next, fired::add);
        steps++;
        if (t.isFired()) {
          assertEquals(deadline, next);
          assertEquals(List.of(t), fired);
        } else {
          assertEquals(List.of(), fired);
          assertTrue(t.level() < lastLevel, "cascade must go down: " + t.level());
          lastLevel = t.level();
        }
      }
      assertEquals(top + 1, steps, "one wake-up per level");
    }
  }

  @Test
  void farDeadlineIsClampedToTheTopLevelAndCascadedAgain() {
    long deadline = 5 * TimerWheel.MAX_DURATION + 12_345;
    TestTimer t = insert("far", deadline);
    assertEquals(TimerWheel.LEVELS - 1, t.level());
    assertEquals(deadline, t.deadline());
    int steps = stepUntilFired(t);
    assertTrue(steps <= 6 + 64 + 6, "steps " + steps);
    assertEquals(deadline, wheel.elapsed());

    // Just inside and just past the range, seen from a wheel that is not at 0.
    assertNull(wheel.poll(wheel.elapsed() + 1_000));
    TestTimer inside = insert("inside", wheel.elapsed() + TimerWheel.MAX_DURATION - 1);
    TestTimer past = insert("past", wheel.elapsed() + TimerWheel.MAX_DURATION);
    stepUntilFired(inside);
    stepUntilFired(past);
  }

  /**
   * A top-level entry past the range is re-linked into the slot just processed, which is then
   * {@code elapsed}'s own slot; scanning the top level from that slot (as tokio does, which caps
   * deadlines instead) would hide every earlier slot of the next rotation behind it.
   */
  @Test
  void reLinkedFarEntryDoesNotHideEarlierTopLevelSlots() {
    long slot5 = pow64(5);
    assertNull(wheel.poll(30 * slot5));
    TestTimer far = insert("far", 3 * TimerWheel.MAX_DURATION + 32 * slot5 + 7); // top slot 32
    TestTimer near = insert("near", TimerWheel.MAX_DURATION + slot5 + 11); // next rotation, slot 1
    assertEquals(32 * slot5, wheel.nextExpiration());
    assertEquals(List.of(), advance(32 * slot5)); // far goes back into slot 32
    assertEquals(5, far.level());
    long next = wheel.nextExpiration();
    assertTrue(next <= near.deadline(), "next " + next + " hides " + near);
    assertEquals(TimerWheel.MAX_DURATION + slot5, next);
    stepUntilFired(near);
    assertTrue(far.isRegistered());
    stepUntilFired(far);
  }

  @Test
  void deadlinePastMaxTickIsClamped() {
    TestTimer t = insert("never", Long.MAX_VALUE);
    assertEquals(TimerWheel.MAX_TICK, t.deadline());
    long next = wheel.nextExpiration();
    assertTrue(next > 0 && next <= TimerWheel.MAX_DURATION);
    assertEquals(List.of(), advance(10 * TimerWheel.MAX_DURATION));
    assertTrue(wheel.remove(t));
    assertTrue(wheel.isEmpty());
  }

  @Test
  void removedTimerNeverFires() {
    TestTimer a = insert("a", 10);
    TestTimer b = insert("b", 5_000);
    TestTimer c = insert("c", 20);
    assertTrue(wheel.remove(a));
    assertFalse(a.isRegistered());
    assertFalse(a.isFired());
    assertFalse(wheel.remove(a), "remove is idempotent");
    assertEquals(2, wheel.size());
    assertEquals(20, wheel.nextExpiration());
    assertTrue(wheel.remove(b));
    assertEquals(List.of(c), advance(10_000));
    assertEquals(-1, wheel.nextExpiration());
    assertTrue(wheel.isEmpty());
  }

  @Test
  void removingAFiredOrNeverInsertedEntryIsANoOp() {
    TestTimer t = insert("t", 3);
    assertEquals(List.of(t), advance(3));
    assertFalse(wheel.remove(t));
    assertTrue(t.isFired());
    assertEquals(0, wheel.size());
    assertFalse(wheel.remove(new TestTimer("idle")));
  }

  @Test
  void firedEntryCanBeInsertedAgain() {
    TestTimer t = insert("t", 3);
    assertEquals(List.of(t), advance(3));
    assertTrue(wheel.insert(t, 100));
    assertFalse(t.isFired());
    assertEquals(List.of(), advance(99));
    assertEquals(List.of(t), advance(100));
  }

  @Test
  void nextExpirationFollowsCascadesAndRemovals() {
    assertEquals(-1, wheel.nextExpiration());
    TestTimer a = insert("a", 100); // level 1, slot 1: starts at 64
    assertEquals(64, wheel.nextExpiration());
    TestTimer b = insert("b", 30);
    assertEquals(30, wheel.nextExpiration());
    assertTrue(wheel.remove(b));
    assertEquals(64, wheel.nextExpiration());
    assertEquals(List.of(), advance(64)); // cascades a to level 0
    assertEquals(0, a.level());
    assertEquals(100, wheel.nextExpiration());
    TestTimer c = insert("c", 10_000);
    assertEquals(100, wheel.nextExpiration());
    assertTrue(wheel.remove(a));
    assertEquals(8_192, wheel.nextExpiration()); // level 2 slot 2
    assertEquals(List.of(), advance(9_000));
    assertEquals(9_984, wheel.nextExpiration()); // level 1 slot 28 of that range
    assertEquals(List.of(c), advance(10_000));
    assertEquals(-1, wheel.nextExpiration());
  }

  @Test
  void nextExpirationIsElapsedWhileEntriesArePending() {
    TestTimer a = insert("a", 50);
    TestTimer b = insert("b", 50);
    TestTimer c = insert("c", 60);
    TimerEntry first = wheel.poll(1_000);
    assertTrue(first == a || first == b);
    assertEquals(50, wheel.elapsed());
    assertEquals(50, wheel.nextExpiration());
    TimerEntry other = first == a ? b : a;
    assertTrue(other.isRegistered());
    assertTrue(wheel.remove(other), "a pending entry can still be removed");
    assertFalse(other.isFired());
    assertEquals(60, wheel.nextExpiration());
    assertSame(c, wheel.poll(1_000));
    assertNull(wheel.poll(1_000));
    assertEquals(1_000, wheel.elapsed());
  }

  @Test
  void alreadyExpiredInsertIsReportedAndNotRegistered() {
    assertNull(wheel.poll(100));
    TestTimer now = new TestTimer("now");
    assertFalse(wheel.insert(now, 100));
    assertTrue(now.isFired());
    assertFalse(now.isRegistered());
    TestTimer past = new TestTimer("past");
    assertFalse(wheel.insert(past, -5));
    assertTrue(past.isFired());
    assertEquals(0, wheel.size());
    TestTimer next = insert("next", 101);
    assertEquals(101, wheel.nextExpiration());
    assertEquals(List.of(next), advance(101));
    assertFalse(new TimerWheel().insert(new TestTimer("zero"), 0));
  }

  @Test
  void manyTimersInTheSameSlot() {
    List<TestTimer> due = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      due.add(insert("a" + i, 42));
    }
    TestTimer later = insert("later", 43);
    assertEquals(10_001, wheel.size());
    List<TimerEntry> fired = advance(42);
    assertEquals(10_000, fired.size());
    assertEquals(new java.util.HashSet<>(due), new java.util.HashSet<>(fired));
    assertEquals(List.of(later), advance(43));
  }

  @Test
  void hugeJumpFiresEverythingDueInDeadlineOrder() {
    Random rnd = new Random(42);
    List<TestTimer> timers = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      timers.add(insert("t" + i, 1 + rnd.nextLong(2 * HOUR)));
    }
    List<TimerEntry> fired = advance(HOUR);
    assertEquals(HOUR, wheel.elapsed());
    long expected = timers.stream().filter(t -> t.deadline() <= HOUR).count();
    assertEquals(expected, fired.size());
    for (int i = 1; i < fired.size(); i++) {
      assertTrue(fired.get(i - 1).deadline() <= fired.get(i).deadline());
    }
    assertTrue(timers.stream().allMatch(t -> t.isFired() == t.deadline() <= HOUR));
    assertEquals(timers.size() - expected, wheel.size());
    assertEquals(timers.size() - expected, advance(3 * HOUR).size());
    assertTrue(wheel.isEmpty());
  }

  /** tokio's {@code poll_process_levels}. */
  @Test
  void pollProcessLevels() {
    List<TestTimer> timers = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      TestTimer t = new TestTimer("t" + i);
      assertEquals(i > 0, wheel.insert(t, i));
      timers.add(t);
    }
    for (int now = 1; now < 1024; now++) {
      advance(now);
      for (int deadline = 0; deadline < timers.size(); deadline++) {
        assertEquals(deadline <= now, timers.get(deadline).isFired(), "t" + deadline + " @" + now);
      }
    }
  }

  /** tokio's {@code poll_process_levels_targeted}. */
  @Test
  void pollProcessLevelsTargeted() {
    TestTimer t = insert("t", 193);
    assertEquals(List.of(), advance(62));
    assertFalse(t.isFired());
    assertEquals(List.of(), advance(192));
    assertEquals(List.of(), advance(192));
    assertFalse(t.isFired());
    assertEquals(List.of(t), advance(193));
  }

  /** tokio's {@code reset_future}: a reset is a remove plus an insert at the new deadline. */
  @Test
  void resetMovesTheDeadline() {
    TestTimer t = insert("t", 100);
    assertEquals(List.of(), advance(50));
    assertTrue(wheel.remove(t));
    assertTrue(wheel.insert(t, 200));
    assertEquals(List.of(), advance(150));
    assertEquals(192, wheel.nextExpiration()); // level 1 slot 3, seen from 150
    assertEquals(List.of(), advance(199));
    assertEquals(List.of(t), advance(200));

    assertTrue(wheel.insert(t, 10_000));
    assertTrue(wheel.remove(t));
    assertTrue(wheel.insert(t, 300));
    assertEquals(List.of(t), advance(300));
    assertTrue(wheel.isEmpty());
  }

  @Test
  void sinkMayRemoveAndReinsertEntries() {
    TestTimer a = insert("a", 10);
    TestTimer b = insert("b", 10);
    TestTimer c = insert("c", 12);
    List<TimerEntry> fired = new ArrayList<>();
    wheel.advance(
        20,
        e -> {
          fired.add(e);
          if (fired.size() == 1) {
            TimerEntry sibling = e == a ? b : a;
            assertTrue(wheel.remove(sibling));
            assertTrue(wheel.insert(e, 15)); // like an interval: again within this advance
            assertFalse(wheel.insert(new TestTimer("stale"), 10));
          }
        });
    TimerEntry first = fired.get(0);
    assertEquals(List.of(first, c, first), fired);
    assertEquals(15, first.deadline());
    assertTrue(wheel.isEmpty());
  }

  @Test
  void entriesStillDueAfterAThrowingSinkComeOutNextTime() {
    TestTimer a = insert("a", 5);
    TestTimer b = insert("b", 6);
    RuntimeException boom = new RuntimeException("boom");
    assertSame(
        boom,
        assertThrows(
            RuntimeException.class,
            () ->
                wheel.advance(
                    10,
                    e -> {
                      throw boom;
                    })));
    assertTrue(a.isFired());
    assertTrue(b.isRegistered());
    assertEquals(List.of(b), advance(10));
  }

  @Test
  void misuseIsRejected() {
    TestTimer t = insert("t", 10);
    assertThrows(IllegalStateException.class, () -> wheel.insert(t, 20));
    TimerWheel other = new TimerWheel();
    assertThrows(IllegalStateException.class, () -> other.insert(t, 20));
    assertThrows(IllegalArgumentException.class, () -> other.remove(t));
    assertTrue(t.isRegistered());
    assertEquals(10, t.deadline());
  }

  @Test
  void timeDoesNotGoBack() {
    TestTimer t = insert("t", 80);
    assertEquals(List.of(), advance(50));
    assertEquals(List.of(), advance(10));
    assertEquals(50, wheel.elapsed());
    assertEquals(64, wheel.nextExpiration()); // level 1 slot 1, seen from 50
    assertEquals(List.of(t), advance(80));
  }
}
