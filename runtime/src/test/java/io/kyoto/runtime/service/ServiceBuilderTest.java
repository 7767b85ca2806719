package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ServiceBuilder}: the first layer added is the outermost. */
class ServiceBuilderTest {

  private static Runtime paused() {
    return Runtime.builder().currentThread().enableTime().startPaused(true).build();
  }

  @Test
  void theFirstLayerAddedSeesTheRequestFirst() throws Exception {
    List<String> seen = new ArrayList<>();
    Service<Integer, String> svc =
        ServiceBuilder.<Integer, String>start()
            .layer(s -> s.mapRequest(n -> record(seen, "outer", n)))
            .layer(s -> s.mapRequest(n -> record(seen, "inner", n)))
            .service(Service.of(n -> Futures.ready("r" + n)));
    try (Runtime rt = paused()) {
      assertEquals("r1", rt.blockOn(svc.oneshot(1)));
    }
    assertEquals(List.of("outer", "inner"), seen);
  }

  private static int record(List<String> seen, String name, int n) {
    seen.add(name);
    return n;
  }

  /** Counts the callers that get past the stack's readiness while the inner service is stuck. */
  private static int[] acceptedAndInFlight(ServiceBuilder<Integer, String> builder)
      throws Exception {
    ManualService inner = new ManualService(); // its responses never complete
    AtomicInteger accepted = new AtomicInteger();
    try (Runtime rt = paused()) {
      return rt.blockOn(
          Futures.lazy(
              () -> {
                Service<Integer, String> svc = builder.service(inner);
                for (int i = 0; i < 200; i++) {
                  Service<Integer, String> h = svc.newHandle();
                  int n = i;
                  Task.spawn(
                      h.ready()
                          .flatMap(
                              v -> {
                                accepted.incrementAndGet();
                                return h.call(n);
                              }));
                }
                return Time.sleep(Duration.ofMillis(10))
                    .map(v -> new int[] {accepted.get(), inner.shared.inFlight.get()});
              }));
    }
  }

  @Test
  void bufferOutsideConcurrencyLimitAcceptsBoundPlusLimit() throws Exception {
    int[] counts =
        acceptedAndInFlight(
            ServiceBuilder.<Integer, String>start().buffer(100).concurrencyLimit(10));
    assertEquals(110, counts[0], "100 queued in the buffer + 10 in flight");
    assertEquals(10, counts[1]);
  }

  @Test
  void concurrencyLimitOutsideBufferAcceptsOnlyTheLimit() throws Exception {
    int[] counts =
        acceptedAndInFlight(
            ServiceBuilder.<Integer, String>start().concurrencyLimit(10).buffer(100));
    assertEquals(10, counts[0]);
    assertEquals(10, counts[1]);
  }

  @Test
  void convenienceMethodsAddTheirMiddleware() throws Exception {
    ManualService inner = new ManualService();
    Service<Integer, String> svc =
        ServiceBuilder.<Integer, String>start()
            .timeout(Duration.ofMillis(50))
            .rateLimit(5, Duration.ofSeconds(1))
            .retry(
                new RetryPolicy<>() {
                  @Override
                  public io.kyoto.runtime.Future<Void> retry(
                      Integer request, String result, Exception error) {
                    return null;
                  }

                  @Override
                  public Integer cloneRequest(Integer request) {
                    return request;
                  }
                })
            .service(inner);
    try (Runtime rt = paused()) {
      assertThrows(ServiceTimeoutException.class, () -> rt.blockOn(svc.oneshot(1)));
    }
    assertEquals(1, inner.shared.cancelled.get());
  }
}
