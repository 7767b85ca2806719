package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link LoadShed}: always ready, fails fast when the inner service is not. */
class LoadShedTest {

  @Test
  void rejectsAtOnceWithOverloadedWhenTheInnerServiceIsNotReady() throws Exception {
    ManualService inner = new ManualService();
    inner.shared.setReady(false);
    Service<Integer, String> shed = new LoadShed<>(inner);
    Polled.readiness(shed).ready();
    Polled<String> response = Polled.of(shed.call(1));
    assertThrows(OverloadedException.class, response::poll, "fails at the first poll");
    assertEquals(0, inner.shared.callCount(), "the inner service never saw the request");
  }

  @Test
  void passesCallsThroughWhenTheInnerServiceIsReady() throws Exception {
    ManualService inner = new ManualService();
    Service<Integer, String> shed = new LoadShed<>(inner);
    Polled.readiness(shed).ready();
    Polled<String> response = Polled.of(shed.call(1));
    response.pending();
    inner.shared.call(0).complete("ok");
    assertEquals("ok", response.ready());
  }

  @Test
  void turnsAConcurrencyLimitIntoFastFailure() throws Exception {
    ManualService inner = new ManualService();
    Service<Integer, String> svc =
        ServiceBuilder.<Integer, String>start().loadShed().concurrencyLimit(1).service(inner);
    Service<Integer, String> other = svc.newHandle();

    Polled.readiness(svc).ready();
    Polled<String> first = Polled.of(svc.call(1));
    Polled.readiness(other).ready(); // never waits
    assertThrows(OverloadedException.class, () -> Polled.of(other.call(2)).poll());

    inner.shared.call(0).complete("one");
    assertEquals("one", first.ready());
    Polled.readiness(other).ready();
    Polled<String> third = Polled.of(other.call(3));
    inner.shared.call(1).complete("three");
    assertEquals("three", third.ready());
    assertEquals(java.util.List.of(1, 3), inner.shared.requests());
  }

  @Test
  void releaseGivesBackTheInnerReservation() throws Exception {
    ManualService inner = new ManualService();
    ConcurrencyLimit<Integer, String> limit = new ConcurrencyLimit<>(inner, 1);
    Service<Integer, String> shed = new LoadShed<>(limit);
    Polled.readiness(shed).ready();
    assertEquals(0, limit.semaphore().availablePermits());
    shed.release();
    assertEquals(1, limit.semaphore().availablePermits());
  }
}
