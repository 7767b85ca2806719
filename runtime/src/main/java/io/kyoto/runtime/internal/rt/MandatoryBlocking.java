package io.kyoto.runtime.internal.rt;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.internal.task.TaskCore;

/**
 * A blocking job that shutdown does not drop ({@link RuntimeCore#spawnMandatoryBlocking}), as a
 * future of its result: the job's own exception is thrown as it is (a cancelled job's is a {@link
 * java.util.concurrent.CancellationException}); an {@link Error} arrives wrapped in an {@link
 * IllegalStateException}. Cancelling the future only stops waiting: the job still runs.
 */
public final class MandatoryBlocking {
  private MandatoryBlocking() {}

  /**
   * Spawns {@code job} on the current runtime's blocking pool.
   *
   * @param job the blocking work; it must end on its own
   * @param <T> the result type
   * @return the future of its result
   * @throws IllegalStateException outside a runtime
   */
  public static <T> Future<T> spawn(ThrowingSupplier<T> job) {
    RuntimeCore core = CurrentRuntime.get();
    if (core == null) {
      Handle.current(); // throws the usual "no reactor running" error
      throw new IllegalStateException("not inside a Kyoto runtime");
    }
    TaskCore<T> task = core.spawnMandatoryBlocking(job);
    return new Future<>() {
      @Override
      public Poll<T> poll(Context cx) throws Exception {
        if (!cx.tryConsumeBudget()) {
          cx.waker().wake();
          return Poll.pending();
        }
        try {
          return task.pollJoin(cx);
        } catch (TaskCore.TaskFailure f) {
          if (f.getCause() instanceof Exception e) {
            throw e;
          }
          throw new IllegalStateException("blocking job failed", f.getCause());
        }
      }

      @Override
      public void cancel() {
        task.clearJoinWaker();
      }
    };
  }
}
