package io.kyoto.runtime.internal.sched;

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
 * Conservation in {@link LocalQueue} with overflow and several thieves, as tokio's loom queue tests
 * check it ({@code basic}, {@code steal_overflow}, {@code multi_stealer}): every pushed task ends
 * up exactly once in the hands of a popper, a thief, the overflow sink, or the queue.
 *
 * <p>With a ring of 4 the owner overflows often, and steals may run in every thread at once. Those
 * two behaviours are not linearizable against a FIFO (a thief gives up when it meets another; a
 * push that finds the ring full during a steal sends only itself to the sink), so the operations
 * return nothing and the check is the {@code @Validate} function, which Lincheck runs once after
 * the scenario; any assertion inside the queue (tests run with {@code -ea}) fails the scenario too.
 */
@Param(name = "count", gen = IntGen.class, conf = "1:3")
public class LocalQueueOverflowModelTest {
  static final int CAPACITY = 4;

  /** More than the scenario can push. */
  private static final int MAX_TASKS = 64;

  private final LocalQueue<Integer> queue = new LocalQueue<>(CAPACITY);

  /** How many times each task was taken by a pop or a steal. */
  private final AtomicIntegerArray taken = new AtomicIntegerArray(MAX_TASKS);

  /** How many times each task was handed to the overflow sink (owner thread only). */
  private final int[] overflowed = new int[MAX_TASKS];

  /** Next task id; owner thread only. */
  private int next;

  private final Overflow<Integer> overflow =
      new Overflow<>() {
        @Override
        public void push(Integer task) {
          overflowed[task]++;
        }

        @Override
        public void pushBatch(List<Integer> batch) {
          if (batch.size() != CAPACITY / 2 + 1) {
            throw new AssertionError("overflow batch of " + batch.size());
          }
          for (int i = 0; i < batch.size(); i++) {
            overflowed[batch.get(i)]++;
          }
        }
      };

  /** Pushes {@code count} new tasks (several at once, so that the ring fills up). */
  @Operation(nonParallelGroup = "owner")
  public void push(@Param(name = "count") int count) {
    for (int i = 0; i < count; i++) {
      queue.push(next++, overflow);
    }
  }

  @Operation(nonParallelGroup = "owner")
  public void pop() {
    Integer task = queue.pop();
    if (task != null) {
      taken.incrementAndGet(task);
    }
  }

  @Operation
  public void steal() {
    LocalQueue<Integer> thief = new LocalQueue<>(CAPACITY);
    Integer now = queue.stealInto(thief);
    if (now != null) {
      taken.incrementAndGet(now);
    }
    for (Integer t = thief.pop(); t != null; t = thief.pop()) {
      taken.incrementAndGet(t);
    }
  }

  @Validate
  public void everyTaskIsAccountedForOnce() {
    int queued = queue.len();
    int[] inQueue = new int[MAX_TASKS];
    for (Integer t = queue.pop(); t != null; t = queue.pop()) {
      inQueue[t]++;
    }
    if (queued != sum(inQueue)) {
      throw new AssertionError("len() said " + queued + " but " + sum(inQueue) + " were queued");
    }
    for (int id = 0; id < MAX_TASKS; id++) {
      int copies = taken.get(id) + overflowed[id] + inQueue[id];
      int expected = id < next ? 1 : 0;
      if (copies != expected) {
        throw new AssertionError(
            "task "
                + id
                + ": taken "
                + taken.get(id)
                + ", overflowed "
                + overflowed[id]
                + ", queued "
                + inQueue[id]
                + " (pushed "
                + next
                + ")");
      }
    }
  }

  private static int sum(int[] counts) {
    int s = 0;
    for (int c : counts) {
      s += c;
    }
    return s;
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .threads(3)
        .actorsBefore(3)
        .actorsPerThread(2)
        .actorsAfter(1)
        .iterations(15)
        .invocationsPerIteration(250)
        .check(LocalQueueOverflowModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .threads(3)
        .actorsBefore(3)
        .actorsPerThread(3)
        .actorsAfter(1)
        .iterations(20)
        .invocationsPerIteration(1000)
        .check(LocalQueueOverflowModelTest.class);
  }
}
