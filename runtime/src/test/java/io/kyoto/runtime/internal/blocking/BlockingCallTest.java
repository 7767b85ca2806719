package io.kyoto.runtime.internal.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.IoTestSupport.CountingWaker;
import io.kyoto.runtime.io.IoTestSupport.HeldBlockingThread;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BlockingCall}: the future behind the {@code Fs} calls, file opening and process start. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingCallTest {
  /**
   * A cancelled call whose job has started lets the job run to its end, as tokio's {@code
   * spawn_blocking}, and takes back its waker: that end wakes nobody.
   */
  @Test
  void aCancelledCallLetsItsRunningJobEndAndLeavesItNoWaker() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    try (HeldBlockingThread pool = new HeldBlockingThread()) {
      CountingWaker cancelled = new CountingWaker();
      cancelled.pollPendingThenCancel(
          pool.runtime(),
          () -> {
            BlockingCall<Integer> call =
                new BlockingCall<>(
                    "test",
                    () -> {
                      started.countDown();
                      release.await();
                      ended.set(true);
                      return 1;
                    });
            return new Future<Integer>() {
              @Override
              public Poll<Integer> poll(Context cx) throws Exception {
                Poll<Integer> p = call.poll(cx);
                // Cancel only once the job runs: a job aborted before it starts never runs.
                assertTrue(started.await(10, TimeUnit.SECONDS), "the job started");
                return p;
              }

              @Override
              public void cancel() {
                call.cancel();
              }
            };
          });
      release.countDown();
      pool.releaseAndDrain(); // the job ran on the only blocking thread: it has ended by now
      assertTrue(ended.get(), "the cancelled call's job ran to its end");
      assertEquals(0, cancelled.wakes(), "the cancelled call's task was woken");
    }
  }

  private static Runtime oneWorker() {
    return Runtime.builder().multiThread().workerThreads(1).enableAll().build();
  }

  /**
   * A call cancelled while its job runs hands the job's result, once it comes, to the orphan
   * callback: nobody else will ever see it (a process {@code Command.status()} started with {@code
   * killOnDrop}, killed there).
   */
  @Test
  void aResultThatArrivesAfterTheCancelGoesToTheOrphanCallback() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch orphanCalled = new CountDownLatch(1);
    AtomicReference<Integer> orphan = new AtomicReference<>();
    try (Runtime rt = oneWorker()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                BlockingCall<Integer> call =
                    new BlockingCall<>(
                        "test",
                        () -> {
                          started.countDown();
                          release.await();
                          return 7;
                        },
                        v -> {
                          orphan.set(v);
                          orphanCalled.countDown();
                        });
                assertTrue(call.poll(new Context(() -> {})).isPending());
                assertTrue(started.await(10, TimeUnit.SECONDS), "the job started");
                call.cancel();
                call.cancel(); // idempotent
                return Futures.ready(null);
              }));
      assertNull(orphan.get(), "not before the job's end");
      release.countDown();
      assertTrue(orphanCalled.await(10, TimeUnit.SECONDS), "the orphan callback ran");
      assertEquals(7, orphan.get());
    }
  }

  /** A result the job produced and the caller never took is the cancel's to hand over. */
  @Test
  void aResultReadyButNotTakenWhenTheCallIsCancelledGoesToTheOrphanCallback() throws Exception {
    List<Integer> orphans = new CopyOnWriteArrayList<>();
    try (Runtime rt = oneWorker()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                CountDownLatch go = new CountDownLatch(1);
                CountDownLatch ended = new CountDownLatch(1);
                BlockingCall<Integer> call =
                    new BlockingCall<>(
                        "test",
                        () -> {
                          go.await(); // so that the first poll finds it running
                          return 8;
                        },
                        orphans::add);
                assertTrue(call.poll(new Context(ended::countDown)).isPending());
                go.countDown();
                // The job's end wakes the caller, after the job recorded its result.
                assertTrue(ended.await(10, TimeUnit.SECONDS), "the job ended");
                call.cancel();
                call.cancel();
                return Futures.ready(null);
              }));
      assertEquals(List.of(8), orphans, "handed over once, by the cancel");
    }
  }

  /** A result the caller took is the caller's: a later cancel hands nothing over. */
  @Test
  void aDeliveredResultIsNeverAnOrphan() throws Exception {
    List<Integer> orphans = new CopyOnWriteArrayList<>();
    try (Runtime rt = oneWorker()) {
      int v =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    BlockingCall<Integer> call = new BlockingCall<>("test", () -> 9, orphans::add);
                    return new Future<Integer>() {
                      @Override
                      public Poll<Integer> poll(Context cx) throws Exception {
                        Poll<Integer> p = call.poll(cx);
                        if (p.isReady()) {
                          call.cancel(); // after completion: nothing to do
                        }
                        return p;
                      }
                    };
                  }));
      assertEquals(9, v);
      assertEquals(List.of(), orphans);
    }
  }
}
