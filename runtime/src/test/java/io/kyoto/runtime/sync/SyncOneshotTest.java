package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Flavor;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** tokio's documented semantics of {@code sync::oneshot}, on {@link Oneshot}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncOneshotTest {
  static Runtime runtime(Flavor flavor) {
    return Runtime.builder().flavor(flavor).workerThreads(2).enableAll().build();
  }

  @Test
  void aValueSentBeforeThePollIsReadyAtOnce() throws Exception {
    var ch = Oneshot.<String>channel();
    ch.tx().send("hi");
    assertEquals(Poll.ready("hi"), new TestWaker().poll(ch.rx()));
    assertTrue(ch.rx().isTerminated());
  }

  @Test
  void aPendingReceiverIsWokenBySendAndOnlyItsLatestWakerIs() throws Exception {
    var ch = Oneshot.<Integer>channel();
    TestWaker first = new TestWaker();
    TestWaker second = new TestWaker();
    assertTrue(first.poll(ch.rx()).isPending());
    assertTrue(second.poll(ch.rx()).isPending()); // re-polled by a moved task
    assertTrue(second.poll(ch.rx()).isPending()); // same waker again: nothing to do
    ch.tx().send(7);
    assertEquals(0, first.wakes());
    assertEquals(1, second.wakes());
    assertEquals(Poll.ready(7), second.poll(ch.rx()));
  }

  @Test
  void closingTheSenderWithoutSendingFailsTheReceiver() throws Exception {
    var ch = Oneshot.<Integer>channel();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx()).isPending());
    ch.tx().close();
    assertEquals(1, w.wakes());
    assertThrows(RecvException.class, () -> w.poll(ch.rx()));
    ch.tx().close(); // idempotent
  }

  @Test
  void sendAfterTheReceiverClosedGivesTheValueBack() throws Exception {
    var ch = Oneshot.<String>channel();
    assertFalse(ch.tx().isClosed());
    ch.rx().close();
    assertTrue(ch.tx().isClosed());
    SendException e = assertThrows(SendException.class, () -> ch.tx().send("lost"));
    assertEquals("lost", e.value());
    TryRecvException t = assertThrows(TryRecvException.class, () -> ch.rx().tryRecv());
    assertTrue(t.isClosed());
  }

  @Test
  void closedCompletesWhenTheReceiverCloses() throws Exception {
    var ch = Oneshot.<String>channel();
    Future<Void> closed = ch.tx().closed();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(closed).isPending());
    ch.rx().close();
    assertEquals(1, w.wakes());
    assertTrue(w.poll(closed).isReady());
    assertTrue(w.poll(ch.tx().closed()).isReady(), "a closed receiver stays closed");
  }

  @Test
  void everyPendingClosedFutureOfTheSenderIsWokenWhenTheReceiverCloses() throws Exception {
    // The sender is thread safe and closed() makes a new future each call: two tasks may wait.
    var ch = Oneshot.<String>channel();
    Future<Void> first = ch.tx().closed();
    Future<Void> second = ch.tx().closed();
    TestWaker w1 = new TestWaker();
    TestWaker w2 = new TestWaker();
    assertTrue(w1.poll(first).isPending());
    assertTrue(w2.poll(second).isPending());
    ch.rx().close();
    assertEquals(1, w1.wakes(), "the first waiting task was never woken");
    assertEquals(1, w2.wakes());
    assertTrue(w1.poll(first).isReady());
    assertTrue(w2.poll(second).isReady());
  }

  @Test
  void cancellingOneClosedFutureLeavesAnotherRegistered() throws Exception {
    var ch = Oneshot.<String>channel();
    Future<Void> kept = ch.tx().closed();
    Future<Void> dropped = ch.tx().closed();
    TestWaker w1 = new TestWaker();
    TestWaker w2 = new TestWaker();
    assertTrue(w1.poll(kept).isPending());
    assertTrue(w2.poll(dropped).isPending());
    dropped.cancel();
    ch.rx().close();
    assertEquals(1, w1.wakes(), "the cancel of another closed() future dropped this one's waker");
    assertEquals(0, w2.wakes());
  }

  @Test
  void closingTheReceiverWakesItsPendingPollEvenIfAClosedWakerThrows() throws Exception {
    var ch = Oneshot.<String>channel();
    Context throwing =
        new Context(
            () -> {
              throw new IllegalStateException("a waker that fails");
            });
    assertTrue(ch.tx().closed().poll(throwing).isPending());
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx()).isPending());
    assertThrows(IllegalStateException.class, () -> ch.rx().close(), "the failure surfaces");
    assertEquals(1, w.wakes(), "the receive pending on another thread was never woken");
    assertThrows(RecvException.class, () -> w.poll(ch.rx()));
  }

  @Test
  void aCancelledClosedFutureIsNotWoken() throws Exception {
    var ch = Oneshot.<String>channel();
    Future<Void> closed = ch.tx().closed();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(closed).isPending());
    closed.cancel();
    ch.rx().close();
    assertEquals(0, w.wakes());
  }

  @Test
  void aValueSentBeforeTheReceiverClosedIsStillReceived() throws Exception {
    var ch = Oneshot.<String>channel();
    ch.tx().send("kept");
    ch.rx().close();
    assertEquals("kept", ch.rx().tryRecv());
  }

  @Test
  void tryRecvIsEmptyThenTheValueThenClosed() throws Exception {
    var ch = Oneshot.<String>channel();
    TryRecvException empty = assertThrows(TryRecvException.class, () -> ch.rx().tryRecv());
    assertTrue(empty.isEmpty());
    assertTrue(ch.rx().isEmpty());
    ch.tx().send("v");
    assertFalse(ch.rx().isEmpty());
    assertEquals("v", ch.rx().tryRecv());
    TryRecvException closed = assertThrows(TryRecvException.class, () -> ch.rx().tryRecv());
    assertTrue(closed.isClosed());
    assertThrows(IllegalStateException.class, () -> new TestWaker().poll(ch.rx()));
  }

  @Test
  void tryRecvAfterTheSenderClosedIsClosed() {
    var ch = Oneshot.<String>channel();
    ch.tx().close();
    assertTrue(assertThrows(TryRecvException.class, () -> ch.rx().tryRecv()).isClosed());
  }

  @Test
  void cancellingTheReceiverLosesNothing() throws Exception {
    var ch = Oneshot.<String>channel();
    TestWaker w = new TestWaker();
    assertTrue(w.poll(ch.rx()).isPending());
    ch.rx().cancel();
    ch.tx().send("later");
    assertEquals(0, w.wakes(), "the cancelled wait was not woken");
    assertEquals(Poll.ready("later"), new TestWaker().poll(ch.rx()));
  }

  @Test
  void aSenderSendsOnce() throws Exception {
    var ch = Oneshot.<String>channel();
    ch.tx().send("a");
    assertThrows(IllegalStateException.class, () -> ch.tx().send("b"));
    ch.tx().close(); // no-op after a send
    assertEquals("a", ch.rx().tryRecv());
  }

  @Test
  void nullIsAValue() throws Exception {
    var ch = Oneshot.<Void>channel();
    ch.tx().send(null);
    assertSame(null, new TestWaker().poll(ch.rx()).value());
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void pingPongBetweenTasks(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      int rounds = 2_000;
      int last =
          rt.blockOn(
              Futures.loop(
                  0,
                  i -> {
                    if (i == rounds) {
                      return Futures.ready(Step.<Integer, Integer>done(i));
                    }
                    var ping = Oneshot.<Integer>channel();
                    var pong = Oneshot.<Integer>channel();
                    Task.spawn(
                        ping.rx()
                            .map(
                                v -> {
                                  pong.tx().send(v + 1);
                                  return null;
                                }));
                    ping.tx().send(i);
                    return pong.rx().map(Step::<Integer, Integer>next);
                  }));
      assertEquals(rounds, last);
    }
  }

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void aTaskAbandonsWorkWhenTheReceiverGoesAway(Flavor flavor) throws Exception {
    try (Runtime rt = runtime(flavor)) {
      var ch = Oneshot.<String>channel();
      var worker = rt.spawn(ch.tx().closed().map(v -> "abandoned"));
      rt.spawn(
          Futures.fromSupplier(
              () -> {
                ch.rx().close();
                return null;
              }));
      assertEquals("abandoned", rt.blockOn(worker));
    }
  }
}
