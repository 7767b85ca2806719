package io.kyoto.runtime.internal.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import java.util.function.Supplier;

/**
 * A {@link Future} over an {@link Acquire}: ready with what {@code onAcquired} makes (a permit, a
 * guard) once the permits are held, failed with what {@code onClosed} makes if the semaphore
 * closes.
 *
 * @param <T> the value's type
 */
public final class AcquireFuture<T> implements Future<T> {
  private final Acquire acquire;
  private final Supplier<? extends T> onAcquired;
  private final Supplier<? extends Exception> onClosed;

  /**
   * Creates the future.
   *
   * @param acquire the acquisition, not yet polled
   * @param onAcquired makes the value once the permits are held; must not throw
   * @param onClosed makes the failure when the semaphore is closed
   */
  public AcquireFuture(
      Acquire acquire, Supplier<? extends T> onAcquired, Supplier<? extends Exception> onClosed) {
    this.acquire = acquire;
    this.onAcquired = onAcquired;
    this.onClosed = onClosed;
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    return switch (acquire.poll(cx)) {
      case BatchSemaphore.ACQUIRED -> Poll.ready(onAcquired.get());
      case BatchSemaphore.CLOSED -> throw onClosed.get();
      default -> Poll.pending();
    };
  }

  @Override
  public void cancel() {
    acquire.cancel();
  }

  @Override
  public String toString() {
    return "Acquire[" + acquire + "]";
  }
}
