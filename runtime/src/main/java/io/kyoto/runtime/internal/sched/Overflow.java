package io.kyoto.runtime.internal.sched;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a full {@link LocalQueue} sends the tasks it cannot hold: in the scheduler, the shared
 * {@link InjectQueue}.
 *
 * <p>Thread safety: called by the owner of the overflowing local queue, so implementations must
 * accept calls from every worker at once.
 *
 * @param <T> the element type
 */
public interface Overflow<T> {
  /**
   * Takes one task that did not fit (a thief was emptying the queue at the time).
   *
   * @param task the task
   */
  void push(T task);

  /**
   * Takes half of a full local queue plus the task being pushed, oldest first.
   *
   * @param batch the tasks; the list is the queue's scratch buffer, valid only during the call
   */
  void pushBatch(List<T> batch);

  /**
   * An overflow sink that pushes into {@code inject} and hands the tasks it rejects (once closed)
   * to {@code rejected}.
   *
   * @param inject the shared queue
   * @param rejected called, on the pushing thread, with each task a closed queue refused
   * @param <T> the element type
   * @return the sink
   */
  static <T> Overflow<T> into(InjectQueue<T> inject, Consumer<? super T> rejected) {
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(rejected, "rejected");
    return new Overflow<>() {
      @Override
      public void push(T task) {
        if (!inject.push(task)) {
          rejected.accept(task);
        }
      }

      @Override
      public void pushBatch(List<T> batch) {
        if (!inject.pushBatch(batch)) {
          for (int i = 0; i < batch.size(); i++) {
            rejected.accept(batch.get(i));
          }
        }
      }
    };
  }
}
