package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link OnceCell} against tokio's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncOnceCellTest {

  /** A future that is pending until {@code gate} is set, then ready with {@code value}. */
  private static <T> Future<T> gated(AtomicBoolean gate, T value) {
    return cx -> gate.get() ? Poll.ready(value) : Poll.pending();
  }

  @Test
  void setStoresOnceAndGetReadsIt() throws Exception {
    OnceCell<String> cell = new OnceCell<>();
    assertFalse(cell.initialized());
    assertTrue(cell.get().isEmpty());
    cell.set("a");
    assertTrue(cell.initialized());
    assertEquals("a", cell.get().orElseThrow());
    SetException e = assertThrows(SetException.class, () -> cell.set("b"));
    assertTrue(e.isAlreadyInitialized());
    assertEquals("a", HandPolled.of(cell.getOrInit(() -> Futures.ready("c"))).ready());
    assertEquals("x", OnceCell.of("x").get().orElseThrow());
    assertTrue(
        assertThrows(SetException.class, () -> OnceCell.of("x").set("y")).isAlreadyInitialized());
    assertThrows(NullPointerException.class, () -> cell.set(null));
  }

  @Test
  void onlyOneInitializerRunsAndTheOthersWaitForItsValue() throws Exception {
    OnceCell<String> cell = new OnceCell<>();
    AtomicBoolean gate = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    HandPolled<String> a =
        HandPolled.of(
            cell.getOrInit(
                () -> {
                  calls.incrementAndGet();
                  return gated(gate, "first");
                }));
    HandPolled<String> b =
        HandPolled.of(
            cell.getOrInit(
                () -> {
                  calls.incrementAndGet();
                  return Futures.ready("second");
                }));
    a.pending();
    b.pending();
    assertEquals(
        SetException.Reason.INITIALIZING,
        assertThrows(SetException.class, () -> cell.set("x")).reason());
    gate.set(true);
    assertEquals("first", a.ready());
    assertTrue(b.isWoken());
    assertEquals("first", b.ready());
    assertEquals(1, calls.get());
  }

  @Test
  void aFailedInitializerLetsTheNextWaiterTry() throws Exception {
    OnceCell<String> cell = new OnceCell<>();
    IOException boom = new IOException("boom");
    AtomicBoolean fail = new AtomicBoolean();
    HandPolled<String> a =
        HandPolled.of(
            cell.getOrInit(
                () ->
                    cx -> {
                      if (fail.get()) {
                        throw boom;
                      }
                      return Poll.pending();
                    }));
    HandPolled<String> b = HandPolled.of(cell.getOrInit(() -> Futures.ready("b")));
    a.pending();
    b.pending();
    fail.set(true);
    assertSame(boom, assertThrows(IOException.class, a::poll));
    assertFalse(cell.initialized());
    assertTrue(b.isWoken());
    assertEquals("b", b.ready());
    assertEquals("b", cell.get().orElseThrow());
  }

  @Test
  void aThrowingOrNullInitializerLeavesTheCellEmpty() throws Exception {
    OnceCell<String> cell = new OnceCell<>();
    assertThrows(
        IllegalStateException.class,
        () ->
            HandPolled.of(
                    cell.getOrInit(
                        () -> {
                          throw new IllegalStateException("no");
                        }))
                .poll());
    assertThrows(
        NullPointerException.class,
        () -> HandPolled.of(cell.getOrInit(() -> Futures.<String>ready(null))).poll());
    assertFalse(cell.initialized());
    cell.set("ok"); // the permit came back each time
    assertEquals("ok", cell.get().orElseThrow());
  }

  @Test
  void aCancelledInitializerIsCancelledAndTheNextWaiterTries() throws Exception {
    OnceCell<String> cell = new OnceCell<>();
    AtomicInteger cancels = new AtomicInteger();
    HandPolled<String> a =
        HandPolled.of(
            cell.getOrInit(
                () ->
                    new Future<String>() {
                      @Override
                      public Poll<String> poll(io.kyoto.runtime.Context cx) {
                        return Poll.pending();
                      }

                      @Override
                      public void cancel() {
                        cancels.incrementAndGet();
                      }
                    }));
    HandPolled<String> b = HandPolled.of(cell.getOrInit(() -> Futures.ready("b")));
    a.pending();
    b.pending();
    a.cancel();
    assertEquals(1, cancels.get());
    assertTrue(b.isWoken());
    assertEquals("b", b.ready());
  }

  @Test
  void initializesOnceUnderContentionOnAMultiThreadRuntime() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      OnceCell<Integer> cell = new OnceCell<>();
      AtomicInteger calls = new AtomicInteger();
      List<Future<? extends Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        tasks.add(
            rt.spawn(
                cell.getOrInit(
                    () ->
                        // Suspend a few times so the other tasks pile up behind the initializer.
                        Task.yieldNow()
                            .flatMap(v -> Task.yieldNow())
                            .flatMap(v -> Task.yieldNow())
                            .map(v -> calls.incrementAndGet() * 1000))));
      }
      List<Integer> values = rt.blockOn(Futures.join(tasks));
      assertEquals(1, calls.get());
      values.forEach(v -> assertEquals(1000, v));
    }
  }
}
