package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/** A waker that counts its wakes, for polling channel futures by hand. */
final class TestWaker implements Waker {
  private final AtomicInteger wakes = new AtomicInteger();

  @Override
  public void wake() {
    wakes.incrementAndGet();
  }

  /** {@return how many times this waker was woken} */
  int wakes() {
    return wakes.get();
  }

  /** {@return a fresh, unconstrained context with this waker} */
  Context cx() {
    return new Context(this);
  }

  /** {@return the result of polling {@code future} once with this waker} */
  <T> Poll<T> poll(Future<T> future) throws Exception {
    return future.poll(cx());
  }
}
