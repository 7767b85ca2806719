package io.kyoto.runtime.internal.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Conservation on the multi-thread scheduler's whole steal path, with three workers whose queues
 * persist across operations, as in {@code MultiThreadScheduler}: worker 0 pushes (overflowing into
 * a real {@link InjectQueue} through {@link Overflow#into}), pops, and refills its queue from the
 * inject queue with {@link InjectQueue#popBatch} and {@link LocalQueue#pushBack}; workers 1 and 2
 * each steal as the scheduler's {@code steal()} does (each other victim in turn, then the inject
 * queue) into their own queue, and pop from it.
 *
 * <p>{@link LocalQueueOverflowModelTest} steals into a fresh queue per operation and counts
 * overflow in a fake sink. Here a thief's queue is at once the destination of its own steals and
 * the victim of the other thief's, so the release of copied slots to a queue's own thieves, and a
 * steal from a queue that is itself mid-steal, are exercised; and every task moved to the inject
 * queue must come back out of it exactly once.
 *
 * <p>Every operation returns nothing (steals give up on contention and a push during a steal
 * overflows a single task, neither of which a sequential FIFO explains), so the check is the
 * {@code @Validate} function: after the scenario every task id pushed is found exactly once among
 * the tasks taken by pops, steals and refills, and those still queued in the three local queues and
 * the inject queue; {@code len()} of each queue agrees with what it holds. Assertions inside the
 * queues (tests run with {@code -ea}) fail a scenario too.
 */
@Param(name = "count", gen = IntGen.class, conf = "1:3")
public class StealPathModelTest {
  static final int CAPACITY = 4;

  /** More than a scenario can push. */
  private static final int MAX_TASKS = 64;

  private final InjectQueue<Integer> inject = new InjectQueue<>();

  /** Worker 0's queue: the one that overflows. */
  private final LocalQueue<Integer> q0 = new LocalQueue<>(CAPACITY);

  private final LocalQueue<Integer> q1 = new LocalQueue<>(CAPACITY);
  private final LocalQueue<Integer> q2 = new LocalQueue<>(CAPACITY);

  /** How many times each task was handed to a worker to run. */
  private final AtomicIntegerArray taken = new AtomicIntegerArray(MAX_TASKS);

  private final Overflow<Integer> overflow =
      Overflow.into(
          inject,
          task -> {
            throw new AssertionError("the inject queue is never closed, yet refused " + task);
          });

  /** Next task id; worker 0 only. */
  private int next;

  private void run(Integer task) {
    if (task != null) {
      taken.incrementAndGet(task);
    }
  }

  /** Worker 0 spawns {@code count} tasks (several at once, so that its ring fills up). */
  @Operation(nonParallelGroup = "w0")
  public void push(@Param(name = "count") int count) {
    for (int i = 0; i < count; i++) {
      q0.push(next++, overflow);
    }
  }

  @Operation(nonParallelGroup = "w0")
  public void pop0() {
    run(q0.pop());
  }

  /** Worker 0 pulls a batch from the inject queue, sized as the scheduler sizes it. */
  @Operation(nonParallelGroup = "w0")
  public void refill0() {
    if (inject.isEmpty()) {
      return;
    }
    int max = Math.max(1, Math.min(Math.min(inject.len() / 3 + 1, q0.remainingSlots()), 2));
    run(inject.popBatch(max, q0::pushBack));
  }

  @Operation(nonParallelGroup = "w1")
  public void steal1() {
    run(steal(q1, q0, q2));
  }

  @Operation(nonParallelGroup = "w1")
  public void pop1() {
    run(q1.pop());
  }

  @Operation(nonParallelGroup = "w2")
  public void steal2() {
    run(steal(q2, q1, q0));
  }

  @Operation(nonParallelGroup = "w2")
  public void pop2() {
    run(q2.pop());
  }

  /** The scheduler's {@code steal()}: each victim in turn, then one task from the inject queue. */
  private Integer steal(
      LocalQueue<Integer> own, LocalQueue<Integer> first, LocalQueue<Integer> second) {
    Integer t = first.stealInto(own);
    if (t == null) {
      t = second.stealInto(own);
    }
    if (t == null) {
      t = inject.pop();
    }
    return t;
  }

  @Validate
  public void everyTaskIsAccountedForOnce() {
    int[] queued = new int[MAX_TASKS];
    List<String> problems = new ArrayList<>();
    drain("q0", q0, queued, problems);
    drain("q1", q1, queued, problems);
    drain("q2", q2, queued, problems);
    int injectLen = inject.len();
    int drained = 0;
    for (Integer t = inject.pop(); t != null; t = inject.pop()) {
      queued[t]++;
      drained++;
    }
    if (injectLen != drained) {
      problems.add("inject len() said " + injectLen + " but " + drained + " were queued");
    }
    for (int id = 0; id < MAX_TASKS; id++) {
      int copies = taken.get(id) + queued[id];
      int expected = id < next ? 1 : 0;
      if (copies != expected) {
        problems.add(
            "task " + id + ": run " + taken.get(id) + ", still queued " + queued[id] + " times");
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("pushed " + next + " tasks: " + problems);
    }
  }

  private static void drain(
      String name, LocalQueue<Integer> q, int[] queued, List<String> problems) {
    int len = q.len();
    int remaining = q.remainingSlots();
    int drained = 0;
    for (Integer t = q.pop(); t != null; t = q.pop()) {
      queued[t]++;
      drained++;
    }
    if (len != drained || remaining != CAPACITY - len) {
      problems.add(
          name + ": len() " + len + ", remainingSlots() " + remaining + ", held " + drained);
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(2)
        .actorsAfter(1)
        .iterations(12)
        .invocationsPerIteration(200)
        .check(StealPathModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(1)
        .iterations(15)
        .invocationsPerIteration(1000)
        .check(StealPathModelTest.class);
  }
}
