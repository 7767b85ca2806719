package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@link Service#wrap}: a middleware written as one function keeps the inner service's
 * backpressure, reservations and handles (here a {@link ConcurrencyLimit} of one).
 */
class WrapTest {

  /** Upper-cases the inner service's answer; "throw" fails before the inner call. */
  private static Service<Integer, String> shouting(Service<Integer, String> inner) {
    return Service.wrap(
        inner,
        (Integer request, Service<Integer, String> next) -> {
          if (request < 0) throw new IOException("negative request");
          if (request == 0) {
            next.release(); // answered here: the reservation goes back
            return Futures.ready("ZERO");
          }
          return next.call(request).map(String::toUpperCase);
        });
  }

  @Test
  void readinessAndTheCallGoThroughTheInnerService() throws Exception {
    ManualService manual = new ManualService();
    ConcurrencyLimit<Integer, String> limit = new ConcurrencyLimit<>(manual, 1);
    Service<Integer, String> a = shouting(limit);
    Service<Integer, String> b = a.newHandle();
    assertNotSame(a, b, "a handle of a limit is a new wrapper");

    Polled.readiness(a).ready();
    Polled<String> ra = Polled.of(a.call(1));
    Polled<Void> readyB = Polled.readiness(b);
    readyB.pending(); // the limit's one permit is a's: b waits, it does not fail
    manual.shared.call(0).complete("one");
    assertEquals("ONE", ra.ready());
    assertTrue(readyB.isWoken());
    readyB.ready();
  }

  @Test
  void aFunctionThatThrowsOrAnswersItselfGivesThePermitBack() throws Exception {
    ManualService manual = new ManualService();
    ConcurrencyLimit<Integer, String> limit = new ConcurrencyLimit<>(manual, 1);
    Service<Integer, String> a = shouting(limit);

    Polled.readiness(a).ready();
    Polled<String> failed = Polled.of(a.call(-1));
    IOException e = assertThrows(IOException.class, failed::poll);
    assertEquals("negative request", e.getMessage());
    assertEquals(1, limit.semaphore().availablePermits(), "released after the throw");

    Polled.readiness(a).ready();
    assertEquals("ZERO", Polled.of(a.call(0)).ready());
    assertEquals(1, limit.semaphore().availablePermits(), "released by the function");
    assertEquals(0, manual.shared.callCount(), "the inner service was never called");
  }

  @Test
  void aStatelessInnerServiceKeepsOneWrapper() {
    Service<Integer, String> a = shouting(request -> Futures.ready("x" + request));
    assertSame(a, a.newHandle());
  }

  @Test
  void mapRequestAndMapResponseAreWrapsToo() throws Exception {
    ManualService manual = new ManualService();
    ConcurrencyLimit<Integer, String> limit = new ConcurrencyLimit<>(manual, 1);
    Service<String, Integer> mapped =
        limit.<String>mapRequest(Integer::parseInt).mapResponse(String::length);
    Service<String, Integer> other = mapped.newHandle();

    Polled.readiness(mapped).ready();
    Polled<Integer> r = Polled.of(mapped.call("7"));
    Polled<Void> readyOther = Polled.readiness(other);
    readyOther.pending();
    manual.shared.call(0).complete("seven");
    assertEquals(5, r.ready());
    readyOther.ready();
    // A request mapping that throws releases the permit it was given.
    Polled<Integer> bad = Polled.of(other.call("not a number"));
    assertThrows(NumberFormatException.class, bad::poll);
    assertEquals(1, limit.semaphore().availablePermits());
  }
}
