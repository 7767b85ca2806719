package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.kyoto.runtime.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** tokio's documented semantics of {@code sync::mpsc}, on {@link Mpsc}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncMpscTest {
  static Runtime runtime(Flavor flavor) {
    return Runtime.builder().flavor(flavor).workerThreads(2).enableAll().build();
  }

  @Test
  void messagesArriveInTheOrderTheSenderSentThem() throws Exception {
    var ch = Mpsc.<Integer>channel(256);
    TestWaker w = new TestWaker();
    for (int i = 0; i < 200; i++) {
      assertTrue(w.poll(ch.tx().send(i)).isReady());
    }
    for (int i = 0; i < 200; i++) {
      assertEquals(Poll.ready(i), w.poll(ch.rx().recv()));
    }
    assertTrue(w.poll(ch.rx().recv()).isPending());
  }

  @Test
  void aFullChannelMakesSendWaitUntilRecvFreesASlot() throws Exception {
    var ch = Mpsc.<String>channel(2);
    assertEquals(2, ch.tx().capacity());
    ch.tx().trySend("a");
    ch.tx().trySend("b");
    assertEquals(0, ch.tx().capacity());
    TrySendException full = assertThrows(TrySendException.class, () -> ch.tx().trySend("c"));
    assertTrue(full.isFull());
    assertEquals("c", full.value());

    TestWaker sender = new TestWaker();
    Future<Void> send = ch.tx().send("c");
    assertTrue(sender.poll(send).isPending());
    assertEquals(2, ch.rx().len());

    TestWaker receiver = new TestWaker();
    assertEquals(Poll.ready("a"), receiver.poll(ch.rx().recv()));
    assertEquals(1, sender.wakes(), "the freed slot woke the waiting sender");
    assertTrue(sender.poll(send).isReady());
    assertEquals(Poll.ready("b"), receiver.poll(ch.rx().recv()));
    assertEquals(Poll.ready("c"), receiver.poll(ch.rx().recv()));
    assertEquals(2, ch.tx().capacity());
  }

  @Test
  void waitingSendersAreAdmittedFirstComeFirstServed() throws Exception {
    var ch = Mpsc.<String>channel(1);
    ch.tx().trySend("0");
    Mpsc.Sender<String> other = ch.tx().clone();
    List<Future<Void>> sends = List.of(ch.tx().send("a"), other.send("b"), ch.tx().send("c"));
    TestWaker w = new TestWaker();
    for (Future<Void> s : sends) {
      assertTrue(w.poll(s).isPending());
    }
    // A fast-path trySend must not overtake the queue.
    assertTrue(assertThrows(TrySendException.class, () -> other.trySend("x")).isFull());
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      got.add(w.poll(ch.rx().recv()).value());
    }
    assertEquals(List.of("0", "a", "b", "c"), got);
    for (Future<Void> s : sends) {
      assertTrue(w.poll(s).isReady());
    }
  }

  @Test
  void aCancelledRecvLosesNoMessage() throws Exception {
    var ch = Mpsc.<String>channel(4);
    TestWaker w = new TestWaker();
    Future<String> recv = ch.rx().recv();
    assertTrue(w.poll(recv).isPending());
    recv.cancel();
    ch.tx().trySend("m");
    assertEquals(0, w.wakes(), "the cancelled recv was not woken");
    assertEquals(Poll.ready("m"), new TestWaker().poll(ch.rx().recv()));
  }

  @Test
  void aCancelledSendLosesItsPlaceLeaksNoCapacityAndGivesTheMessageBack() throws Exception {
    var ch = Mpsc.<String>channel(1);
    ch.tx().trySend("first");
    TestWaker w = new TestWaker();
    Mpsc.SendFuture<String> cancelled = ch.tx().send("cancelled");
    Future<Void> next = ch.tx().send("next");
    assertTrue(w.poll(cancelled).isPending());
    assertTrue(w.poll(next).isPending());
    assertEquals("cancelled", cancelled.cancelAndReclaim());
    assertEquals(Poll.ready("first"), w.poll(ch.rx().recv()));
    assertEquals(Poll.ready("next"), w.poll(ch.rx().recv()), "the next sender took the slot");
    assertTrue(w.poll(next).isReady());
    assertEquals(1, ch.tx().capacity(), "no capacity leaked");
  }

  @Test
  void aSendCancelledAfterItGotCapacityWasSent() throws Exception {
    var ch = Mpsc.<String>channel(1);
    ch.tx().trySend("first");
    TestWaker w = new TestWaker();
    Mpsc.SendFuture<String> send = ch.tx().send("second");
    assertTrue(w.poll(send).isPending());
    assertEquals(Poll.ready("first"), w.poll(ch.rx().recv()));
    assertNull(send.cancelAndReclaim(), "capacity was handed over: the message is in the channel");
    assertEquals(Poll.ready("second"), w.poll(ch.rx().recv()));
    assertEquals(1, ch.tx().capacity());
  }

  @Test
  void aCancelledReserveLeaksNoCapacity() throws Exception {
    var ch = Mpsc.<String>channel(1);
    ch.tx().trySend("first");
    TestWaker w = new TestWaker();
    Future<Mpsc.Permit<String>> queued = ch.tx().reserve();
    Future<Mpsc.Permit<String>> granted = ch.tx().reserve();
    assertTrue(w.poll(queued).isPending());
    queued.cancel(); // while queued
    assertTrue(w.poll(granted).isPending());
    assertEquals(Poll.ready("first"), w.poll(ch.rx().recv())); // the unit goes to `granted`
    assertEquals(0, ch.tx().capacity());
    granted.cancel(); // granted but never observed: the unit comes back
    assertEquals(1, ch.tx().capacity());
  }

  @Test
  void permitsSendOrGiveCapacityBack() throws Exception {
    var ch = Mpsc.<String>channel(2);
    Mpsc.Permit<String> a = ch.tx().tryReserve();
    Mpsc.Permit<String> b = new TestWaker().poll(ch.tx().reserve()).value();
    assertTrue(assertThrows(TrySendException.class, () -> ch.tx().tryReserve()).isFull());
    b.close();
    assertEquals(1, ch.tx().capacity());
    a.send("via permit");
    assertThrows(IllegalStateException.class, () -> a.send("twice"));
    assertEquals("via permit", ch.rx().tryRecv());
    assertEquals(2, ch.tx().capacity());
  }

  @Test
  void closingEverySenderEndsTheChannelAfterTheBufferDrains() throws Exception {
    var ch = Mpsc.<Integer>channel(4);
    Mpsc.Sender<Integer> second = ch.tx().clone();
    ch.tx().trySend(1);
    ch.tx().close();
    ch.tx().close(); // idempotent: counts once
    TestWaker w = new TestWaker();
    assertEquals(Poll.ready(1), w.poll(ch.rx().recv()));
    assertTrue(w.poll(ch.rx().recv()).isPending(), "another sender is still open");
    assertFalse(ch.rx().isClosed());
    second.trySend(2);
    second.close();
    assertEquals(Poll.ready(2), w.poll(ch.rx().recv()));
    assertEquals(Poll.ready(null), w.poll(ch.rx().recv()));
    assertTrue(ch.rx().isClosed());
    assertTrue(assertThrows(TryRecvException.class, () -> ch.rx().tryRecv()).isClosed());
    assertThrows(IllegalStateException.class, () -> second.send(3));
  }

  @Test
  void theLastSenderClosingWakesAWaitingReceiver() throws Exception {
    var ch = Mpsc.<Integer>unboundedChannel();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx().recv()).isPending());
    ch.tx().close();
    assertEquals(1, w.wakes());
    assertEquals(Poll.ready(null), w.poll(ch.rx().recv()));
  }

  @Test
  void closingTheReceiverFailsSendersButKeepsTheBuffer() throws Exception {
    var ch = Mpsc.<String>channel(1);
    ch.tx().trySend("buffered");
    TestWaker w = new TestWaker();
    Future<Void> waiting = ch.tx().send("waiting");
    Future<Void> closed = ch.tx().closed();
    assertTrue(w.poll(waiting).isPending());
    assertTrue(w.poll(closed).isPending());
    assertFalse(ch.tx().isClosed());

    ch.rx().close();
    assertTrue(ch.tx().isClosed());
    assertTrue(w.wakes() >= 2);
    SendException failed = assertThrows(SendException.class, () -> w.poll(waiting));
    assertEquals("waiting", failed.value());
    assertTrue(w.poll(closed).isReady());
    TrySendException t = assertThrows(TrySendException.class, () -> ch.tx().trySend("late"));
    assertTrue(t.isClosed());
    assertEquals("late", t.value());
    assertThrows(SendException.class, () -> w.poll(ch.tx().send("later")));

    assertEquals(Poll.ready("buffered"), w.poll(ch.rx().recv()));
    assertEquals(Poll.ready(null), w.poll(ch.rx().recv()), "drained and closed");
  }

  @Test
  void closingTheReceiverElsewhereEndsAPendingRecv() throws Exception {
    var ch = Mpsc.<String>channel(1);
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx().recv()).isPending());
    Thread closer = Thread.ofPlatform().start(() -> ch.rx().close());
    closer.join();
    assertEquals(1, w.wakes(), "the close woke the pending recv");
    assertEquals(Poll.ready(null), w.poll(ch.rx().recv()));
  }

  @Test
  void aThrowingSenderWakerDoesNotKeepClosedFuturesAsleep() throws Exception {
    var ch = Mpsc.<String>channel(1);
    ch.tx().trySend("full");
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a waker that fails");
            });
    assertTrue(ch.tx().send("queued").poll(throwing).isPending());
    TestWaker closedWaker = new TestWaker();
    Future<Void> closed = ch.tx().closed();
    assertTrue(closedWaker.poll(closed).isPending());
    assertThrows(IllegalStateException.class, () -> ch.rx().close(), "the failure surfaces");
    assertEquals(1, closedWaker.wakes(), "Sender.closed() was never woken");
    assertTrue(closedWaker.poll(closed).isReady());
  }

  @Test
  void aPermitReservedBeforeTheReceiverClosedStillDelivers() throws Exception {
    var ch = Mpsc.<String>channel(2);
    Mpsc.Permit<String> permit = ch.tx().tryReserve();
    ch.rx().close();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx().recv()).isPending(), "an outstanding permit may still send");
    permit.send("late but reserved");
    assertEquals(Poll.ready("late but reserved"), w.poll(ch.rx().recv()));
    assertEquals(Poll.ready(null), w.poll(ch.rx().recv()));
  }

  @Test
  void unboundedSendNeverWaitsAndFailsOnlyWhenClosed() throws Exception {
    var ch = Mpsc.<Integer>unboundedChannel();
    for (int i = 0; i < 1000; i++) {
      ch.tx().send(i);
    }
    assertEquals(1000, ch.rx().len());
    List<Integer> got = new ArrayList<>();
    TestWaker w = new TestWaker();
    assertEquals(Poll.ready(600), w.poll(ch.rx().recvMany(got, 600)));
    assertEquals(Poll.ready(400), w.poll(ch.rx().recvMany(got, 600)));
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, got.get(i));
    }
    ch.rx().close();
    SendException e = assertThrows(SendException.class, () -> ch.tx().send(5));
    assertEquals(5, e.value());
    assertEquals(Poll.ready(0), w.poll(ch.rx().recvMany(got, 10)));
  }

  @Test
  void recvManyWaitsForAtLeastOne() throws Exception {
    var ch = Mpsc.<Integer>channel(8);
    List<Integer> got = new ArrayList<>();
    TestWaker w = new TestWaker();
    Future<Integer> many = ch.rx().recvMany(got, 4);
    assertTrue(w.poll(many).isPending());
    ch.tx().trySend(1);
    assertEquals(1, w.wakes());
    assertEquals(Poll.ready(1), w.poll(many));
    assertEquals(Poll.ready(0), w.poll(ch.rx().recvMany(got, 0)));
  }

  @Test
  void hugeCapacitiesWorkWithoutAllocatingTheirBufferUpfront() throws Exception {
    for (int capacity : new int[] {100_000, Integer.MAX_VALUE}) {
      var ch = Mpsc.<Integer>channel(capacity);
      for (int i = 0; i < 5_000; i++) {
        ch.tx().trySend(i);
      }
      assertEquals(capacity - 5_000, ch.tx().capacity());
      assertEquals(capacity, ch.tx().maxCapacity());
      for (int i = 0; i < 5_000; i++) {
        assertEquals(i, ch.rx().tryRecv());
      }
      assertEquals(capacity, ch.tx().capacity());
    }
  }

  @Test
  void misuseIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Mpsc.channel(0));
    var ch = Mpsc.<String>channel(1);
    assertThrows(NullPointerException.class, () -> ch.tx().send(null));
    assertThrows(NullPointerException.class, () -> ch.tx().trySend(null));
  }

  @Test
  void sendTimeoutGivesTheMessageBackAndLeaksNoCapacity() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().startPaused(true).build()) {
      var ch = Mpsc.<String>channel(1);
      ch.tx().trySend("full");
      Exception e =
          assertThrows(
              SendTimeoutException.class,
              () -> rt.blockOn(ch.tx().sendTimeout("late", Duration.ofSeconds(1))));
      assertEquals("late", ((SendTimeoutException) e).value());
      assertEquals("full", ch.rx().tryRecv());
      assertEquals(1, ch.tx().capacity());
      rt.blockOn(ch.tx().sendTimeout("in time", Duration.ofSeconds(1)));
      assertEquals("in time", ch.rx().tryRecv());
    }
  }

  @Test
  void aSendTimeoutFailedByTheReceiverClosingCancelsItsTimer() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().startPaused(true).build()) {
      var ch = Mpsc.<String>channel(1);
      ch.tx().trySend("full");
      Future<Void> send = ch.tx().sendTimeout("late", Duration.ofSeconds(1));
      TestWaker waker = new TestWaker();
      // Polled by hand inside the runtime: the send queues, then the timer is registered.
      assertTrue(rt.blockOn(Futures.fromSupplier(() -> waker.poll(send).isPending())));
      ch.rx().close(); // fails the queued send
      assertThrows(SendException.class, () -> waker.poll(send));
      int wakes = waker.wakes();
      rt.blockOn(Time.sleep(Duration.ofSeconds(2))); // the paused clock passes the deadline
      assertEquals(
          wakes, waker.wakes(), "the failed send left its timer registered, and it fired later");
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void aSenderBlockedOnAFullChannelIsReleasedByTheReceiverTask(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      var ch = Mpsc.<Integer>channel(1);
      JoinHandle<Void> producer = rt.spawn(produce(ch.tx(), 0, 100).inspect(v -> ch.tx().close()));
      int sum = rt.blockOn(consume(ch.rx()));
      rt.blockOn(producer);
      assertEquals(4950, sum);
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void fourProducersDeliverEveryMessageExactlyOnce(Flavor flavor) throws Exception {
    int producers = 4;
    int each = 50_000;
    for (int capacity : new int[] {16, 1024}) {
      try (Runtime rt = runtime(flavor)) {
        var ch = Mpsc.<Integer>channel(capacity);
        List<JoinHandle<Void>> handles = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
          Mpsc.Sender<Integer> tx = ch.tx().clone();
          handles.add(rt.spawn(produce(tx, p * each, each).inspect(v -> tx.close())));
        }
        ch.tx().close();
        long n = (long) producers * each;
        assertEquals(n * (n - 1) / 2, (long) rt.blockOn(consumeLong(ch.rx())));
        for (JoinHandle<Void> h : handles) {
          rt.blockOn(h);
        }
        assertEquals(capacity, ch.tx().capacity());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void unboundedProducersOnOtherThreadsDeliverEveryMessage(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      var ch = Mpsc.<Integer>unboundedChannel();
      int producers = 4;
      int each = 25_000;
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        Mpsc.UnboundedSender<Integer> tx = ch.tx().clone();
        int base = p * each;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try (tx) {
                        for (int i = 0; i < each; i++) {
                          tx.send(base + i);
                        }
                      } catch (SendException e) {
                        throw new AssertionError(e);
                      }
                    }));
      }
      ch.tx().close();
      long n = (long) producers * each;
      assertEquals(n * (n - 1) / 2, (long) rt.blockOn(consumeLong(ch.rx())));
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  @Test
  void perSenderOrderHoldsUnderContention() throws Exception {
    try (Runtime rt = runtime(Flavor.MULTI_THREAD)) {
      var ch = Mpsc.<Integer>channel(8);
      int producers = 3;
      int each = 20_000;
      for (int p = 0; p < producers; p++) {
        Mpsc.Sender<Integer> tx = ch.tx().clone();
        rt.spawn(produce(tx, p * 1_000_000, each).inspect(v -> tx.close()));
      }
      ch.tx().close();
      int[] last = {-1, -1, -1};
      int received =
          rt.blockOn(
              Futures.loop(
                  0,
                  count ->
                      ch.rx()
                          .recv()
                          .map(
                              v -> {
                                if (v == null) {
                                  return Step.<Integer, Integer>done(count);
                                }
                                int p = v / 1_000_000;
                                assertTrue(v > last[p], "out of order: " + v + " after " + last[p]);
                                last[p] = v;
                                return Step.next(count + 1);
                              })));
      assertEquals(producers * each, received);
    }
  }

  @Test
  void aWaitingSendFailsWhenTheReceiverClosesFromAnotherTask() throws Exception {
    try (Runtime rt = runtime(Flavor.MULTI_THREAD)) {
      var ch = Mpsc.<Integer>channel(1);
      ch.tx().trySend(0);
      JoinHandle<Void> blocked = rt.spawn(ch.tx().send(1));
      rt.blockOn(Futures.fromSupplier(() -> null)); // let it start waiting
      ch.rx().close();
      Exception e = assertThrows(Exception.class, () -> rt.blockOn(blocked));
      assertInstanceOf(SendException.class, e.getCause());
    }
  }

  static Future<Void> produce(Mpsc.Sender<Integer> tx, int from, int count) {
    return Futures.loop(
        0,
        i ->
            i == count
                ? Futures.ready(Step.done(null))
                : tx.send(from + i).map(v -> Step.next(i + 1)));
  }

  static Future<Integer> consume(Mpsc.Receiver<Integer> rx) {
    return consumeLong(rx).map(Long::intValue);
  }

  static Future<Long> consumeLong(Mpsc.Receiver<Integer> rx) {
    return Futures.loop(
        0L, sum -> rx.recv().map(v -> v == null ? Step.<Long, Long>done(sum) : Step.next(sum + v)));
  }

  @Test
  void theReceiverAsAStreamEndsWhenTheChannelClosesAndDrains() throws Exception {
    try (io.kyoto.runtime.Runtime rt = io.kyoto.runtime.Runtime.builder().currentThread().build()) {
      java.util.List<Integer> got =
          rt.blockOn(
              io.kyoto.runtime.Futures.lazy(
                  () -> {
                    var ch = Mpsc.<Integer>channel(2);
                    io.kyoto.runtime.Task.spawn(
                        io.kyoto.runtime.Futures.loop(
                                0,
                                i ->
                                    i == 5
                                        ? io.kyoto.runtime.Futures.ready(
                                            io.kyoto.runtime.Futures.Step.<Integer, Void>done(null))
                                        : ch.tx()
                                            .send(i)
                                            .map(v -> io.kyoto.runtime.Futures.Step.next(i + 1)))
                            .inspect(v -> ch.tx().close()));
                    return ch.rx().stream().map(x -> x * 10).toList();
                  }));
      org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(0, 10, 20, 30, 40), got);
    }
  }

  @Test
  void aSendersWakerThatThrowsDuringRecvsCapacityReleaseDoesNotLoseTheMessage() throws Exception {
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    ch.tx().trySend("a");
    Mpsc.SendFuture<String> b = ch.tx().send("b");
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a sender's waker failed");
            });
    assertTrue(b.poll(throwing).isPending(), "full: the send queues with its (throwing) waker");
    Context cx = new Context(io.kyoto.runtime.Waker.noop());
    // The release hands the freed unit to the queued send, whose waker throws: the message that
    // was just taken must still be returned.
    assertEquals("a", ch.rx().recv().poll(cx).value());
    assertEquals("b", ch.rx().recv().poll(cx).value(), "the queued send was admitted anyway");
    assertTrue(b.poll(cx).isReady());
  }

  @Test
  void aSendPolledAfterTheReceiverSawTheEndFailsWithItsMessage() throws Exception {
    // tokio: once recv returned None, a send fails with SendError(value); a send future that
    // outlived the last sender handle must not enqueue a message nobody will ever see.
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    Mpsc.SendFuture<String> late = ch.tx().send("late");
    ch.tx().close();
    Context cx = new Context(io.kyoto.runtime.Waker.noop());
    assertNull(ch.rx().recv().poll(cx).value(), "every sender is closed: end of stream");
    SendException e = assertThrows(SendException.class, () -> late.poll(cx));
    assertEquals("late", e.value());
    assertNull(ch.rx().recv().poll(cx).value());
    TryRecvException t = assertThrows(TryRecvException.class, () -> ch.rx().tryRecv());
    assertTrue(t.isClosed());
  }

  @Test
  void aSendAdmittedBeforeTheEndIsStillReceived() throws Exception {
    // The other side of the rule: a send that got its capacity before the receiver saw the end is
    // a message like any other, even if its sender handle closed since.
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    Mpsc.SendFuture<String> early = ch.tx().send("early");
    Context cx = new Context(io.kyoto.runtime.Waker.noop());
    assertTrue(early.poll(cx).isReady());
    ch.tx().close();
    assertEquals("early", ch.rx().recv().poll(cx).value());
    assertNull(ch.rx().recv().poll(cx).value());
  }

  /**
   * Cancelling the receiver's stream releases its waker, as cancelling recv() does (the Stream
   * contract: cancel() releases what the stream registered): a later send does not wake the task
   * that stopped listening.
   */
  @Test
  void cancellingTheReceiversStreamWithdrawsItsWaker() throws Exception {
    Mpsc.Channel<Integer> ch = Mpsc.channel(4);
    io.kyoto.runtime.stream.Stream<Integer> messages = ch.rx().stream();
    HandPolled<java.util.Optional<Integer>> next = HandPolled.of(messages.next());
    next.pending();
    messages.cancel();
    ch.tx().trySend(1);
    org.junit.jupiter.api.Assertions.assertFalse(
        next.isWoken(), "the cancelled stream's waker was still registered");
  }

  @Test
  void aWeakSenderDoesNotKeepTheChannelOpenAndUpgradesWhileASenderIsOpen() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      var ch = Mpsc.<String>channel(4);
      Mpsc.WeakSender<String> weak = ch.tx().downgrade();
      Mpsc.Sender<String> strong = weak.upgrade().orElseThrow(); // counts as a sender
      rt.blockOn(strong.send("via upgrade"));
      strong.close();
      assertEquals("via upgrade", rt.blockOn(ch.rx().recv()));
      ch.tx().close(); // the last sender: the weak handle does not hold the channel open
      assertNull(rt.blockOn(ch.rx().recv()), "ended");
      assertTrue(weak.upgrade().isEmpty(), "no sender is left to upgrade to");
      assertThrows(IllegalStateException.class, () -> ch.tx().downgrade()); // a closed handle

      var unbounded = Mpsc.<Integer>unboundedChannel();
      Mpsc.WeakUnboundedSender<Integer> uweak = unbounded.tx().downgrade();
      uweak.upgrade().orElseThrow().send(7); // upgraded, then never closed: keeps it open
      unbounded.tx().close();
      assertEquals(7, rt.blockOn(unbounded.rx().recv()));
      assertTrue(uweak.upgrade().isPresent(), "the upgraded handle is still open");
    }
  }
}
