package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link Timeout}: the timer starts at {@code call}; expiry cancels the inner response. */
class TimeoutTest {
  private static Runtime paused() {
    return Runtime.builder().currentThread().enableTime().startPaused(true).build();
  }

  @Test
  void expiryFailsTheCallAndCancelsTheInnerResponse() throws Exception {
    ManualService inner = new ManualService(); // its responses never complete by themselves
    long[] elapsed = new long[1];
    try (Runtime rt = paused()) {
      ServiceTimeoutException e =
          assertThrows(
              ServiceTimeoutException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            long start = Time.now();
                            Service<Integer, String> svc =
                                new Timeout<>(inner, Duration.ofMillis(100));
                            return svc.oneshot(1)
                                .handle(
                                    (v, error) -> {
                                      elapsed[0] = Time.now() - start;
                                      return error;
                                    })
                                .map(
                                    error -> {
                                      throw error;
                                    });
                          })));
      assertTrue(e.getMessage().contains("PT0.1S"), e.getMessage());
      assertEquals(Duration.ofMillis(100), e.duration());
      assertInstanceOf(TimeoutException.class, e);
    }
    assertEquals(Duration.ofMillis(100).toNanos(), elapsed[0], "fails exactly at the deadline");
    assertTrue(inner.shared.call(0).wasCancelled(), "the inner response future was cancelled");
    assertEquals(0, inner.shared.inFlight.get());
  }

  @Test
  void aResponseBeforeTheDeadlineWins() throws Exception {
    Service<Integer, String> inner =
        Service.of(n -> Time.sleep(Duration.ofMillis(99)).map(v -> "r" + n));
    try (Runtime rt = paused()) {
      String r =
          rt.blockOn(Futures.lazy(() -> new Timeout<>(inner, Duration.ofMillis(100)).oneshot(5)));
      assertEquals("r5", r);
    }
  }

  @Test
  void theTimerStartsAtCallNotWhileWaitingForReadiness() throws Exception {
    ManualService inner =
        ManualService.responding(n -> Time.sleep(Duration.ofMillis(80)).map(v -> "late-ok"));
    inner.shared.setReady(false);
    try (Runtime rt = paused()) {
      String r =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Service<Integer, String> svc = new Timeout<>(inner, Duration.ofMillis(100));
                    Future<String> response = svc.oneshot(1);
                    // readiness takes 500 ms, far beyond the limit; the call itself takes 80 ms
                    Future<Void> opener =
                        Time.sleep(Duration.ofMillis(500))
                            .inspect(v -> inner.shared.setReady(true));
                    return Futures.join(opener, response, (v, s) -> s);
                  }));
      assertEquals("late-ok", r);
    }
  }

  @Test
  void cancellingTheResponseCancelsTheInnerOne() throws Exception {
    ManualService inner = new ManualService();
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                Service<Integer, String> svc = new Timeout<>(inner, Duration.ofSeconds(1));
                Polled.readiness(svc).ready();
                Polled<String> response = Polled.of(svc.call(1));
                response.pending();
                response.cancel();
                return Futures.ready(null);
              }));
    }
    assertTrue(inner.shared.call(0).wasCancelled());
  }

  @Test
  void cancellingTheResponseReleasesTheTimerEvenWhenTheInnerCancelThrows() throws Exception {
    // The task polls a response with a one-hour timeout once (the timer now holds the task's
    // waker), cancels it, then sleeps two hours. A timer left behind would wake the task at the
    // first hour: a third poll.
    IllegalStateException cancelFailure = new IllegalStateException("inner cancel");
    Service<Integer, String> throwingOnCancel =
        request ->
            new Future<>() {
              @Override
              public io.kyoto.runtime.Poll<String> poll(io.kyoto.runtime.Context cx) {
                return io.kyoto.runtime.Poll.pending();
              }

              @Override
              public void cancel() {
                throw cancelFailure;
              }
            };
    try (Runtime rt = paused()) {
      int[] polls = {0};
      rt.blockOn(
          Futures.lazy(
              () -> {
                Future<String> response =
                    new Timeout<>(throwingOnCancel, Duration.ofHours(1)).call(1);
                Future<Void> twoHours = Time.sleep(Duration.ofHours(2));
                return cx -> {
                  if (polls[0]++ == 0) {
                    assertTrue(response.poll(cx).isPending());
                    assertThrows(IllegalStateException.class, response::cancel);
                  }
                  return twoHours.poll(cx);
                };
              }));
      assertEquals(2, polls[0], "woken by the cancelled response's timer");
    }
  }

  @Test
  void expiryKeepsItsServiceTimeoutExceptionWhenTheInnerCancelThrows() throws Exception {
    // Retry policies and callers look for ServiceTimeoutException: the inner response's failing
    // cancel() is suppressed into it, as for any failure that drops a future.
    IllegalStateException cancelFailure = new IllegalStateException("inner cancel");
    Service<Integer, String> throwingOnCancel =
        request ->
            new Future<>() {
              @Override
              public io.kyoto.runtime.Poll<String> poll(io.kyoto.runtime.Context cx) {
                return io.kyoto.runtime.Poll.pending();
              }

              @Override
              public void cancel() {
                throw cancelFailure;
              }
            };
    try (Runtime rt = paused()) {
      Exception e =
          assertThrows(
              Exception.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> new Timeout<>(throwingOnCancel, Duration.ofSeconds(1)).call(1))));
      assertEquals(ServiceTimeoutException.class, e.getClass(), e.toString());
      assertEquals(java.util.List.of(cancelFailure), java.util.List.of(e.getSuppressed()));
    }
  }
}
