package io.kyoto.runtime.internal.sched;

import java.util.List;

/**
 * Helpers shared by the queue stress tests.
 *
 * <p>These tests live in the runtime's own (unexported) package, with the runtime jar on the class
 * path, so that they can build the small rings ({@code new LocalQueue<>(4)}) the model tests use.
 */
final class Tasks {
  private Tasks() {}

  /**
   * A task whose id is a plain, non-final field: a thread that takes it from a queue and reads a
   * non-zero id saw it fully published.
   */
  static final class Task {
    int id;

    Task(int id) {
      this.id = id;
    }
  }

  /** Appends a task's id as a decimal digit: the tasks 1, 2, 3 in this order give 123. */
  static int append(int digits, Task task) {
    return task == null ? digits : digits * 10 + task.id;
  }

  /** Pops every task of {@code q} (the caller must be allowed to pop) and returns their digits. */
  static int drain(LocalQueue<Task> q) {
    int digits = 0;
    for (Task t = q.pop(); t != null; t = q.pop()) {
      digits = append(digits, t);
    }
    return digits;
  }

  /** An overflow sink that records the ids it receives, in order, as digits. Owner thread only. */
  static final class RecordingOverflow implements Overflow<Task> {
    int digits;

    @Override
    public void push(Task task) {
      digits = append(digits, task);
    }

    @Override
    public void pushBatch(List<Task> batch) {
      for (int i = 0; i < batch.size(); i++) {
        digits = append(digits, batch.get(i));
      }
    }
  }

  /** A sink for tests where the ring never fills. */
  static final Overflow<Task> NO_OVERFLOW =
      new Overflow<>() {
        @Override
        public void push(Task task) {
          throw new AssertionError("unexpected overflow");
        }

        @Override
        public void pushBatch(List<Task> batch) {
          throw new AssertionError("unexpected overflow");
        }
      };
}
