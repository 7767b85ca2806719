package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Flavor;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** tokio's documented semantics of {@code sync::broadcast}, on {@link Broadcast}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncBroadcastTest {
  @Test
  void everyReceiverGetsEveryValueInOrder() throws Exception {
    var ch = Broadcast.<Integer>channel(16);
    var rx2 = ch.tx().subscribe();
    assertEquals(2, ch.tx().receiverCount());
    for (int i = 0; i < 10; i++) {
      assertEquals(2, ch.tx().send(i));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(i, ch.rx().tryRecv());
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(i, rx2.tryRecv());
    }
    assertTrue(assertThrows(TryRecvException.class, () -> rx2.tryRecv()).isEmpty());
  }

  @Test
  void aSubscriberSeesOnlyValuesSentAfterwards() throws Exception {
    var ch = Broadcast.<String>channel(4);
    ch.tx().send("before");
    var late = ch.tx().subscribe();
    ch.tx().send("after");
    assertEquals("after", late.tryRecv());
    assertEquals("before", ch.rx().tryRecv());
    var again = ch.rx().resubscribe();
    assertTrue(again.isEmpty());
    ch.tx().send("third");
    assertEquals("third", again.tryRecv());
  }

  @Test
  void sendFailsWithoutReceiversAndWorksAgainAfterSubscribe() throws Exception {
    var ch = Broadcast.<String>channel(4);
    ch.rx().close();
    assertEquals(0, ch.tx().receiverCount());
    SendException e = assertThrows(SendException.class, () -> ch.tx().send("nobody"));
    assertEquals("nobody", e.value());
    var rx = ch.tx().subscribe();
    assertEquals(1, ch.tx().send("somebody"));
    assertEquals("somebody", rx.tryRecv());
  }

  @Test
  void aLaggingReceiverIsToldHowManyItMissedThenResumesAtTheOldest() throws Exception {
    var ch = Broadcast.<Integer>channel(3); // rounded up to 4
    var fast = ch.tx().subscribe();
    for (int i = 0; i < 10; i++) {
      ch.tx().send(i);
      assertEquals(i, fast.tryRecv());
    }
    LaggedException lagged = assertThrows(LaggedException.class, () -> ch.rx().tryRecv());
    assertEquals(6, lagged.skipped(), "values 0..5 were overwritten in a ring of 4");
    for (int i = 6; i < 10; i++) {
      assertEquals(i, ch.rx().tryRecv(), "not closed: continues from the oldest retained");
    }
    assertTrue(assertThrows(TryRecvException.class, () -> ch.rx().tryRecv()).isEmpty());
  }

  @Test
  void lagIsReportedThroughRecvToo() throws Exception {
    var ch = Broadcast.<Integer>channel(2);
    for (int i = 0; i < 5; i++) {
      ch.tx().send(i);
    }
    TestWaker w = new TestWaker();
    assertEquals(3, assertThrows(LaggedException.class, () -> w.poll(ch.rx().recv())).skipped());
    assertEquals(Poll.ready(3), w.poll(ch.rx().recv()));
    assertEquals(Poll.ready(4), w.poll(ch.rx().recv()));
  }

  @Test
  void closingEverySenderClosesAfterTheReceiverDrains() throws Exception {
    var ch = Broadcast.<String>channel(4);
    var tx2 = ch.tx().clone();
    ch.tx().send("last");
    ch.tx().close();
    TestWaker w = new TestWaker();
    assertEquals(Poll.ready("last"), w.poll(ch.rx().recv()));
    assertTrue(w.poll(ch.rx().recv()).isPending(), "another sender is open");
    assertFalse(ch.rx().isClosed());
    tx2.close();
    assertEquals(1, w.wakes(), "the last close woke the waiting receiver");
    assertThrows(RecvException.class, () -> w.poll(ch.rx().recv()));
    assertTrue(assertThrows(TryRecvException.class, () -> ch.rx().tryRecv()).isClosed());
    assertTrue(ch.rx().isClosed());
  }

  @Test
  void aWaitingReceiverIsWokenAndACancelledRecvLosesNothing() throws Exception {
    var ch = Broadcast.<String>channel(4);
    TestWaker w = new TestWaker();
    Future<String> recv = ch.rx().recv();
    assertTrue(w.poll(recv).isPending());
    ch.tx().send("one");
    assertEquals(1, w.wakes());
    assertEquals(Poll.ready("one"), w.poll(recv));

    assertTrue(w.poll(recv).isPending());
    recv.cancel();
    ch.tx().send("two");
    assertEquals(1, w.wakes(), "the cancelled recv was not woken");
    assertEquals(Poll.ready("two"), new TestWaker().poll(ch.rx().recv()));
  }

  @Test
  void closingAReceiverElsewhereWakesItsPendingRecv() throws Exception {
    var ch = Broadcast.<String>channel(4);
    var rx2 = ch.tx().subscribe();
    TestWaker w = new TestWaker();
    Future<String> recv = rx2.recv();
    assertTrue(w.poll(recv).isPending());
    rx2.close(); // allowed from any thread, e.g. to stop the task that receives
    assertEquals(1, w.wakes(), "the task waiting in recv was never woken");
    assertThrows(IllegalStateException.class, () -> w.poll(recv), "a closed receiver");
  }

  @Test
  void aThrowingWakerDoesNotKeepTheOtherWaitingReceiversAsleep() throws Exception {
    var ch = Broadcast.<String>channel(4);
    var rx2 = ch.tx().subscribe();
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a waker that fails");
            });
    assertTrue(ch.rx().recv().poll(throwing).isPending());
    TestWaker w = new TestWaker();
    assertTrue(w.poll(rx2.recv()).isPending());
    assertThrows(IllegalStateException.class, () -> ch.tx().send("v"), "the failure surfaces");
    assertEquals(1, w.wakes(), "the receiver queued behind the failing waker was never woken");
    assertEquals(Poll.ready("v"), w.poll(rx2.recv()));
  }

  @Test
  void closingTheLastReceiverCompletesSenderClosedEvenIfItsWaitingWakerThrows() throws Exception {
    var ch = Broadcast.<String>channel(4);
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a waker that fails");
            });
    assertTrue(ch.rx().recv().poll(throwing).isPending());
    TestWaker w = new TestWaker();
    Future<Void> closed = ch.tx().closed();
    assertTrue(w.poll(closed).isPending());
    assertThrows(IllegalStateException.class, () -> ch.rx().close(), "the failure surfaces");
    assertEquals(1, w.wakes(), "Sender.closed() was never woken");
    assertTrue(w.poll(closed).isReady());
  }

  @Test
  void closingAReceiverReleasesTheValuesOnlyItHeld() throws Exception {
    var ch = Broadcast.<String>channel(8);
    var rx2 = ch.tx().subscribe();
    ch.tx().send("a");
    ch.tx().send("b");
    assertEquals(2, ch.tx().len());
    assertEquals("a", ch.rx().tryRecv());
    assertEquals("b", ch.rx().tryRecv());
    assertEquals(2, ch.tx().len(), "rx2 has not seen them");
    assertEquals("a", rx2.tryRecv());
    assertEquals(1, ch.tx().len());
    rx2.close();
    assertEquals(0, ch.tx().len(), "no open receiver needs \"b\" any more");
    assertTrue(ch.tx().isEmpty());
    assertEquals(1, ch.tx().receiverCount());
  }

  @Test
  void senderClosedCompletesWhenTheLastReceiverCloses() throws Exception {
    var ch = Broadcast.<String>channel(2);
    var rx2 = ch.tx().subscribe();
    TestWaker w = new TestWaker();
    Future<Void> closed = ch.tx().closed();
    assertTrue(w.poll(closed).isPending());
    ch.rx().close();
    assertTrue(w.poll(closed).isPending());
    rx2.close();
    assertEquals(1, w.wakes());
    assertTrue(w.poll(closed).isReady());
  }

  @Test
  void misuseIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Broadcast.channel(0));
    var ch = Broadcast.<String>channel(1);
    ch.tx().close();
    assertThrows(IllegalStateException.class, () -> ch.tx().send("x"));
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void everyReceiverTaskSeesEveryValue(Flavor flavor) throws Exception {
    try (Runtime rt = Runtime.builder().flavor(flavor).workerThreads(2).enableAll().build()) {
      int receivers = 3;
      int values = 20_000;
      // As big as the whole run, so no receiver can lag however the tasks are scheduled.
      var ch = Broadcast.<Integer>channel(values);
      List<JoinHandle<Long>> sums = new ArrayList<>();
      for (int r = 0; r < receivers; r++) {
        Broadcast.Receiver<Integer> rx = r == 0 ? ch.rx() : ch.tx().subscribe();
        sums.add(rt.spawn(sum(rx)));
      }
      rt.spawn(
          Futures.fromSupplier(
              () -> {
                for (int i = 0; i < values; i++) {
                  ch.tx().send(i);
                }
                ch.tx().close();
                return null;
              }));
      long expected = (long) values * (values - 1) / 2;
      for (JoinHandle<Long> s : sums) {
        assertEquals(expected, rt.blockOn(s));
      }
    }
  }

  static Future<Long> sum(Broadcast.Receiver<Integer> rx) {
    return Futures.loop(
        0L,
        acc ->
            rx.recv()
                .map(v -> Step.<Long, Long>next(acc + v))
                .recover(
                    e -> {
                      if (e instanceof RecvException) {
                        return Step.done(acc);
                      }
                      throw e;
                    }));
  }

  /**
   * Cancelling the receiver's stream releases its wait, as cancelling recv() does (the Stream
   * contract: cancel() releases what the stream registered): a later send does not wake the task
   * that stopped listening.
   */
  @Test
  void cancellingTheReceiversStreamWithdrawsItsWait() throws Exception {
    Broadcast.Channel<Integer> ch = Broadcast.channel(4);
    io.kyoto.runtime.stream.Stream<Integer> values = ch.rx().stream();
    HandPolled<java.util.Optional<Integer>> next = HandPolled.of(values.next());
    next.pending();
    values.cancel();
    ch.tx().send(1);
    assertFalse(next.isWoken(), "the cancelled stream's waker was still registered");
  }
}
