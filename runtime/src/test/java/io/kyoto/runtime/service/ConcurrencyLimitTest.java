package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link ConcurrencyLimit}: tower's {@code concurrency_limit} semantics, polled by hand. */
class ConcurrencyLimitTest {

  @Test
  void theThirdCallerWaitsUntilAResponseCompletes() throws Exception {
    ManualService inner = new ManualService();
    Service<Integer, String> a = new ConcurrencyLimit<>(inner, 2);
    Service<Integer, String> b = a.newHandle();
    Service<Integer, String> c = a.newHandle();

    Polled.readiness(a).ready();
    Polled<String> ra = Polled.of(a.call(1));
    Polled.readiness(b).ready();
    Polled<String> rb = Polled.of(b.call(2));
    Polled<Void> readyC = Polled.readiness(c);
    readyC.pending();
    ra.pending();
    rb.pending();
    assertEquals(2, inner.shared.inFlight.get());

    inner.shared.call(0).complete("one");
    assertFalse(readyC.isWoken(), "the permit is held until the response future is polled done");
    assertEquals("one", ra.ready());
    assertTrue(readyC.isWoken(), "completing a response hands its permit to the waiting caller");
    readyC.ready();
    Polled<String> rc = Polled.of(c.call(3));
    inner.shared.call(2).complete("three");
    assertEquals("three", rc.ready());
    assertEquals(2, inner.shared.maxInFlight.get());
    assertEquals(
        1,
        ((ConcurrencyLimit<Integer, String>) a).semaphore().availablePermits(),
        "b's response still holds its permit");
  }

  @Test
  void aFailedResponseReturnsItsPermit() throws Exception {
    ManualService inner = new ManualService();
    Service<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Service<Integer, String> b = a.newHandle();
    Polled.readiness(a).ready();
    Polled<String> ra = Polled.of(a.call(1));
    Polled<Void> readyB = Polled.readiness(b);
    readyB.pending();
    inner.shared.call(0).fail(new IOException("boom"));
    assertThrows(IOException.class, ra::poll);
    assertTrue(readyB.isWoken());
    readyB.ready();
  }

  @Test
  void aResponseFailingWithAnErrorReturnsItsPermit() throws Exception {
    // The task running a response that throws an Error completes without cancelling it: the
    // permit must be given back by the poll itself, or the limit shrinks for good.
    AssertionError bug = new AssertionError("bug in the handler");
    Service<Integer, String> inner =
        request ->
            cx -> {
              throw bug;
            };
    ConcurrencyLimit<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Service<Integer, String> b = a.newHandle();
    Polled.readiness(a).ready();
    Polled<String> ra = Polled.of(a.call(1));
    Polled<Void> readyB = Polled.readiness(b);
    readyB.pending();
    assertSame(bug, assertThrows(AssertionError.class, ra::poll));
    assertTrue(readyB.isWoken());
    readyB.ready();
  }

  @Test
  void aOneshotOrReadyCancelledWhileWaitingForAPermitDoesNotKeepIt() throws Exception {
    // Time.timeout(d, handle.oneshot(req)) firing while every permit is taken: the handle's queued
    // acquisition must go with the cancelled future, or the next free permit goes to nobody.
    ManualService inner = new ManualService();
    ConcurrencyLimit<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Polled.readiness(a).ready();
    Polled<String> ra = Polled.of(a.call(1));
    Polled<String> oneshot = Polled.of(a.newHandle().oneshot(2));
    oneshot.pending();
    Polled<Void> ready = Polled.of(a.newHandle().ready());
    ready.pending();
    oneshot.cancel();
    ready.cancel();

    inner.shared.call(0).complete("one");
    assertEquals("one", ra.ready());
    assertEquals(1, a.semaphore().availablePermits(), "the permit went to a cancelled waiter");
    Polled.readiness(a.newHandle()).ready();
  }

  @Test
  void aCancelledResponseFutureReturnsThePermitAndCancelsTheInnerCall() throws Exception {
    ManualService inner = new ManualService();
    ConcurrencyLimit<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Service<Integer, String> b = a.newHandle();
    Polled.readiness(a).ready();
    Future<String> response = a.call(1);
    assertEquals(0, a.semaphore().availablePermits());
    Polled<Void> readyB = Polled.readiness(b);
    readyB.pending();

    response.cancel();
    assertTrue(inner.shared.call(0).wasCancelled());
    assertTrue(readyB.isWoken());
    readyB.ready();
    response.cancel(); // idempotent: the permit is not returned twice
    assertEquals(0, a.semaphore().availablePermits());
  }

  @Test
  void aResponseWhoseInnerCancelThrowsStillReturnsItsPermitOnce() throws Exception {
    IllegalStateException thrown = new IllegalStateException("inner cancel failed");
    Service<Integer, String> inner =
        request ->
            new Future<>() {
              @Override
              public Poll<String> poll(Context cx) {
                return Poll.pending();
              }

              @Override
              public void cancel() {
                throw thrown;
              }
            };
    ConcurrencyLimit<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Polled.readiness(a).ready();
    Future<String> response = a.call(1);

    assertSame(thrown, assertThrows(IllegalStateException.class, response::cancel));
    assertEquals(1, a.semaphore().availablePermits(), "the permit leaked with the throwing cancel");
    assertThrows(IllegalStateException.class, response::cancel);
    assertEquals(1, a.semaphore().availablePermits(), "the permit was returned twice");
  }

  @Test
  void aHandleOfAReadyServiceIsNotReady() throws Exception {
    ManualService inner = new ManualService();
    Service<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Polled.readiness(a).ready();
    Service<Integer, String> handle = a.newHandle();
    assertThrows(IllegalStateException.class, () -> handle.call(7), "no readiness, no call");
    Polled<Void> readyHandle = Polled.readiness(handle);
    readyHandle.pending();

    a.release(); // the reservation goes back unused
    assertTrue(readyHandle.isWoken());
    readyHandle.ready();
    assertEquals(1, inner.shared.released.get(), "the inner reservation is released too");
    assertEquals(0, inner.shared.callCount());
  }

  @Test
  void readinessHoldsThePermitWhileTheInnerServiceIsNotReady() throws Exception {
    ManualService inner = new ManualService();
    inner.shared.setReady(false);
    ConcurrencyLimit<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    Polled<Void> readyA = Polled.readiness(a);
    readyA.pending();
    assertEquals(0, a.semaphore().availablePermits(), "the permit is acquired first");
    Polled<Void> readyB = Polled.readiness(a.newHandle());
    readyB.pending();

    inner.shared.setReady(true);
    assertTrue(readyA.isWoken());
    readyA.ready();
    readyB.pending();
  }

  @Test
  void aFailingInnerServiceGivesThePermitBack() throws Exception {
    ManualService inner = new ManualService();
    ConcurrencyLimit<Integer, String> a = new ConcurrencyLimit<>(inner, 1);
    inner.shared.failReadiness(new IOException("dead"));
    assertThrows(IOException.class, () -> Polled.readiness(a).poll());
    assertEquals(1, a.semaphore().availablePermits());
  }

  @Test
  void theLimitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> ConcurrencyLimit.layer(0));
  }
}
