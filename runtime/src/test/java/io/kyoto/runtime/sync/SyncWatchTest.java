package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Flavor;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** tokio's documented semantics of {@code sync::watch}, on {@link Watch}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncWatchTest {
  @Test
  void changedCompletesAfterASendNotBefore() throws Exception {
    var ch = Watch.channel("v0");
    TestWaker w = new TestWaker();
    Future<Void> changed = ch.rx().changed();
    assertTrue(w.poll(changed).isPending(), "the initial value counts as seen");
    assertEquals("v0", ch.rx().borrow());
    ch.tx().send("v1");
    assertEquals(1, w.wakes());
    assertTrue(w.poll(changed).isReady());
    assertEquals("v1", ch.rx().borrow());
    assertTrue(w.poll(changed).isPending(), "changed marked v1 seen");
  }

  @Test
  void aReceiverSeesTheLatestValueNotEveryValue() throws Exception {
    var ch = Watch.channel(0);
    ch.tx().send(1);
    ch.tx().send(2);
    ch.tx().send(3);
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx().changed()).isReady());
    assertEquals(3, ch.rx().borrowAndUpdate());
    assertTrue(w.poll(ch.rx().changed()).isPending());
  }

  @Test
  void borrowDoesNotMarkSeenButBorrowAndUpdateDoes() throws Exception {
    var ch = Watch.channel("a");
    assertFalse(ch.rx().hasChanged());
    ch.tx().send("b");
    assertTrue(ch.rx().hasChanged());
    assertEquals("b", ch.rx().borrow());
    assertTrue(ch.rx().hasChanged(), "borrow does not mark");
    assertEquals("b", ch.rx().borrowAndUpdate());
    assertFalse(ch.rx().hasChanged());
    ch.rx().markChanged();
    assertTrue(ch.rx().hasChanged());
    assertTrue(new TestWaker().poll(ch.rx().changed()).isReady());
    ch.tx().send("c");
    ch.rx().markUnchanged();
    assertFalse(ch.rx().hasChanged());
    assertEquals("c", ch.rx().borrow());
  }

  @Test
  void versionsArePerReceiver() throws Exception {
    var ch = Watch.channel(0);
    var other = ch.tx().subscribe();
    ch.tx().send(1);
    assertEquals(1, ch.rx().borrowAndUpdate());
    assertFalse(ch.rx().hasChanged());
    assertTrue(other.hasChanged());
    var clone = other.clone(); // has seen what `other` has: not v1
    assertTrue(clone.hasChanged());
    var fresh = ch.tx().subscribe(); // has seen the current value
    assertFalse(fresh.hasChanged());
    assertEquals(4, ch.tx().receiverCount());
  }

  @Test
  void sendFailsWithoutReceiversButSendReplaceStores() throws Exception {
    var ch = Watch.channel("a");
    ch.rx().close();
    assertTrue(ch.tx().isClosed());
    SendException e = assertThrows(SendException.class, () -> ch.tx().send("dropped"));
    assertEquals("dropped", e.value());
    assertEquals("a", ch.tx().borrow(), "a failed send stores nothing");
    assertEquals("a", ch.tx().sendReplace("kept"));
    var rx = ch.tx().subscribe();
    assertEquals("kept", rx.borrow());
    assertFalse(rx.hasChanged());
  }

  @Test
  void aSubscriptionThatWaitedForAWriteHasSeenIt() throws Exception {
    // Regression (found by WatchModelTest): subscribe() read the version before taking the lock,
    // so a write that held the lock meanwhile looked unseen to the new receiver, although it had
    // finished (and, for send(), checked for receivers) before that receiver was counted.
    var ch = Watch.channel(0);
    AtomicReference<Watch.Receiver<Integer>> sub = new AtomicReference<>();
    Thread subscriber = new Thread(() -> sub.set(ch.tx().subscribe()));
    boolean notified =
        ch.tx()
            .sendIfModified(
                v -> {
                  subscriber.start(); // the write holds the lock: subscribe() must wait for it
                  while (subscriber.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                  }
                  return true;
                });
    assertTrue(notified);
    subscriber.join();
    assertFalse(sub.get().hasChanged(), "the write finished before the receiver was counted");
    assertEquals(2, ch.tx().receiverCount());
  }

  @Test
  void closingTheSenderEndsChangedOnceTheLastValueIsSeen() throws Exception {
    var ch = Watch.channel(0);
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx().changed()).isPending());
    ch.tx().send(1);
    ch.tx().close();
    assertTrue(w.poll(ch.rx().changed()).isReady(), "the unseen last value comes first");
    assertThrows(RecvException.class, () -> w.poll(ch.rx().changed()));
    assertThrows(RecvException.class, () -> ch.rx().hasChanged());
    assertEquals(1, ch.rx().borrow());
  }

  @Test
  void closingAReceiverElsewhereWakesItsPendingChanged() throws Exception {
    var ch = Watch.channel(0);
    var rx2 = ch.tx().subscribe();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(rx2.changed()).isPending());
    rx2.close(); // allowed from any thread, e.g. to stop the task that waits
    assertEquals(1, w.wakes(), "the task waiting in changed() was never woken");
    assertThrows(IllegalStateException.class, () -> w.poll(rx2.changed()), "a closed receiver");
    assertEquals(1, ch.tx().receiverCount(), "the failed poll did not count it again");
  }

  @Test
  void closingTheLastReceiverCompletesSenderClosedEvenIfItsWaitingWakerThrows() throws Exception {
    var ch = Watch.channel(0);
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a waker that fails");
            });
    assertTrue(ch.rx().changed().poll(throwing).isPending());
    TestWaker w = new TestWaker();
    Future<Void> closed = ch.tx().closed();
    assertTrue(w.poll(closed).isPending());
    assertThrows(IllegalStateException.class, () -> ch.rx().close(), "the failure surfaces");
    assertEquals(1, w.wakes(), "Sender.closed() was never woken");
    assertTrue(w.poll(closed).isReady());
  }

  @Test
  void closingTheSenderWakesAWaitingReceiver() throws Exception {
    var ch = Watch.channel(0);
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx().changed()).isPending());
    ch.tx().close();
    assertEquals(1, w.wakes());
    assertThrows(RecvException.class, () -> w.poll(ch.rx().changed()));
  }

  @Test
  void sendModifyAlwaysNotifiesAndSendIfModifiedOnlyWhenTold() throws Exception {
    var ch = Watch.<List<String>>channel(new ArrayList<>());
    ch.tx().sendModify(list -> list.add("x"));
    assertTrue(ch.rx().hasChanged());
    assertEquals(List.of("x"), ch.rx().borrowAndUpdate());
    assertFalse(ch.tx().sendIfModified(list -> false));
    assertFalse(ch.rx().hasChanged());
    assertTrue(ch.tx().sendIfModified(list -> list.add("y")));
    assertTrue(ch.rx().hasChanged());
    assertEquals(List.of("x", "y"), ch.rx().borrow());
  }

  @Test
  void aCancelledChangedMarksNothingAndIsNotWoken() throws Exception {
    var ch = Watch.channel(0);
    TestWaker w = new TestWaker();
    Future<Void> changed = ch.rx().changed();
    assertTrue(w.poll(changed).isPending());
    changed.cancel();
    ch.tx().send(1);
    assertEquals(0, w.wakes());
    assertTrue(ch.rx().hasChanged());
    assertTrue(new TestWaker().poll(ch.rx().changed()).isReady());
  }

  @Test
  void waitForChecksTheCurrentValueThenEachChange() throws Exception {
    var ch = Watch.channel(5);
    TestWaker w = new TestWaker();
    assertEquals(Poll.ready(5), w.poll(ch.rx().waitFor(v -> v > 3)));
    Future<Integer> big = ch.rx().waitFor(v -> v >= 10);
    assertTrue(w.poll(big).isPending());
    ch.tx().send(7);
    assertTrue(w.poll(big).isPending());
    ch.tx().send(12);
    assertEquals(Poll.ready(12), w.poll(big));
    assertFalse(ch.rx().hasChanged(), "waitFor marked what it checked");

    Future<Integer> never = ch.rx().waitFor(v -> v < 0);
    assertTrue(w.poll(never).isPending());
    ch.tx().send(20);
    ch.tx().close();
    assertThrows(RecvException.class, () -> w.poll(never));
    // The last value is still checked after the close.
    assertEquals(Poll.ready(20), w.poll(ch.rx().waitFor(v -> v == 20)));
  }

  @Test
  void senderClosedCompletesWhenEveryReceiverIsGone() throws Exception {
    var ch = Watch.channel(0);
    var second = ch.rx().clone();
    TestWaker w = new TestWaker();
    Future<Void> closed = ch.tx().closed();
    assertTrue(w.poll(closed).isPending());
    ch.rx().close();
    ch.rx().close(); // idempotent
    assertEquals(1, ch.tx().receiverCount());
    assertTrue(w.poll(closed).isPending());
    second.close();
    assertEquals(1, w.wakes());
    assertTrue(w.poll(closed).isReady());
    assertEquals(0, ch.tx().receiverCount());
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void receiverTasksObserveTheFinalValue(Flavor flavor) throws Exception {
    try (Runtime rt = Runtime.builder().flavor(flavor).workerThreads(2).enableAll().build()) {
      int last = 50_000;
      var ch = Watch.channel(0);
      List<JoinHandle<Integer>> watchers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        watchers.add(rt.spawn(ch.tx().subscribe().waitFor(v -> v == last)));
      }
      rt.spawn(
          Futures.fromSupplier(
              () -> {
                for (int i = 1; i <= last; i++) {
                  ch.tx().send(i);
                }
                return null;
              }));
      for (JoinHandle<Integer> h : watchers) {
        assertEquals(last, rt.blockOn(h));
      }
    }
  }
}
