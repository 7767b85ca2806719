package io.kyoto.runtime.internal.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LocalQueueTest {
  /** Records what a full queue hands over, and fails on nothing. */
  static final class RecordingOverflow implements Overflow<Integer> {
    final List<Integer> single = new ArrayList<>();
    final List<List<Integer>> batches = new ArrayList<>();

    @Override
    public void push(Integer task) {
      single.add(task);
    }

    @Override
    public void pushBatch(List<Integer> batch) {
      batches.add(List.copyOf(batch));
    }
  }

  private static final Overflow<Integer> NO_OVERFLOW =
      new Overflow<>() {
        @Override
        public void push(Integer task) {
          fail("unexpected overflow of " + task);
        }

        @Override
        public void pushBatch(List<Integer> batch) {
          fail("unexpected overflow of " + batch);
        }
      };

  private static List<Integer> drain(LocalQueue<Integer> queue) {
    List<Integer> out = new ArrayList<>();
    for (Integer t = queue.pop(); t != null; t = queue.pop()) {
      out.add(t);
    }
    return out;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  @Test
  void popsInPushOrder() {
    LocalQueue<Integer> queue = new LocalQueue<>();
    assertTrue(queue.isEmpty());
    assertNull(queue.pop());
    for (int i = 0; i < 10; i++) {
      queue.push(i, NO_OVERFLOW);
    }
    assertEquals(10, queue.len());
    assertEquals(LocalQueue.CAPACITY - 10, queue.remainingSlots());
    assertEquals(range(0, 10), drain(queue));
    assertTrue(queue.isEmpty());
    assertEquals(LocalQueue.CAPACITY, queue.remainingSlots());
  }

  @Test
  void wrapsAroundTheRingManyTimes() {
    LocalQueue<Integer> queue = new LocalQueue<>();
    int next = 0;
    int expected = 0;
    for (int i = 0; i < 10; i++) {
      queue.push(next++, NO_OVERFLOW);
    }
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 200; i++) {
        queue.push(next++, NO_OVERFLOW);
      }
      for (int i = 0; i < 200; i++) {
        assertEquals(expected++, queue.pop());
      }
    }
    assertEquals(range(expected, next), drain(queue));
  }

  @Test
  void wrapsTheThirtyTwoBitPositions() {
    // Start just below 2^32 so that push, pop, overflow and steal all cross the wrap (and 2^31
    // is crossed by the second queue).
    for (int start : new int[] {-5, Integer.MAX_VALUE - 3}) {
      LocalQueue<Integer> queue = new LocalQueue<>(8, start);
      LocalQueue<Integer> thief = new LocalQueue<>(8, start + 2);
      RecordingOverflow overflow = new RecordingOverflow();
      for (int i = 0; i < 9; i++) {
        queue.push(i, overflow);
      }
      assertEquals(List.of(List.of(0, 1, 2, 3, 8)), overflow.batches);
      assertEquals(4, queue.len());
      assertEquals(5, queue.stealInto(thief));
      assertEquals(List.of(4), drain(thief));
      assertEquals(List.of(6, 7), drain(queue));
    }
  }

  @Test
  void fullRingOverflowsHalfPlusTheNewTask() {
    LocalQueue<Integer> queue = new LocalQueue<>();
    RecordingOverflow overflow = new RecordingOverflow();
    for (int i = 0; i < LocalQueue.CAPACITY; i++) {
      queue.push(i, overflow);
    }
    assertEquals(0, queue.remainingSlots());
    assertEquals(0, queue.overflowCount());
    assertTrue(overflow.batches.isEmpty());

    queue.push(LocalQueue.CAPACITY, overflow);

    List<Integer> expected = new ArrayList<>(range(0, LocalQueue.CAPACITY / 2));
    expected.add(LocalQueue.CAPACITY);
    assertEquals(List.of(expected), overflow.batches);
    assertTrue(overflow.single.isEmpty());
    assertEquals(1, queue.overflowCount());
    assertEquals(LocalQueue.CAPACITY / 2, queue.len());
    assertEquals(range(LocalQueue.CAPACITY / 2, LocalQueue.CAPACITY), drain(queue));
  }

  @Test
  void overflowGoesToTheInjectQueueInOrder() {
    LocalQueue<Integer> queue = new LocalQueue<>();
    InjectQueue<Integer> inject = new InjectQueue<>();
    Overflow<Integer> overflow = Overflow.into(inject, t -> fail("rejected " + t));
    int pushed = 3 * LocalQueue.CAPACITY;
    for (int i = 0; i < pushed; i++) {
      queue.push(i, overflow);
    }
    // 256 fit, then every 128 pushes move 128 + 1 to the inject queue.
    assertEquals(4, queue.overflowCount());
    assertEquals(4 * (LocalQueue.CAPACITY / 2 + 1), inject.len());
    List<Integer> all = new ArrayList<>();
    for (Integer t = inject.pop(); t != null; t = inject.pop()) {
      all.add(t);
    }
    all.addAll(drain(queue));
    assertEquals(range(0, pushed), all.stream().sorted().toList());
  }

  @Test
  void overflowIntoAClosedInjectQueueHandsTheTasksBack() {
    LocalQueue<Integer> queue = new LocalQueue<>(4);
    InjectQueue<Integer> inject = new InjectQueue<>();
    inject.close();
    List<Integer> rejected = new ArrayList<>();
    Overflow<Integer> overflow = Overflow.into(inject, rejected::add);
    for (int i = 0; i < 5; i++) {
      queue.push(i, overflow);
    }
    assertEquals(List.of(0, 1, 4), rejected);
    assertEquals(List.of(2, 3), drain(queue));
  }

  /** tokio's loom {@code steal_overflow} scenario, run on one thread. */
  @Test
  void stealOverflowScenarioCountsEveryTask() {
    LocalQueue<Integer> queue = new LocalQueue<>(4);
    InjectQueue<Integer> inject = new InjectQueue<>();
    Overflow<Integer> overflow = Overflow.into(inject, t -> fail("rejected " + t));
    int n = 0;
    queue.push(0, overflow);
    if (queue.pop() != null) {
      n++;
    }
    for (int i = 1; i <= 6; i++) {
      queue.push(i, overflow);
    }
    LocalQueue<Integer> thief = new LocalQueue<>(4);
    if (queue.stealInto(thief) != null) {
      n++;
    }
    n += drain(thief).size();
    n += drain(queue).size();
    while (inject.pop() != null) {
      n++;
    }
    assertEquals(7, n);
  }

  @Test
  void stealTakesHalfRoundedUpAndReturnsTheLastOfThem() {
    LocalQueue<Integer> victim = new LocalQueue<>();
    LocalQueue<Integer> thief = new LocalQueue<>();
    for (int i = 0; i < 11; i++) {
      victim.push(i, NO_OVERFLOW);
    }
    assertEquals(5, victim.stealInto(thief));
    assertEquals(5, thief.len());
    assertEquals(6, thief.stealCount());
    assertEquals(1, thief.stealOperations());
    assertEquals(0, victim.stealCount());
    assertEquals(range(0, 5), drain(thief));
    assertEquals(range(6, 11), drain(victim));
  }

  @Test
  void stealOfOneTaskReturnsItAndLeavesTheThiefEmpty() {
    LocalQueue<Integer> victim = new LocalQueue<>();
    LocalQueue<Integer> thief = new LocalQueue<>();
    victim.push(42, NO_OVERFLOW);
    assertEquals(42, victim.stealInto(thief));
    assertTrue(thief.isEmpty());
    assertTrue(victim.isEmpty());
    assertNull(victim.stealInto(thief));
  }

  @Test
  void stealFromAnEmptyQueueReturnsNull() {
    LocalQueue<Integer> victim = new LocalQueue<>();
    LocalQueue<Integer> thief = new LocalQueue<>();
    assertNull(victim.stealInto(thief));
    assertEquals(0, thief.stealOperations());
    victim.push(1, NO_OVERFLOW);
    victim.pop();
    assertNull(victim.stealInto(thief));
  }

  @Test
  void stealAppendsBehindTheThiefsOwnTasks() {
    LocalQueue<Integer> victim = new LocalQueue<>(8);
    LocalQueue<Integer> thief = new LocalQueue<>(8);
    thief.push(100, NO_OVERFLOW);
    thief.push(101, NO_OVERFLOW);
    for (int i = 0; i < 6; i++) {
      victim.push(i, NO_OVERFLOW);
    }
    assertEquals(2, victim.stealInto(thief));
    assertEquals(List.of(100, 101, 0, 1), drain(thief));
  }

  @Test
  void stealGivesUpWhenTheThiefIsMoreThanHalfFull() {
    LocalQueue<Integer> victim = new LocalQueue<>(8);
    LocalQueue<Integer> thief = new LocalQueue<>(8);
    for (int i = 0; i < 5; i++) {
      thief.push(100 + i, NO_OVERFLOW);
      victim.push(i, NO_OVERFLOW);
    }
    assertNull(victim.stealInto(thief));
    assertEquals(5, victim.len());
    thief.pop();
    assertEquals(2, victim.stealInto(thief));
  }

  @Test
  void pushBackFillsTheRingAndRefusesWhenFull() {
    LocalQueue<Integer> queue = new LocalQueue<>(4);
    for (int i = 0; i < 4; i++) {
      queue.pushBack(i);
    }
    assertThrows(IllegalStateException.class, () -> queue.pushBack(4));
    assertEquals(List.of(0, 1, 2, 3), drain(queue));
  }

  @Test
  void rejectsNullTasksAndBadCapacities() {
    LocalQueue<Integer> queue = new LocalQueue<>();
    assertThrows(NullPointerException.class, () -> queue.push(null, NO_OVERFLOW));
    assertThrows(NullPointerException.class, () -> queue.pushBack(null));
    assertThrows(IllegalArgumentException.class, () -> new LocalQueue<Integer>(6));
    assertThrows(IllegalArgumentException.class, () -> new LocalQueue<Integer>(1));
  }

  @Test
  void ownerOnlyCallsFromAnotherThreadFailTheAssertion() throws InterruptedException {
    assumeTrue(LocalQueue.class.desiredAssertionStatus(), "needs -ea");
    LocalQueue<Integer> queue = new LocalQueue<>();
    Thread owner = Thread.ofPlatform().start(queue::bindOwner);
    owner.join();
    assertThrows(AssertionError.class, queue::pop);
    assertThrows(AssertionError.class, () -> queue.push(1, NO_OVERFLOW));
    // Stealing from it is fine: the thief owns the destination, not the victim.
    assertNull(queue.stealInto(new LocalQueue<>()));
    assertThrows(AssertionError.class, () -> new LocalQueue<Integer>().stealInto(queue));
    assertFalse(queue.toString().isEmpty());
  }

  /**
   * Workers that push, pop, overflow and steal from one another at full speed: every task is run
   * exactly once (tokio's loom conservation checks, on real threads).
   */
  @Test
  void everyTaskRunsExactlyOnceUnderConcurrentStealing() throws Exception {
    int workers = 4;
    int tasks = 400_000;
    InjectQueue<Integer> inject = new InjectQueue<>();
    Overflow<Integer> overflow = Overflow.into(inject, t -> fail("rejected " + t));
    List<LocalQueue<Integer>> queues = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      queues.add(new LocalQueue<>());
    }
    AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
    AtomicInteger ran = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();

    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int id = w;
      threads.add(
          Thread.ofPlatform()
              .name("worker-" + w)
              .start(
                  () -> {
                    try {
                      runWorker(id, queues, inject, overflow, tasks, runs, ran, stop);
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                      stop.set(true);
                    }
                  }));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("worker failed", failure.get());
    }
    assertEquals(tasks, ran.get(), "tasks run");
    for (int i = 0; i < tasks; i++) {
      if (runs.get(i) != 1) {
        fail("task " + i + " ran " + runs.get(i) + " times");
      }
    }
    long overflows = queues.stream().mapToLong(LocalQueue::overflowCount).sum();
    long steals = queues.stream().mapToLong(LocalQueue::stealOperations).sum();
    assertTrue(overflows > 0, "the scenario should overflow");
    assertTrue(steals > 0, "the scenario should steal");
  }

  /**
   * Worker 0 spawns every task; the others (and worker 0 between spawns) run tasks from, in order:
   * their own queue, a random victim, the inject queue.
   */
  private static void runWorker(
      int id,
      List<LocalQueue<Integer>> queues,
      InjectQueue<Integer> inject,
      Overflow<Integer> overflow,
      int tasks,
      AtomicIntegerArray runs,
      AtomicInteger ran,
      AtomicBoolean stop) {
    LocalQueue<Integer> local = queues.get(id);
    local.bindOwner();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int spawned = 0;
    while (!stop.get() && ran.get() < tasks) {
      if (id == 0 && spawned < tasks) {
        // Bursts larger than the ring, so that the queue overflows.
        int burst = Math.min(tasks - spawned, random.nextInt(1, 400));
        for (int i = 0; i < burst; i++) {
          local.push(spawned++, overflow);
        }
      }
      Integer task = local.pop();
      if (task == null) {
        LocalQueue<Integer> victim = queues.get(random.nextInt(queues.size()));
        if (victim != local) {
          task = victim.stealInto(local);
        }
      }
      if (task == null) {
        int max = Math.min(inject.len() / queues.size() + 1, local.remainingSlots());
        task = inject.popBatch(Math.max(1, max), local::pushBack);
      }
      if (task != null) {
        runs.incrementAndGet(task);
        ran.incrementAndGet();
      } else {
        Thread.onSpinWait();
      }
    }
  }
}
