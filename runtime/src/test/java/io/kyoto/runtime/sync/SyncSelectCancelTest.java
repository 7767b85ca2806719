package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Select;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each primitive as the losing branch of a biased {@link Select}: the branch was woken with its
 * grant (a notification, permits, capacity, a value), and the other branch, polled first, wins on
 * the re-poll; the select cancels the loser, whose grant must reach the next waiter or stay in the
 * channel.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncSelectCancelTest {

  /** A select of {@code trigger} (polled first) and {@code loser}. */
  private static <A, B> HandPolled<String> race(Future<A> trigger, Future<B> loser) {
    return HandPolled.of(
        Select.<String>builder()
            .biased()
            .branch(trigger, a -> "trigger")
            .branch(loser, b -> "loser")
            .build());
  }

  @Test
  void aNotifyOneThatReachedTheLosingBranchGoesToTheNextWaiter() throws Exception {
    Notify notify = new Notify();
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), notify.notified());
    select.pending();
    HandPolled<Void> next = HandPolled.of(notify.notified());
    next.pending();
    notify.notifyOne(); // reaches the select's branch, the first queued
    assertTrue(select.isWoken());
    assertFalse(next.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(next.isWoken(), "the losing branch's notification was passed on");
    next.ready();
    HandPolled.of(notify.notified()).pending(); // and not stored as well
  }

  @Test
  void permitsThatReachedTheLosingBranchGoToTheNextWaiter() throws Exception {
    Semaphore sem = new Semaphore(0);
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), sem.acquire(2));
    select.pending();
    HandPolled<SemaphorePermit> next = HandPolled.of(sem.acquire(2));
    next.pending();
    sem.addPermits(2);
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(next.isWoken());
    assertEquals(2, next.ready().permits());
    assertEquals(0, sem.availablePermits());
  }

  @Test
  void aLockThatReachedTheLosingBranchGoesToTheNextWaiter() throws Exception {
    Mutex<String> mutex = new Mutex<>("v");
    MutexGuard<String> held = mutex.tryLock().orElseThrow();
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), mutex.lock());
    select.pending();
    HandPolled<MutexGuard<String>> next = HandPolled.of(mutex.lock());
    next.pending();
    held.close();
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(next.isWoken());
    next.ready().close();
    assertFalse(mutex.isLocked());
  }

  @Test
  void aWriteLockThatReachedTheLosingBranchGoesToTheQueuedReaders() throws Exception {
    RwLock<String> lock = new RwLock<>("v", 4);
    RwLockReadGuard<String> reading = lock.tryRead().orElseThrow();
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), lock.write());
    select.pending();
    HandPolled<RwLockReadGuard<String>> reader = HandPolled.of(lock.read());
    reader.pending(); // behind the writer
    reading.close(); // the writer has all 4 slots now
    assertTrue(select.isWoken());
    assertFalse(reader.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(reader.isWoken());
    reader.ready().close();
    assertTrue(lock.tryWrite().isPresent());
  }

  @Test
  void capacityThatReachedALosingReserveGoesToTheNextSender() throws Exception {
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    ch.tx().trySend("a");
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), ch.tx().reserve());
    select.pending();
    HandPolled<Void> next = HandPolled.of(ch.tx().send("b"));
    next.pending();
    assertEquals("a", ch.rx().tryRecv()); // the freed slot goes to the reservation
    assertTrue(select.isWoken());
    assertFalse(next.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(next.isWoken(), "the cancelled reservation's slot went to the next sender");
    next.ready();
    assertEquals("b", ch.rx().tryRecv());
  }

  @Test
  void aSendThatGotCapacityBeforeLosingWasSent() throws Exception {
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    ch.tx().trySend("a");
    Notify other = new Notify();
    Mpsc.SendFuture<String> send = ch.tx().send("b");
    HandPolled<String> select = race(other.notified(), send);
    select.pending();
    assertEquals("a", ch.rx().tryRecv());
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertNull(send.cancelAndReclaim(), "the message is in the channel, not given back");
    assertEquals("b", ch.rx().tryRecv());
  }

  @Test
  void aBroadcastValueThatWokeTheLosingBranchIsStillThere() throws Exception {
    Broadcast.Channel<String> ch = Broadcast.channel(4);
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), ch.rx().recv());
    select.pending();
    ch.tx().send("v");
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertEquals("v", HandPolled.of(ch.rx().recv()).ready());
  }

  @Test
  void aWatchChangeThatWokeTheLosingBranchIsStillUnseen() throws Exception {
    Watch.Channel<String> ch = Watch.channel("a");
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), ch.rx().changed());
    select.pending();
    ch.tx().send("b");
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(ch.rx().hasChanged());
    HandPolled.of(ch.rx().changed()).ready();
    assertEquals("b", ch.rx().borrowAndUpdate());
  }

  @Test
  void anMpscMessageThatWokeTheLosingBranchIsStillThere() throws Exception {
    Mpsc.Channel<String> ch = Mpsc.channel(2);
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), ch.rx().recv());
    select.pending();
    ch.tx().trySend("m");
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertEquals("m", ch.rx().tryRecv());
  }

  @Test
  void aReleasedBarrierWaitThatLosesLeavesTheNextGenerationWhole() throws Exception {
    Barrier barrier = new Barrier(2);
    Notify other = new Notify();
    HandPolled<String> select = race(other.notified(), barrier.await());
    select.pending();
    assertTrue(HandPolled.of(barrier.await()).ready().isLeader());
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    HandPolled<BarrierWaitResult> first = HandPolled.of(barrier.await());
    first.pending(); // a new generation needs both arrivals again
    assertTrue(HandPolled.of(barrier.await()).ready().isLeader());
    assertFalse(first.ready().isLeader());
  }

  @Test
  void aOnceCellWaiterHandedTheInitPermitThatLosesLetsTheNextOneInitialize() throws Exception {
    OnceCell<String> cell = new OnceCell<>();
    Notify gate = new Notify();
    HandPolled<String> initializer =
        HandPolled.of(cell.getOrInit(() -> gate.notified().map(v -> "never")));
    initializer.pending();
    Notify other = new Notify();
    HandPolled<String> select =
        race(other.notified(), cell.getOrInit(() -> gate.notified().map(v -> "x")));
    select.pending();
    HandPolled<String> next =
        HandPolled.of(cell.getOrInit(() -> io.kyoto.runtime.Futures.ready("next")));
    next.pending();
    initializer.cancel(); // the permit goes to the select's branch
    assertTrue(select.isWoken());
    other.notifyOne();
    assertEquals("trigger", select.ready());
    assertTrue(next.isWoken());
    assertEquals("next", next.ready());
    assertEquals("next", cell.get().orElseThrow());
  }

  @Test
  void aClosedMpscFailsEveryWaitingSenderAndReservation() throws Exception {
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    ch.tx().trySend("a");
    HandPolled<Void> send = HandPolled.of(ch.tx().send("b"));
    send.pending();
    HandPolled<Mpsc.Permit<String>> reserve = HandPolled.of(ch.tx().reserve());
    reserve.pending();
    HandPolled<Void> closed = HandPolled.of(ch.tx().closed());
    closed.pending();
    ch.rx().close();
    assertTrue(send.isWoken());
    assertTrue(reserve.isWoken());
    assertTrue(closed.isWoken());
    SendException e = assertThrows(SendException.class, send::poll);
    assertEquals("b", e.value());
    assertThrows(SendException.class, reserve::poll);
    closed.ready();
    assertEquals("a", ch.rx().tryRecv());
  }
}
