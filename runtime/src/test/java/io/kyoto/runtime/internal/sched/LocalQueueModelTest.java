package io.kyoto.runtime.internal.sched;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link LocalQueue} against a FIFO whose steal takes the oldest {@code
 * ceil(n/2)} tasks.
 *
 * <p>The owner's operations form one non-parallel group, and the thief's another, so each runs on
 * one thread: the queue's contract has one producer, and a second concurrent thief is allowed to
 * give up (see {@link LocalQueueOverflowModelTest} for several thieves). A steal moves tasks into a
 * fresh thief queue, which the operation drains, so its observable result is the list of tasks it
 * obtained, oldest first.
 *
 * <p>What is left out, and why:
 *
 * <ul>
 *   <li>Overflow. Scenarios push at most 6 tasks into a ring of 8. A push that finds the ring full
 *       while a thief is copying out sends only the new task away, which no sequential FIFO
 *       explains; the overflow model test covers that path.
 *   <li>The owner's {@code len()}. A thief sizes its batch from a snapshot of {@code tail} taken
 *       before its claiming CAS; owner pushes in between do not fail the CAS (pops do). The steal
 *       is linearizable at the snapshot only if nothing observes the pushes before the CAS, and
 *       {@code len()} does. Lincheck found it: with two tasks queued, the owner pushed a third and
 *       read {@code len() == 3} while a concurrent steal took one task, where half of 3 rounds up
 *       to 2. tokio's steal has the same "half of a recent length" semantics, which is all the
 *       scheduler needs; {@code len()} is checked by the unit tests and the overflow model test.
 * </ul>
 */
@Param(name = "task", gen = IntGen.class, conf = "1:9")
public class LocalQueueModelTest {
  static final int CAPACITY = 8;

  private static final Overflow<Integer> NO_OVERFLOW =
      new Overflow<>() {
        @Override
        public void push(Integer task) {
          throw new AssertionError("unexpected overflow of " + task);
        }

        @Override
        public void pushBatch(List<Integer> batch) {
          throw new AssertionError("unexpected overflow of " + batch);
        }
      };

  private final LocalQueue<Integer> queue = new LocalQueue<>(CAPACITY);

  @Operation(nonParallelGroup = "owner")
  public void push(@Param(name = "task") int task) {
    queue.push(task, NO_OVERFLOW);
  }

  @Operation(nonParallelGroup = "owner")
  public Integer pop() {
    return queue.pop();
  }

  @Operation(nonParallelGroup = "thief")
  public List<Integer> steal() {
    LocalQueue<Integer> thief = new LocalQueue<>(CAPACITY);
    Integer now = queue.stealInto(thief);
    List<Integer> got = new ArrayList<>();
    for (Integer t = thief.pop(); t != null; t = thief.pop()) {
      got.add(t);
    }
    if (now != null) {
      got.add(now);
    }
    return got;
  }

  /** The sequential specification. */
  public static final class Spec {
    private final ArrayDeque<Integer> tasks = new ArrayDeque<>();

    public void push(int task) {
      if (tasks.size() == CAPACITY) {
        throw new IllegalStateException("the scenario must not overflow");
      }
      tasks.addLast(task);
    }

    public Integer pop() {
      return tasks.pollFirst();
    }

    public List<Integer> steal() {
      int n = tasks.size() - tasks.size() / 2;
      List<Integer> got = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        got.add(tasks.pollFirst());
      }
      return got;
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .sequentialSpecification(Spec.class)
        .threads(2)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(1)
        .iterations(15)
        .invocationsPerIteration(250)
        .check(LocalQueueModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .sequentialSpecification(Spec.class)
        .threads(2)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(1)
        .iterations(20)
        .invocationsPerIteration(1000)
        .check(LocalQueueModelTest.class);
  }
}
