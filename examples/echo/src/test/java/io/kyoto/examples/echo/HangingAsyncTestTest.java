package io.kyoto.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.TaskDump;
import io.kyoto.runtime.TimeoutWithDumpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A generated {@code @AsyncTest} that hangs fails at its timeout with what was pending. */
@Timeout(60)
class HangingAsyncTestTest {
  @Test
  void aHangingAsyncTestNamesThePendingReceiveAndTheWaitingTask() {
    HangSpec_AsyncTest generated = new HangSpec_AsyncTest();
    TimeoutWithDumpException e =
        assertThrows(
            TimeoutWithDumpException.class, generated::waitsForAMessageThatNeverComes_async);
    String m = e.getMessage();
    assertTrue(
        m.startsWith(
            "@AsyncTest HangSpec.waitsForAMessageThatNeverComes() timed out after 1000 ms"),
        m);
    assertTrue(m.contains("pending: Mpsc.recv[waiting for a message, senders=1]"), m);
    assertTrue(
        m.contains("task " + generated.waiterId + " [idle] Notified{waiting for a notification}"),
        m);
    assertEquals(1, e.tasks().size(), m);
    assertEquals(TaskDump.State.IDLE, e.tasks().get(0).state());
  }
}
