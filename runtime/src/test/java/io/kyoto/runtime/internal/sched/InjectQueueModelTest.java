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
 * Linearizability of {@link InjectQueue} against a sequential FIFO with a closed flag, including
 * the lock-free {@code isEmpty()} (and the empty fast paths of the pops), with tiny chunks so that
 * the producers' chunk linking and the consumers' chunk hand-over are part of every run.
 */
@Param(name = "task", gen = IntGen.class, conf = "1:9")
@Param(name = "max", gen = IntGen.class, conf = "1:3")
public class InjectQueueModelTest {
  // Chunks of two slots: pushes and pops cross chunk boundaries (and race to link chunks) often.
  private final InjectQueue<Integer> queue = new InjectQueue<>(2);

  @Operation
  public boolean push(@Param(name = "task") int task) {
    return queue.push(task);
  }

  @Operation
  public boolean pushBatch(@Param(name = "task") int task) {
    return queue.pushBatch(List.of(task, task + 10));
  }

  @Operation
  public Integer pop() {
    return queue.pop();
  }

  @Operation
  public List<Integer> popBatch(@Param(name = "max") int max) {
    List<Integer> got = new ArrayList<>();
    Integer first = queue.popBatch(max, got::add);
    if (first != null) {
      got.addFirst(first);
    }
    return got;
  }

  @Operation
  public int len() {
    return queue.len();
  }

  /** Lock-free, and linearizable: a stale head can only make it answer "not empty" too early. */
  @Operation
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  @Operation(runOnce = true)
  public boolean close() {
    return queue.close();
  }

  /** The sequential specification. */
  public static final class Spec {
    private final ArrayDeque<Integer> tasks = new ArrayDeque<>();
    private boolean closed;

    public boolean push(int task) {
      if (closed) {
        return false;
      }
      tasks.addLast(task);
      return true;
    }

    public boolean pushBatch(int task) {
      if (closed) {
        return false;
      }
      tasks.addLast(task);
      tasks.addLast(task + 10);
      return true;
    }

    public Integer pop() {
      return tasks.pollFirst();
    }

    public List<Integer> popBatch(int max) {
      List<Integer> got = new ArrayList<>();
      for (int i = 0; i < max && !tasks.isEmpty(); i++) {
        got.add(tasks.pollFirst());
      }
      return got;
    }

    public int len() {
      return tasks.size();
    }

    public boolean isEmpty() {
      return tasks.isEmpty();
    }

    public boolean close() {
      boolean was = closed;
      closed = true;
      return !was;
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(2)
        .actorsAfter(1)
        .iterations(20)
        .invocationsPerIteration(250)
        .check(InjectQueueModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(1)
        .iterations(20)
        .invocationsPerIteration(1000)
        .check(InjectQueueModelTest.class);
  }
}
