package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.sync.Broadcast;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bridges into Kyoto futures and streams: CompletionStage, and a broadcast receiver's stream. */
class BridgesTest {
  @Test
  void aCompletionStageCompletedOnAnotherThreadWakesTheTask() throws Exception {
    ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      CompletableFuture<String> later = new CompletableFuture<>();
      pool.schedule(() -> later.complete("done"), 50, TimeUnit.MILLISECONDS);
      assertEquals("done", rt.blockOn(Futures.fromCompletionStage(later)));
      assertEquals(
          "ready",
          rt.blockOn(Futures.fromCompletionStage(CompletableFuture.completedFuture("ready"))));
      CompletableFuture<String> failing =
          CompletableFuture.supplyAsync(
              () -> {
                throw new IllegalStateException("boom");
              },
              pool);
      Exception e =
          assertThrows(Exception.class, () -> rt.blockOn(Futures.fromCompletionStage(failing)));
      assertInstanceOf(IllegalStateException.class, e, "unwrapped from CompletionException");
      CompletableFuture<String> never = new CompletableFuture<>();
      Exception timeout =
          assertThrows(
              Exception.class,
              () ->
                  rt.blockOn(
                      Time.timeout(Duration.ofMillis(20), Futures.fromCompletionStage(never))));
      assertInstanceOf(java.util.concurrent.TimeoutException.class, timeout);
      assertTrue(never.isCancelled(), "cancelling the future cancels the stage");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCheckedFailureArrivesAsItself() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      CompletableFuture<String> failed = CompletableFuture.failedFuture(new IOException("io"));
      Exception e =
          assertThrows(Exception.class, () -> rt.blockOn(Futures.fromCompletionStage(failed)));
      assertInstanceOf(IOException.class, e);
    }
  }

  @Test
  void aBroadcastStreamSkipsLagsAndEndsWhenClosed() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      Broadcast.Channel<Integer> ch = Broadcast.channel(2);
      for (int i = 1; i <= 5; i++) ch.tx().send(i); // capacity 2: values 1..3 are overwritten
      ch.tx().close();
      List<Long> lags = new ArrayList<>();
      List<Integer> got = rt.blockOn(ch.rx().stream(lags::add).toList());
      assertEquals(List.of(4, 5), got);
      assertEquals(List.of(3L), lags);
    }
  }
}
