package io.kyoto.runtime.internal.task;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A failed task that nobody joins is reported once its handle is garbage; a joined one is not. */
@Timeout(60)
class UnobservedFailuresTest {
  @AfterEach
  void unhook() {
    UnobservedFailures.onReport = null;
  }

  @Test
  void aDroppedFailedTaskIsReportedAndAJoinedOneIsNot() throws Exception {
    Set<Long> reported = ConcurrentHashMap.newKeySet();
    UnobservedFailures.onReport = reported::add;
    long[] ids = new long[3];
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      ids[0] = rt.blockOn(Futures.lazy(() -> dropAFailingTask()));
      JoinHandle<Void> joined = rt.spawn(Futures.failed(new IllegalStateException("joined")));
      ids[1] = joined.id();
      rt.blockOn(Task.yieldNow()); // it fails before anyone joins
      assertThrows(JoinException.class, () -> rt.blockOn(joined)); // then it is joined: observed
      JoinHandle<Void> aborted = rt.spawn(cx -> io.kyoto.runtime.Poll.pending());
      ids[2] = aborted.id();
      aborted.abort();
      rt.blockOn(Task.yieldNow());
    }
    for (int i = 0; i < 200 && !reported.contains(ids[0]); i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertTrue(reported.contains(ids[0]), "the dropped failure was reported: " + reported);
    for (int i = 0; i < 10; i++) { // give the others the same chance to be (wrongly) reported
      System.gc();
      Thread.sleep(20);
    }
    assertFalse(reported.contains(ids[1]), "a joined failure is the joiner's");
    assertFalse(reported.contains(ids[2]), "an abort is no failure");
  }

  /** Spawns a task that fails, yields so that it runs, and forgets its handle. */
  private static io.kyoto.runtime.Future<Long> dropAFailingTask() {
    long id = Task.spawn(Futures.failed(new IllegalStateException("nobody looks"))).id();
    return Task.yieldNow().map(v -> id);
  }

  @Test
  void theMessageSaysWhatHappenedAndWhatToDo() {
    String m = UnobservedFailures.message(7, new IllegalStateException("boom"));
    assertTrue(
        m.startsWith(
            "task 7 failed and nobody joined it (its JoinHandle was dropped):"
                + " java.lang.IllegalStateException: boom."),
        m);
    assertTrue(m.contains("Join the handle"), m);
  }
}
