package io.kyoto.runtime.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ScheduledIo}'s waiter slots: storing, waking and withdrawing a waker. */
class ScheduledIoTest {
  private final ScheduledIo io = new ScheduledIo(1);

  /** A waker that counts its wakes. */
  private static final class Counting implements Waker {
    final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }
  }

  @Test
  void aWithdrawnReaderIsNotWokenByTheNextEvent() {
    Counting reader = new Counting();
    assertEquals(-1, io.pollReadiness(ScheduledIo.READ_INTEREST, reader));
    io.withdraw(ScheduledIo.READ_INTEREST, reader);
    io.setReadiness(1, ScheduledIo.READABLE);
    assertEquals(0, reader.wakes.get());
  }

  @Test
  void withdrawingAnotherWakerLeavesTheWaiterInPlace() {
    Counting older = new Counting();
    Counting newer = new Counting();
    io.pollReadiness(ScheduledIo.READ_INTEREST, older);
    io.pollReadiness(ScheduledIo.READ_INTEREST, newer); // replaces the older waiter
    io.withdraw(ScheduledIo.READ_INTEREST, older);
    io.setReadiness(1, ScheduledIo.READABLE);
    assertEquals(0, older.wakes.get());
    assertEquals(1, newer.wakes.get());
  }

  @Test
  void withdrawingAReaderLeavesTheWriterOfTheSameTask() {
    Counting task = new Counting();
    io.pollReadiness(ScheduledIo.READ_INTEREST, task);
    io.pollReadiness(ScheduledIo.WRITE_INTEREST, task);
    io.withdraw(ScheduledIo.READ_INTEREST, task);
    io.setReadiness(1, ScheduledIo.READABLE | ScheduledIo.WRITABLE);
    assertEquals(1, task.wakes.get());
  }

  @Test
  void withdrawingAfterTheWakeTookTheWakerDoesNothing() {
    Counting first = new Counting();
    io.pollReadiness(ScheduledIo.WRITE_INTEREST, first);
    io.setReadiness(1, ScheduledIo.WRITABLE);
    io.clearReadiness(io.word(), ScheduledIo.WRITABLE);
    Counting second = new Counting();
    io.pollReadiness(ScheduledIo.WRITE_INTEREST, second);
    io.withdraw(ScheduledIo.WRITE_INTEREST, first);
    io.setReadiness(2, ScheduledIo.WRITABLE);
    assertEquals(1, first.wakes.get());
    assertEquals(1, second.wakes.get());
  }
}
