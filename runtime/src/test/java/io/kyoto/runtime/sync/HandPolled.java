package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A future polled by hand with its own counting waker, as tokio-test's {@code task::spawn}: the
 * deterministic way to test queue order, wake-ups and cancellation without a scheduler.
 */
final class HandPolled<T> implements Waker {
  private final Future<T> future;
  private final AtomicInteger wakes = new AtomicInteger();
  private final Context cx = new Context(this);

  private HandPolled(Future<T> future) {
    this.future = future;
  }

  static <T> HandPolled<T> of(Future<T> future) {
    return new HandPolled<>(future);
  }

  @Override
  public void wake() {
    wakes.incrementAndGet();
  }

  /** Polls once; resets the wake count. */
  Poll<T> poll() throws Exception {
    wakes.set(0);
    return future.poll(cx);
  }

  /** Polls and expects a value. */
  T ready() throws Exception {
    Poll<T> p = poll();
    if (p.isPending()) {
      fail("expected the future to be ready");
    }
    return p.value();
  }

  /** Polls and expects pending. */
  void pending() throws Exception {
    assertTrue(poll().isPending(), "expected the future to be pending");
  }

  /** {@return whether the waker was called since the last poll} */
  boolean isWoken() {
    return wakes.get() > 0;
  }

  Context context() {
    return cx;
  }

  void cancel() {
    future.cancel();
  }
}
