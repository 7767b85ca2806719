package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Retry}: retries as the policy says, within the budget, only clonable requests. */
class RetryTest {
  private static final long MS = 1_000_000;

  private static Runtime paused() {
    return Runtime.builder().currentThread().enableTime().startPaused(true).build();
  }

  /** Retries failures up to {@code max} times, after an optional backoff. */
  private static final class Attempts implements RetryPolicy<Integer, String> {
    private final int max;
    private final boolean clonable;
    private final Backoff backoff;
    private int retries; // per call: forCall returns a fresh copy

    Attempts(int max, boolean clonable, Backoff backoff) {
      this.max = max;
      this.clonable = clonable;
      this.backoff = backoff;
    }

    @Override
    public Future<Void> retry(Integer request, String result, Exception error) {
      if (error == null || retries == max) {
        return null;
      }
      int attempt = retries++;
      return backoff == null ? Futures.ready(null) : backoff.sleep(attempt);
    }

    @Override
    public Integer cloneRequest(Integer request) {
      return clonable ? request : null;
    }

    @Override
    public RetryPolicy<Integer, String> forCall(Integer request) {
      return new Attempts(max, clonable, backoff);
    }
  }

  /** A service that fails its first {@code failures} calls (overall), then answers. */
  private static ManualService failingFirst(int failures) {
    AtomicInteger calls = new AtomicInteger();
    return ManualService.responding(
        n -> {
          int k = calls.incrementAndGet();
          return k <= failures
              ? Futures.failed(new IOException("failure #" + k))
              : Futures.ready("ok" + n);
        });
  }

  private static <T> T run(Future<T> future) throws Exception {
    try (Runtime rt = paused()) {
      return rt.blockOn(future);
    }
  }

  @Test
  void retriesUntilSuccessWithinThePolicy() throws Exception {
    ManualService inner = failingFirst(2);
    Service<Integer, String> svc = new Retry<>(inner, new Attempts(3, true, null), null);
    assertEquals("ok7", run(Futures.lazy(() -> svc.oneshot(7))));
    assertEquals(List.of(7, 7, 7), inner.shared.requests());
    assertEquals(3, inner.shared.pollReadyCount.get(), "readiness is polled before each retry");
  }

  @Test
  void stopsAfterThePolicysRetriesWithTheLastError() throws Exception {
    ManualService inner = failingFirst(Integer.MAX_VALUE);
    Service<Integer, String> svc = new Retry<>(inner, new Attempts(3, true, null), null);
    IOException e = assertThrows(IOException.class, () -> run(Futures.lazy(() -> svc.oneshot(1))));
    assertEquals("failure #4", e.getMessage());
    assertEquals(4, inner.shared.callCount());
  }

  @Test
  void aRequestThatCannotBeClonedIsNotRetried() throws Exception {
    ManualService inner = failingFirst(1);
    Service<Integer, String> svc = new Retry<>(inner, new Attempts(3, false, null), null);
    IOException e = assertThrows(IOException.class, () -> run(Futures.lazy(() -> svc.oneshot(1))));
    assertEquals("failure #1", e.getMessage());
    assertEquals(1, inner.shared.callCount());
  }

  @Test
  void aRetryTheBudgetRefusesKeepsTheFailureWhenCancellingTheBackoffThrows() throws Exception {
    // The policy asks for a retry after a backoff, the budget (empty) refuses: the backoff is
    // dropped, and the attempt's failure stays the outcome, with the cancel's exception suppressed.
    IllegalStateException cancelFailure = new IllegalStateException("backoff cancel failed");
    RetryPolicy<Integer, String> policy =
        new RetryPolicy<>() {
          @Override
          public Future<Void> retry(Integer request, String result, Exception error) {
            return new Future<>() {
              @Override
              public io.kyoto.runtime.Poll<Void> poll(io.kyoto.runtime.Context cx) {
                return io.kyoto.runtime.Poll.pending();
              }

              @Override
              public void cancel() {
                throw cancelFailure;
              }
            };
          }

          @Override
          public Integer cloneRequest(Integer request) {
            return request;
          }
        };
    ManualService inner = failingFirst(Integer.MAX_VALUE);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                run(
                    Futures.lazy(
                        () ->
                            new Retry<>(
                                    inner,
                                    policy,
                                    RetryBudget.create(Duration.ofSeconds(1), 0, 0.5))
                                .oneshot(1))));
    assertEquals("failure #1", e.getMessage(), e.toString());
    assertEquals(List.of(cancelFailure), List.of(e.getSuppressed()));
  }

  @Test
  void theBudgetCapsRetries() throws Exception {
    ManualService inner = failingFirst(Integer.MAX_VALUE);
    // each call deposits 1 unit; a retry costs 1 / 0.5 = 2 units; no reserve
    List<Integer> attemptsPerCall = new ArrayList<>();
    run(
        Futures.lazy(
            () -> {
              RetryBudget budget = RetryBudget.create(Duration.ofSeconds(1), 0, 0.5);
              Service<Integer, String> svc =
                  new Retry<>(inner, new Attempts(100, true, null), budget);
              Future<Void> calls = Futures.ready(null);
              for (int i = 0; i < 4; i++) {
                calls =
                    calls.flatMap(
                        v -> {
                          int before = inner.shared.callCount();
                          return svc.oneshot(0)
                              .handle(
                                  (r, e) -> {
                                    attemptsPerCall.add(inner.shared.callCount() - before);
                                    return null;
                                  });
                        });
              }
              return calls;
            }));
    // call 1: balance 1 < 2, no retry; call 2: balance 2, one retry; and so on
    assertEquals(List.of(1, 2, 1, 2), attemptsPerCall);
  }

  @Test
  void backoffDelaysEachRetry() throws Exception {
    ManualService inner = failingFirst(3);
    List<Long> callTimes = Collections.synchronizedList(new ArrayList<>());
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0);
    String r =
        run(
            Futures.lazy(
                () -> {
                  long start = Time.now();
                  Service<Integer, String> recording =
                      inner.mapRequest(
                          n -> {
                            callTimes.add((Time.now() - start) / MS);
                            return n;
                          });
                  return new Retry<>(recording, new Attempts(5, true, backoff), null).oneshot(1);
                }));
    assertEquals("ok1", r);
    assertEquals(List.of(0L, 100L, 300L, 700L), callTimes);
  }

  @Test
  void aRetryWaitsForTheInnerServiceToBeReadyAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Long> callTimes = Collections.synchronizedList(new ArrayList<>());
    long[] start = new long[1];
    ManualService inner =
        ManualService.responding(
            n -> {
              callTimes.add((Time.now() - start[0]) / MS);
              if (n == 1 && calls.incrementAndGet() == 1) {
                return Futures.failed(new IOException("first attempt fails"));
              }
              return Time.sleep(Duration.ofMillis(50)).map(v -> "ok" + n);
            });
    Backoff tenMs = Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(10), 0);
    List<String> results =
        run(
            Futures.lazy(
                () -> {
                  start[0] = Time.now();
                  Service<Integer, String> limited = new ConcurrencyLimit<>(inner, 1);
                  Service<Integer, String> svc =
                      new Retry<>(limited, new Attempts(1, true, tenMs), null);
                  Service<Integer, String> other = svc.newHandle();
                  Future<String> retried = svc.oneshot(1);
                  // another caller takes the only permit at 5 ms and holds it for 50 ms
                  Future<String> blocker =
                      Time.sleep(Duration.ofMillis(5)).flatMap(v -> other.oneshot(2));
                  return Futures.join(List.of(retried, blocker));
                }));
    assertEquals(List.of("ok1", "ok2"), results);
    assertEquals(List.of(0L, 5L, 55L), callTimes, "the retry waited for the permit");
  }

  @Test
  void theReadyMadePolicyRetriesMatchingFailuresOnly() throws Exception {
    ManualService inner = failingFirst(2);
    RetryPolicy<Integer, String> policy =
        RetryPolicy.onFailure(5, null, e -> e.getMessage().equals("failure #1"));
    Service<Integer, String> svc = new Retry<>(inner, policy, null);
    IOException e = assertThrows(IOException.class, () -> run(Futures.lazy(() -> svc.oneshot(1))));
    assertEquals("failure #2", e.getMessage(), "the second failure does not match: no retry");
    assertEquals(2, inner.shared.callCount());

    ManualService flaky = failingFirst(3);
    Service<Integer, String> patient =
        ServiceBuilder.<Integer, String>start()
            .retry(RetryPolicy.onFailure(3, null, x -> true), RetryBudget.defaults())
            .service(flaky);
    assertEquals("ok9", run(Futures.lazy(() -> patient.oneshot(9))));
    assertEquals(4, flaky.shared.callCount());
  }
}
