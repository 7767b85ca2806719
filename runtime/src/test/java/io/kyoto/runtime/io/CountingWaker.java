package io.kyoto.runtime.io;

import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A waker that counts its wakes, for futures polled by hand: the waker of a cancelled operation,
 * which nothing may wake afterwards. Shared by the I/O and process tests.
 */
public final class CountingWaker implements Waker {
  private final AtomicInteger wakes = new AtomicInteger();

  @Override
  public void wake() {
    wakes.incrementAndGet();
  }

  /** {@return how many times this waker was woken} */
  public int wakes() {
    return wakes.get();
  }

  /**
   * Waits up to a second for a first wake-up, for a test in which one must not come: the job the
   * cancelled operation waited on ends meanwhile (the caller made sure of that), and a waker left
   * behind would be woken by its end.
   *
   * @return how many times this waker was woken by then
   * @throws InterruptedException if the wait is interrupted
   */
  public int wakesWithin1s() throws InterruptedException {
    for (int i = 0; i < 20 && wakes.get() == 0; i++) {
      Thread.sleep(50);
    }
    return wakes.get();
  }
}
