package io.kyoto.runtime.internal.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.IoTestSupport.CountingWaker;
import io.kyoto.runtime.io.IoTestSupport.HeldBlockingThread;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
}
