package io.kyoto.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Buffer}: a worker task owns the service; handles queue requests to it. */
@Timeout(30)
class BufferTest {
  private static final long MS = 1_000_000;

  private static Runtime paused() {
    return Runtime.builder().currentThread().enableTime().startPaused(true).build();
  }

  @Test
  void manyConcurrentHandlesGetTheirOwnResponsesWithoutSerialization() throws Exception {
    ManualService inner =
        ManualService.responding(n -> Time.sleep(Duration.ofMillis(100)).map(v -> "r" + n));
    long[] elapsed = new long[1];
    List<String> results;
    try (Runtime rt = paused()) {
      results =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long start = Time.now();
                    Buffer<Integer, String> buffer = new Buffer<>(inner, 4);
                    List<Future<String>> tasks = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                      tasks.add(Task.spawn(buffer.newHandle().oneshot(i)));
                    }
                    return Futures.join(tasks).inspect(r -> elapsed[0] = Time.now() - start);
                  }));
    }
    assertEquals(IntStream.range(0, 50).mapToObj(i -> "r" + i).toList(), results);
    assertEquals(50, inner.shared.callCount());
    assertEquals(50, inner.shared.maxInFlight.get(), "the worker does not wait for responses");
    assertEquals(100 * MS, elapsed[0], "the 100 ms responses ran concurrently");
  }

  @Test
  void manyHandlesOnAMultiThreadRuntime() throws Exception {
    ManualService inner = ManualService.responding(n -> Task.yieldNow().map(v -> "r" + n));
    List<String> results;
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      results =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Buffer<Integer, String> buffer = new Buffer<>(inner, 8);
                    List<Future<String>> tasks = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                      tasks.add(Task.spawn(buffer.newHandle().oneshot(i)));
                    }
                    return Futures.join(tasks);
                  }));
    }
    assertEquals(IntStream.range(0, 500).mapToObj(i -> "r" + i).toList(), results);
    assertEquals(500, inner.shared.callCount());
  }

  @Test
  void aFailedWorkerFailsEveryHandleWithTheSameError() throws Exception {
    ManualService inner = new ManualService();
    inner.shared.setReady(false);
    IOException cause = new IOException("backend down");
    try (Runtime rt = paused()) {
      List<Exception> errors =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Buffer<Integer, String> buffer = new Buffer<>(inner, 3);
                    List<Future<Exception>> outcomes = new ArrayList<>();
                    for (int i = 0; i < 4; i++) { // the 4th waits for a slot
                      outcomes.add(buffer.newHandle().oneshot(i).handle((v, e) -> e));
                    }
                    outcomes.add(
                        Time.sleep(Duration.ofMillis(10))
                            .map(
                                v -> {
                                  assertEquals(0, inner.shared.callCount());
                                  inner.shared.failReadiness(cause);
                                  return null;
                                }));
                    return Futures.join(outcomes)
                        .map(
                            all -> {
                              List<Exception> list = new ArrayList<>(all.subList(0, 4));
                              Service<Integer, String> late = buffer.newHandle();
                              list.add(
                                  assertThrows(
                                      Exception.class, () -> Polled.readiness(late).poll()));
                              assertTrue(buffer.isClosed());
                              return list;
                            });
                  }));
      ServiceClosedException first = assertInstanceOf(ServiceClosedException.class, errors.get(0));
      assertSame(cause, first.getCause());
      for (Exception e : errors) {
        assertSame(first, e, "every handle, queued, waiting or later, sees the shared error");
      }
    }
    assertEquals(0, inner.shared.callCount());
  }

  @Test
  void anErrorFromTheInnerServiceFailsEveryHandleInsteadOfStrandingThem() throws Exception {
    // An Error (an assertion, a linkage error) thrown by the inner call or readiness killed the
    // worker without setting the shared error: queued and waiting callers hung forever.
    AssertionError boom = new AssertionError("bug in the service");
    for (boolean inReadiness : new boolean[] {false, true}) {
      Service<Integer, String> inner =
          new Service<>() {
            @Override
            public io.kyoto.runtime.Poll<Void> pollReady(io.kyoto.runtime.Context cx) {
              if (inReadiness) throw boom;
              return io.kyoto.runtime.Poll.ready(null);
            }

            @Override
            public Future<String> call(Integer request) {
              throw boom;
            }
          };
      try (Runtime rt = paused()) {
        List<Exception> errors =
            rt.blockOn(
                Futures.lazy(
                    () -> {
                      Buffer<Integer, String> buffer = new Buffer<>(inner, 2);
                      List<Future<Exception>> outcomes = new ArrayList<>();
                      for (int i = 0; i < 3; i++) { // the 3rd waits for a slot
                        outcomes.add(buffer.newHandle().oneshot(i).handle((v, e) -> e));
                      }
                      return Time.timeout(Duration.ofSeconds(5), Futures.join(outcomes));
                    }));
        for (Exception e : errors) {
          ServiceClosedException closed = assertInstanceOf(ServiceClosedException.class, e);
          assertSame(boom, closed.getCause());
        }
      }
    }
  }

  @Test
  void theBoundAppliesBackpressure() throws Exception {
    ManualService inner = ManualService.responding(n -> Futures.ready("r" + n));
    inner.shared.setReady(false);
    AtomicInteger accepted = new AtomicInteger();
    int[] acceptedWhileStuck = new int[1];
    List<String> results;
    try (Runtime rt = paused()) {
      results =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Buffer<Integer, String> buffer = new Buffer<>(inner, 2);
                    List<Future<String>> calls = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                      Service<Integer, String> h = buffer.newHandle();
                      int n = i;
                      calls.add(
                          Task.spawn(
                              h.ready()
                                  .flatMap(
                                      v -> {
                                        accepted.incrementAndGet();
                                        return h.call(n);
                                      })));
                    }
                    Future<String> opener =
                        Time.sleep(Duration.ofMillis(10))
                            .map(
                                v -> {
                                  acceptedWhileStuck[0] = accepted.get();
                                  inner.shared.setReady(true);
                                  return "opened";
                                });
                    calls.add(opener);
                    return Futures.join(calls);
                  }));
    }
    assertEquals(2, acceptedWhileStuck[0], "only `bound` callers get past readiness");
    assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "opened"), results);
    assertEquals(5, accepted.get());
  }

  @Test
  void aResponseCancelledBeforeDispatchIsSkipped() throws Exception {
    ManualService inner = ManualService.responding(n -> Futures.ready("r" + n));
    inner.shared.setReady(false);
    try (Runtime rt = paused()) {
      String r =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Buffer<Integer, String> buffer = new Buffer<>(inner, 4);
                    Polled.readiness(buffer).ready();
                    Future<String> first = buffer.call(1);
                    Future<String> second = buffer.newHandle().oneshot(2);
                    Future<String> cancelAndOpen =
                        Time.sleep(Duration.ofMillis(10))
                            .map(
                                v -> {
                                  first.cancel();
                                  inner.shared.setReady(true);
                                  return "";
                                });
                    return Futures.join(cancelAndOpen, second, (a, b) -> b);
                  }));
      assertEquals("r2", r);
    }
    assertEquals(List.of(2), inner.shared.requests(), "the cancelled request never reached it");
  }

  @Test
  void aCallerGivingUpDuringDispatchWhoseResponseCancelThrowsDoesNotStopTheWorker()
      throws Exception {
    // The caller of request 1 cancels while the worker is inside the inner call (on a
    // multi-thread runtime, a race; here the inner call does it), so the worker drops the
    // response, whose cancel() throws. That concerns request 1 alone: request 2 is still served.
    List<Future<String>> callers = new ArrayList<>();
    Service<Integer, String> inner =
        request -> {
          if (request == 1) {
            callers.get(0).cancel();
            return new Future<>() {
              @Override
              public io.kyoto.runtime.Poll<String> poll(io.kyoto.runtime.Context cx) {
                return io.kyoto.runtime.Poll.pending();
              }

              @Override
              public void cancel() {
                throw new IllegalStateException("response cancel failed");
              }
            };
          }
          return Futures.ready("r" + request);
        };
    try (Runtime rt = paused()) {
      String r =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Buffer<Integer, String> buffer = new Buffer<>(inner, 4);
                    Polled.readiness(buffer).ready();
                    callers.add(buffer.call(1));
                    return Time.sleep(Duration.ofMillis(10)) // the worker dispatches request 1
                        .flatMap(v -> buffer.newHandle().oneshot(2));
                  }));
      assertEquals("r2", r);
    }
  }

  @Test
  void closeServesQueuedRequestsThenRefusesNewOnes() throws Exception {
    ManualService inner = ManualService.responding(n -> Futures.ready("r" + n));
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                Buffer<Integer, String> buffer = new Buffer<>(inner, 4);
                Polled.readiness(buffer).ready();
                Future<String> queued = buffer.call(1);
                buffer.close();
                assertThrows(
                    ServiceClosedException.class,
                    () -> Polled.readiness(buffer.newHandle()).poll());
                return queued.map(
                    r -> {
                      assertEquals("r1", r);
                      assertTrue(buffer.isClosed());
                      return null;
                    });
              }));
    }
    assertEquals(List.of(1), inner.shared.requests());
  }

  @Test
  void mustBeCreatedInsideARuntime() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> new Buffer<>(Service.of(Futures::ready), 1));
    assertTrue(e.getMessage().contains("inside a Kyoto runtime"), e.getMessage());
  }

  @Test
  void shuttingTheRuntimeDownClosesTheBuffer() throws Exception {
    ManualService inner = new ManualService();
    inner.shared.setReady(false);
    Buffer<Integer, String> buffer;
    Service<Integer, String> waiting;
    try (Runtime rt = paused()) {
      buffer = rt.blockOn(Futures.lazy(() -> Futures.ready(new Buffer<>(inner, 1))));
      waiting = buffer.newHandle();
      Polled.readiness(waiting).ready();
    }
    ServiceClosedException e =
        assertThrows(ServiceClosedException.class, () -> Polled.readiness(buffer).poll());
    assertTrue(e.getMessage().contains("aborted"), e.getMessage());
    assertTrue(buffer.isClosed());
    assertThrows(ServiceClosedException.class, () -> Polled.of(waiting.call(1)).poll());
  }
}
