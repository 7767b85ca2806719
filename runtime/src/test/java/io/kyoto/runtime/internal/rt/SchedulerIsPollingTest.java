package io.kyoto.runtime.internal.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.internal.task.TaskCore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code Scheduler.isPolling}, which lets a yield keep its task RUNNING: true only on the thread
 * inside the task's poll, for both schedulers; false from another thread during that poll and from
 * any thread once the poll returned.
 */
class SchedulerIsPollingTest {
  @Test
  void onlyTheThreadPollingTheTaskIsItsRunnerOnTheMultiThreadScheduler() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      assertEquals(List.of(true, false, false), observe(rt));
    }
  }

  @Test
  void onlyTheThreadPollingTheTaskIsItsRunnerOnTheCurrentThreadScheduler() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      assertEquals(List.of(true, false, false), observe(rt));
    }
  }

  /** [from the task's own poll, from another thread during it, from a task polled after it]. */
  private static List<Boolean> observe(Runtime rt) throws Exception {
    List<Boolean> seen = new ArrayList<>();
    AtomicReference<TaskCore<?>> first = new AtomicReference<>();
    rt.blockOn(
        rt.spawn(
            cx -> {
              TaskCore<?> task = (TaskCore<?>) cx; // a task is its own context
              SchedulerBase scheduler = CurrentRuntime.get().scheduler();
              seen.add(scheduler.isPolling(task));
              boolean[] fromOther = new boolean[1];
              Thread other =
                  Thread.ofPlatform().start(() -> fromOther[0] = scheduler.isPolling(task));
              other.join();
              seen.add(fromOther[0]);
              first.set(task);
              return Poll.ready(null);
            }));
    rt.blockOn(
        rt.spawn(
            cx -> {
              seen.add(CurrentRuntime.get().scheduler().isPolling(first.get()));
              return Poll.ready(null);
            }));
    return seen;
  }
}
