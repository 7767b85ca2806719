package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A future (or a service's readiness) polled by hand with its own counting waker, as tokio-test's
 * {@code task::spawn}: deterministic tests of wake-ups and cancellation without a scheduler.
 */
final class Polled<T> implements Waker {
  private final Future<T> future;
  private final AtomicInteger wakes = new AtomicInteger();
  private final Context cx = new Context(this);

  private Polled(Future<T> future) {
    this.future = future;
  }

  static <T> Polled<T> of(Future<T> future) {
    return new Polled<>(future);
  }

  /** {@return the readiness of {@code service}, polled by hand} */
  static Polled<Void> readiness(Service<?, ?> service) {
    return new Polled<>(service::pollReady);
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
      fail("expected ready");
    }
    return p.value();
  }

  /** Polls and expects pending. */
  void pending() throws Exception {
    assertTrue(poll().isPending(), "expected pending");
  }

  /** {@return whether the waker was called since the last poll} */
  boolean isWoken() {
    return wakes.get() > 0;
  }

  void cancel() {
    future.cancel();
  }
}
