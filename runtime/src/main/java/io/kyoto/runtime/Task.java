package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import io.kyoto.runtime.internal.task.TaskCore;
import java.util.Objects;

/**
 * Tasks on the current runtime: {@link #spawn}, {@link #spawnBlocking} and {@link #yieldNow}, as
 * tokio's {@code task} module.
 *
 * <p>A task is a spawned top-level future. It starts at once, runs on the runtime's workers, and is
 * polled again whenever something it waits on wakes it. An exception in a task completes the task
 * with that exception; it never takes down a worker.
 */
public final class Task {
  private Task() {}

  /**
   * Spawns {@code future} as a task on the current runtime.
   *
   * @param future the task's future
   * @param <T> the value type
   * @return the handle to join or abort it
   * @throws IllegalStateException outside a runtime
   */
  public static <T> JoinHandle<T> spawn(Future<T> future) {
    RuntimeCore core = CurrentRuntime.get(); // no Handle object on the hot path
    if (core == null) {
      throw outside("Task.spawn", "rt.spawn(future)");
    }
    return core.spawn(Objects.requireNonNull(future, "future"));
  }

  /**
   * Runs blocking code on the current runtime's blocking pool.
   *
   * @param job the blocking work
   * @param <T> the value type
   * @return the handle; aborting only prevents a job that has not started
   * @throws IllegalStateException outside a runtime
   */
  public static <T> JoinHandle<T> spawnBlocking(ThrowingSupplier<T> job) {
    if (CurrentRuntime.get() == null) {
      throw outside("Task.spawnBlocking", "rt.spawnBlocking(job)");
    }
    return Handle.current().spawnBlocking(job);
  }

  /**
   * The error of a spawn outside a runtime: tokio's wording, then the usual cause in Java, an
   * argument of {@code blockOn} being evaluated before {@code blockOn} runs.
   */
  private static IllegalStateException outside(String call, String instead) {
    return new IllegalStateException(
        "there is no reactor running, must be called from the context of a Kyoto runtime: "
            + call
            + " ran on a thread outside any runtime. An argument of blockOn is evaluated before"
            + " blockOn runs, so rt.blockOn("
            + call
            + "(...)) spawns from outside: use "
            + instead
            + ", or Futures.lazy(() -> "
            + call
            + "(...)) to spawn once inside");
  }

  /**
   * {@return a future that spends one unit of the task's coop budget: ready at once while the
   * budget lasts, else it yields to the scheduler once and completes in the task's next poll} As
   * tokio's {@code consume_budget}: put it in a loop that makes progress without touching a runtime
   * resource (a computation over in-memory data, a loop over ready futures), so that the loop
   * yields every 128 steps as a loop over a channel or a socket would, instead of keeping its
   * worker from the other tasks. Cheaper than {@link #yieldNow()} in every iteration, which yields
   * each time.
   *
   * <p><b>Cancel safety:</b> cancel safe; nothing is lost.
   */
  public static Future<Void> consumeBudget() {
    return CONSUME_BUDGET;
  }

  private static final Future<Void> CONSUME_BUDGET = // stateless, so one serves every caller
      new Future<>() {
        @Override
        public Poll<Void> poll(Context cx) {
          if (cx.tryConsumeBudget()) {
            return Poll.ready(null);
          }
          cx.waker().wake(); // polled again with a fresh budget, after the other ready tasks
          return Poll.pending();
        }

        @Override
        public String toString() {
          return "Task.consumeBudget";
        }
      };

  /**
   * {@return a future that yields once to the scheduler, then completes} As tokio's {@code
   * yield_now}, the wake-up is deferred until the scheduler has run the other ready tasks and
   * polled its drivers, so a task looping on {@code yieldNow} lets I/O and timers make progress.
   *
   * <p><b>Cancel safety:</b> cancel safe; nothing is lost.
   */
  public static Future<Void> yieldNow() {
    return new Future<>() {
      private boolean yielded;

      @Override
      public Poll<Void> poll(Context cx) {
        if (yielded) {
          return Poll.ready(null);
        }
        yielded = true;
        Waker waker = cx.waker();
        if (waker instanceof TaskCore<?> task && task.yieldFromOwnPoll()) {
          return Poll.pending(); // requeued behind the driver turn when this poll returns
        }
        waker.wake(); // a waker of some other executor (blockOn, a hand-polled future)
        return Poll.pending();
      }

      @Override
      public String toString() {
        return yielded ? "Task.yieldNow{yielded}" : "Task.yieldNow";
      }
    };
  }
}
