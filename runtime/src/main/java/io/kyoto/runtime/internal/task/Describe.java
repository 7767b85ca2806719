package io.kyoto.runtime.internal.task;

/**
 * Safe, bounded {@code toString()} of futures for task dumps and timeout messages: never throws,
 * cuts long strings, and stops descending into nested futures past a small depth (combinators call
 * {@link #of} on the future they wrap).
 */
public final class Describe {
  /** The longest description returned. */
  public static final int MAX_LENGTH = 600;

  private static final int MAX_DEPTH = 8;
  // Only touched while describing, never on the polling path.
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private Describe() {}

  /**
   * {@return {@code object.toString()}, or a fallback if it throws, cut to {@link #MAX_LENGTH}}
   *
   * @param object a future (or anything), may be null
   */
  public static String of(Object object) {
    if (object == null) {
      return "null";
    }
    int[] depth = DEPTH.get();
    if (depth[0] >= MAX_DEPTH) {
      return "...";
    }
    depth[0]++;
    try {
      // A task described as a future (what another future awaits) is a join handle on it: the task
      // is its own JoinHandle, and "Task{id=7}" alone would not say that something joins it.
      String s =
          object instanceof TaskCore<?> task ? "JoinHandle{" + task + "}" : object.toString();
      if (s == null) {
        return object.getClass().getName();
      }
      return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH - 3) + "...";
    } catch (Throwable t) { // a diagnostic must never fail: StackOverflowError, races, user bugs
      return object.getClass().getName() + "{toString failed: " + t.getClass().getName() + "}";
    } finally {
      depth[0]--;
    }
  }

  /**
   * {@return a duration in nanoseconds as milliseconds, e.g. {@code "1500ms"}}
   *
   * @param nanos the duration
   */
  public static String millis(long nanos) {
    return (nanos / 1_000_000) + "ms";
  }
}
