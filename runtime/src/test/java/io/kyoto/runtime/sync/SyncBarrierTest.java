package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Barrier} against tokio's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncBarrierTest {

  @Test
  void theNthArrivalReleasesEveryoneAndIsTheOnlyLeader() throws Exception {
    Barrier barrier = new Barrier(3);
    assertEquals(3, barrier.parties());
    HandPolled<BarrierWaitResult> a = HandPolled.of(barrier.await());
    HandPolled<BarrierWaitResult> b = HandPolled.of(barrier.await());
    a.pending();
    b.pending();
    BarrierWaitResult c = HandPolled.of(barrier.await()).ready();
    assertTrue(c.isLeader());
    assertTrue(a.isWoken());
    assertTrue(b.isWoken());
    assertFalse(a.ready().isLeader());
    assertFalse(b.ready().isLeader());
  }

  @Test
  void theBarrierIsReusedGenerationAfterGeneration() throws Exception {
    Barrier barrier = new Barrier(2);
    for (int generation = 0; generation < 5; generation++) {
      HandPolled<BarrierWaitResult> first = HandPolled.of(barrier.await());
      first.pending();
      HandPolled<BarrierWaitResult> early = HandPolled.of(barrier.await());
      assertTrue(early.ready().isLeader());
      assertFalse(first.ready().isLeader());
    }
  }

  @Test
  void aBarrierOfZeroOrOneReleasesEveryCallerAsLeader() throws Exception {
    assertTrue(HandPolled.of(new Barrier(0).await()).ready().isLeader());
    Barrier one = new Barrier(1);
    assertTrue(HandPolled.of(one.await()).ready().isLeader());
    assertTrue(HandPolled.of(one.await()).ready().isLeader());
    assertThrows(IllegalArgumentException.class, () -> new Barrier(-1));
  }

  @Test
  void cancellingAWaiterWithdrawsItsArrival() throws Exception {
    Barrier barrier = new Barrier(2);
    HandPolled<BarrierWaitResult> a = HandPolled.of(barrier.await());
    a.pending();
    a.cancel();
    HandPolled<BarrierWaitResult> b = HandPolled.of(barrier.await());
    b.pending(); // the cancelled arrival does not count
    assertTrue(HandPolled.of(barrier.await()).ready().isLeader());
    assertFalse(b.ready().isLeader());
  }

  @Test
  void arrivalHappensAtTheFirstPollNotAtCreation() throws Exception {
    Barrier barrier = new Barrier(2);
    Future<BarrierWaitResult> created = barrier.await();
    HandPolled<BarrierWaitResult> a = HandPolled.of(barrier.await());
    a.pending();
    HandPolled<BarrierWaitResult> c = HandPolled.of(created);
    assertTrue(c.ready().isLeader());
    assertFalse(a.ready().isLeader());
  }

  @Test
  void exactlyOneLeaderPerGenerationOnAMultiThreadRuntime() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(4).build()) {
      int parties = 5;
      int generations = 200;
      Barrier barrier = new Barrier(parties);
      AtomicInteger leaders = new AtomicInteger();
      ConcurrentHashMap<Integer, AtomicInteger> perRound = new ConcurrentHashMap<>();
      List<Future<? extends Void>> tasks = new ArrayList<>();
      for (int t = 0; t < parties; t++) {
        tasks.add(
            rt.spawn(
                Futures.loop(
                    0,
                    round ->
                        round == generations
                            ? Futures.ready(Futures.Step.<Integer, Void>done(null))
                            : barrier
                                .await()
                                .map(
                                    r -> {
                                      if (r.isLeader()) {
                                        leaders.incrementAndGet();
                                        perRound
                                            .computeIfAbsent(round, k -> new AtomicInteger())
                                            .incrementAndGet();
                                      }
                                      return Futures.Step.next(round + 1);
                                    }))));
      }
      rt.blockOn(Futures.join(tasks));
      assertEquals(generations, leaders.get());
      assertEquals(generations, perRound.size());
      perRound.values().forEach(count -> assertEquals(1, count.get()));
    }
  }
}
