package io.kyoto.reactor.internal;

import java.io.IOException;

/**
 * One backend's multiplexer, owned by one {@code Poll}.
 *
 * <p>{@link #select} runs on one thread at a time; everything else is thread safe. A handle may be
 * registered with one selector at a time.
 */
public interface SelectorHandle {
  /**
   * Registers a source under {@code token} with the {@link Readiness} interest bits.
   *
   * @throws IOException if the source is closed, already registered, or the OS refuses it
   */
  void register(SourceHandle source, long token, int interest) throws IOException;

  /** Replaces the token and interest of a registered source. */
  void reregister(SourceHandle source, long token, int interest) throws IOException;

  /** Removes a registered source. */
  void deregister(SourceHandle source) throws IOException;

  /**
   * Waits for readiness and fills {@code out} (cleared first).
   *
   * @param timeoutNanos the longest wait; negative waits forever; 0 returns at once
   */
  void select(EventBuffer out, long timeoutNanos) throws IOException;

  /**
   * Creates the selector's waker, which reports an event with {@code token} when woken.
   *
   * @throws IllegalStateException if a waker already exists for this selector
   */
  WakerHandle createWaker(long token) throws IOException;

  /** Wakes a thread blocked in {@link #select} without reporting an event (used by close). */
  void interrupt() throws IOException;

  /** Releases the multiplexer; called once no thread is inside {@link #select}. */
  void close() throws IOException;
}
