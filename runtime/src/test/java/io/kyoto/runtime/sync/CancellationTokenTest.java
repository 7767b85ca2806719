package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link CancellationToken} against tokio-util's documented semantics. */
// A hang fails the test instead of the build: the body runs on a thread that can be abandoned.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationTokenTest {

  @Test
  void cancelCompletesWaitingAndLaterCancelledFutures() throws Exception {
    CancellationToken token = new CancellationToken();
    assertFalse(token.isCancelled());
    HandPolled<Void> a = HandPolled.of(token.cancelled());
    HandPolled<Void> b = HandPolled.of(token.cancelled());
    a.pending();
    b.pending();
    token.cancel();
    assertTrue(token.isCancelled());
    assertTrue(a.isWoken());
    assertTrue(b.isWoken());
    a.ready();
    b.ready();
    HandPolled.of(token.cancelled()).ready();
    token.cancel(); // idempotent
  }

  @Test
  void cancellingAParentCancelsTheWholeSubtreeButNotTheOtherWay() throws Exception {
    CancellationToken root = new CancellationToken();
    CancellationToken child = root.childToken();
    CancellationToken sibling = root.childToken();
    CancellationToken grandchild = child.childToken();
    HandPolled<Void> waiting = HandPolled.of(grandchild.cancelled());
    waiting.pending();

    CancellationToken other = sibling.childToken();
    sibling.cancel();
    assertTrue(other.isCancelled());
    assertFalse(root.isCancelled(), "a child never cancels its parent");
    assertFalse(child.isCancelled(), "nor its siblings");

    root.cancel();
    assertTrue(child.isCancelled());
    assertTrue(grandchild.isCancelled(), "cancelled by the time cancel() returned");
    assertTrue(waiting.isWoken());
    waiting.ready();
  }

  @Test
  void aChildOfACancelledTokenStartsCancelled() throws Exception {
    CancellationToken token = new CancellationToken();
    token.cancel();
    CancellationToken child = token.childToken();
    assertTrue(child.isCancelled());
    HandPolled.of(child.cancelled()).ready();
  }

  @Test
  void aCancelledChildLeavesItsParentAndCollectedChildrenArePruned() throws Exception {
    CancellationToken root = new CancellationToken();
    CancellationToken kept = root.childToken();
    root.childToken().cancel();
    assertEquals(1, root.childCount(), "a cancelled child left its parent");

    WeakReference<CancellationToken> dropped = new WeakReference<>(root.childToken());
    for (int i = 0; i < 100 && dropped.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertNull(dropped.get(), "the parent does not keep an unreferenced child alive");
    for (int i = 0; i < 100; i++) {
      root.childToken(); // adding children prunes the collected entries
    }
    for (int i = 0; i < 100 && root.childCount() > 50; i++) {
      System.gc();
      Thread.sleep(10);
      root.childToken();
    }
    assertTrue(root.childCount() <= 50, "collected children were pruned: " + root.childCount());
    root.cancel();
    assertTrue(kept.isCancelled(), "a child that is still referenced is still cancelled");
  }

  @Test
  void cancelledFutureCancellationRemovesTheRegistration() throws Exception {
    CancellationToken token = new CancellationToken();
    HandPolled<Void> a = HandPolled.of(token.cancelled());
    a.pending();
    assertEquals(1, token.waiterCount());
    a.cancel();
    assertEquals(0, token.waiterCount());
    token.cancel();
    assertFalse(a.isWoken());
  }

  @Test
  void runUntilCancelledYieldsTheValueOrEmptyAndCancelsTheWork() throws Exception {
    CancellationToken token = new CancellationToken();
    assertEquals(Optional.of(5), HandPolled.of(token.runUntilCancelled(Futures.ready(5))).ready());

    AtomicInteger cancels = new AtomicInteger();
    Future<Integer> forever =
        new Future<>() {
          @Override
          public Poll<Integer> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            cancels.incrementAndGet();
          }
        };
    HandPolled<Optional<Integer>> run = HandPolled.of(token.runUntilCancelled(forever));
    run.pending();
    token.cancel();
    assertTrue(run.isWoken());
    assertEquals(Optional.empty(), run.ready());
    assertEquals(1, cancels.get(), "the work was cancelled");

    AtomicBoolean started = new AtomicBoolean();
    Future<Integer> neverStarted =
        cx -> {
          started.set(true);
          return Poll.ready(1);
        };
    assertEquals(Optional.empty(), HandPolled.of(token.runUntilCancelled(neverStarted)).ready());
    assertFalse(started.get(), "a cancelled token wins a tie: the work is not polled");
  }

  @Test
  void dropGuardCancelsOnCloseUnlessDisarmed() {
    CancellationToken token = new CancellationToken();
    try (DropGuard guard = token.dropGuard()) {
      assertFalse(token.isCancelled());
      assertFalse(guard.toString().isEmpty());
    }
    assertTrue(token.isCancelled());

    CancellationToken kept = new CancellationToken();
    DropGuard guard = kept.dropGuard();
    assertSame(kept, guard.disarm());
    guard.close();
    assertFalse(kept.isCancelled());
    assertThrows(IllegalStateException.class, guard::disarm);
  }

  @Test
  void cancelRacingWithChildTokenLeavesNoChildUncancelled() throws Exception {
    for (int round = 0; round < 50; round++) {
      CancellationToken root = new CancellationToken();
      List<CancellationToken> children = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      Thread maker =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 0; i < 200; i++) {
                      children.add(root.childToken().childToken());
                    }
                  });
      start.countDown();
      root.cancel();
      maker.join();
      for (CancellationToken c : children) {
        assertTrue(c.isCancelled());
      }
    }
  }

  @Test
  void tasksWaitingOnChildTokensAllFinishWhenTheRootIsCancelled() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      CancellationToken root = new CancellationToken();
      AtomicInteger stopped = new AtomicInteger();
      List<Future<? extends Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        CancellationToken child = root.childToken().childToken();
        tasks.add(rt.spawn(child.cancelled().inspect(v -> stopped.incrementAndGet())));
      }
      root.cancel();
      rt.blockOn(Futures.join(tasks));
      assertEquals(100, stopped.get());
    }
  }

  /**
   * Registers a {@code cancelled()} future of {@code token} whose waker, when the token's cancel
   * runs it, signals {@code inWaker} and blocks until {@code release}: it holds a cancelling thread
   * in the middle of its walk of the tree.
   */
  private static void blockCancellerInWaker(
      CancellationToken token, CountDownLatch inWaker, CountDownLatch release) throws Exception {
    Future<Void> f = token.cancelled();
    Context cx =
        new Context(
            () -> {
              inWaker.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertTrue(f.poll(cx).isPending());
  }

  @Test
  void aCancelThatLosesTheRaceStillReturnsOnlyOnceEveryChildIsCancelled() throws Exception {
    // tokio-util: "all children are cancelled when cancel returns", for every caller.
    CancellationToken root = new CancellationToken();
    CancellationToken child = root.childToken();
    CountDownLatch inWaker = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    blockCancellerInWaker(root, inWaker, release);
    Thread first = Thread.ofPlatform().start(root::cancel);
    try {
      inWaker.await(); // the first cancel marked root cancelled and is now waking its waiters
      root.cancel();
      assertTrue(child.isCancelled(), "cancel() returned with a child not yet cancelled");
    } finally {
      release.countDown();
      first.join();
    }
    assertTrue(child.isCancelled());
  }

  @Test
  void cancellingAnAncestorReturnsOnlyOnceADescendantThatAnotherThreadIsCancellingIsDone()
      throws Exception {
    CancellationToken root = new CancellationToken();
    CancellationToken child = root.childToken();
    CancellationToken grandchild = child.childToken();
    CountDownLatch inWaker = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    blockCancellerInWaker(child, inWaker, release);
    Thread other = Thread.ofPlatform().start(child::cancel);
    try {
      inWaker.await(); // the other thread cancelled child and has not reached grandchild yet
      root.cancel();
      assertTrue(grandchild.isCancelled(), "cancel() returned with a descendant not cancelled");
    } finally {
      release.countDown();
      other.join();
    }
  }

  @Test
  void concurrentCancelsOfATreeEachReturnWithTheirSubtreeCancelled() throws Exception {
    for (int round = 0; round < 300; round++) {
      CancellationToken root = new CancellationToken();
      CancellationToken mid = root.childToken();
      List<CancellationToken> leaves = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        leaves.add(mid.childToken().childToken());
        leaves.add(root.childToken());
      }
      CountDownLatch go = new CountDownLatch(1);
      AtomicBoolean midSubtreeDone = new AtomicBoolean(true);
      Thread other =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    mid.cancel();
                    for (int i = 0; i < leaves.size(); i += 2) {
                      midSubtreeDone.compareAndSet(true, leaves.get(i).isCancelled());
                    }
                  });
      go.countDown();
      root.cancel();
      for (CancellationToken leaf : leaves) {
        assertTrue(leaf.isCancelled(), "root.cancel() returned early in round " + round);
      }
      other.join();
      assertTrue(midSubtreeDone.get(), "mid.cancel() returned early in round " + round);
      assertEquals(0, root.childCount());
    }
  }

  @Test
  void aThrowingWakerDoesNotStopTheCancellationOfTheSubtree() throws Exception {
    CancellationToken root = new CancellationToken();
    CancellationToken child = root.childToken();
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a waker that fails");
            });
    assertTrue(root.cancelled().poll(throwing).isPending());
    HandPolled<Void> waiting = HandPolled.of(child.cancelled());
    waiting.pending();
    assertThrows(IllegalStateException.class, root::cancel, "the failure surfaces");
    assertTrue(child.isCancelled(), "the walk stopped at the failing waker");
    assertTrue(waiting.isWoken());
  }
}
