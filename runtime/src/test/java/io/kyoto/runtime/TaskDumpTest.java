package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.runtime.sync.Notify;
import io.kyoto.runtime.sync.Oneshot;
import io.kyoto.runtime.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Task dumps, futures' descriptions and {@link Time#timeoutWithDump}. */
@Timeout(30)
class TaskDumpTest {
  private static Runtime paused() {
    return Runtime.builder().currentThread().startPaused(true).enableAll().build();
  }

  @Test
  void timeoutWithDumpNamesThePendingReceiveAndTheWaitingTask() {
    AtomicLong waiter = new AtomicLong();
    Mpsc.Channel<String> ch = Mpsc.channel(4); // the sender stays open: the receive never ends
    Notify never = new Notify();
    TimeoutWithDumpException e;
    long t0 = System.nanoTime();
    try (Runtime rt = paused()) {
      Exception thrown =
          assertThrows(
              Exception.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            waiter.set(Task.spawn(never.notified()).id());
                            Task.spawn(Time.sleep(Duration.ofHours(1))); // the paused clock skips
                            return Time.timeoutWithDump(
                                Duration.ofMillis(300), "@AsyncTest Spec.hangs()", ch.rx().recv());
                          })));
      e = assertInstanceOf(TimeoutWithDumpException.class, thrown);
    }
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(took >= 300, "the limit is real time: " + took + " ms");
    assertInstanceOf(TimeoutException.class, e);
    String m = e.getMessage();
    assertTrue(m.startsWith("@AsyncTest Spec.hangs() timed out after 300 ms"), m);
    assertTrue(m.contains("pending: Mpsc.recv[waiting for a message, senders=1]"), m);
    assertTrue(m.contains("task " + waiter.get() + " [idle] "), m);
    assertEquals("@AsyncTest Spec.hangs()", e.what());
    assertEquals("Mpsc.recv[waiting for a message, senders=1]", e.pending());
    assertEquals(1, e.tasks().size(), m); // the hour-long sleeper finished on the paused clock
    TaskDump t = e.tasks().get(0);
    assertEquals(waiter.get(), t.id());
    assertEquals(TaskDump.State.IDLE, t.state());
  }

  /**
   * Tasks a dump cannot list (queued for their first poll, or in it) are counted in the message: a
   * worker held by a blocking first poll, with five tasks queued behind it, shows six.
   */
  @Test
  void timeoutWithDumpCountsTasksStuckBeforeTheirFirstPendingPoll() throws Exception {
    java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      TimeoutWithDumpException e =
          assertThrows(
              TimeoutWithDumpException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            Task.spawn(
                                cx -> {
                                  blocked.countDown();
                                  release.await(); // holds the only worker in its first poll
                                  return Poll.ready(null);
                                });
                            blocked.await();
                            for (int i = 0; i < 5; i++) {
                              Task.spawn(new Notify().notified()); // queued behind it
                            }
                            return Time.timeoutWithDump(
                                Duration.ofMillis(200), "stuck", new Notify().notified());
                          })));
      release.countDown();
      assertEquals(6, e.unlistedTasks(), e.getMessage());
      assertTrue(e.tasks().isEmpty(), e.getMessage());
      assertTrue(
          e.getMessage().endsWith("\n  not listed (queued for a first poll, or still in it): 6"),
          e.getMessage());
    }
  }

  @Test
  void anHourOfPausedTimePassesARealTimeLimitOfASecond() throws Exception {
    try (Runtime rt = paused()) {
      long t0 = System.nanoTime();
      String v =
          rt.blockOn(
              Futures.lazy(
                  () ->
                      Time.timeoutWithDump(
                          Duration.ofSeconds(1),
                          "@AsyncTest Spec.sleepsAnHour()",
                          Time.sleep(Duration.ofHours(1)).map(ignored -> "woke"))));
      assertEquals("woke", v);
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos());
    }
    // No time driver needed: the limit is not a runtime timer.
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      assertThrows(
          TimeoutWithDumpException.class,
          () ->
              rt.blockOn(
                  Time.timeoutWithDump(Duration.ofMillis(50), "no time", new Notify().notified())));
    }
  }

  @Test
  void timeoutWithDumpPassesValuesThrough() throws Exception {
    try (Runtime rt = paused()) {
      String v =
          rt.blockOn(
              Futures.lazy(
                  () ->
                      Time.timeoutWithDump(
                          Duration.ofSeconds(1),
                          "x",
                          Time.sleep(Duration.ofMillis(10)).map(ignored -> "done"))));
      assertEquals("done", v);
    }
  }

  @Test
  void yieldAndBudgetFuturesDescribeThemselves() {
    // Task dumps show what a task waits for; these read as what the user wrote.
    assertEquals("Task.yieldNow", Task.yieldNow().toString());
    assertEquals("Task.consumeBudget", Task.consumeBudget().toString());
  }

  @Test
  void plainTimeoutKeepsItsShortMessage() {
    try (Runtime rt = paused()) {
      TimeoutException e =
          assertThrows(
              TimeoutException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> Time.timeout(Duration.ofSeconds(1), new Notify().notified()))));
      assertEquals("deadline has elapsed (PT1S)", e.getMessage());
      assertFalse(e instanceof TimeoutWithDumpException);
    }
  }

  @Test
  void dumpFromAnotherThreadShowsBlockOnAndIdleTasks() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      Oneshot.Channel<Integer> one = Oneshot.channel();
      JoinHandle<Integer> waiting = rt.spawn(one.rx());
      Notify notify = new Notify();
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread main =
          new Thread(
              () -> {
                try {
                  rt.blockOn(notify.notified());
                } catch (Exception ex) {
                  failure.set(ex);
                }
              },
              "dump-main");
      main.start();
      List<TaskDump> dump = List.of();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        dump = rt.dumpTasks();
        if (dump.size() == 2
            && dump.get(0).future().contains("waiting for a notification")
            && dump.get(1).state() == TaskDump.State.IDLE) {
          break;
        }
        Thread.sleep(5);
      }
      assertEquals(2, dump.size(), dump.toString());
      TaskDump blocked = dump.get(0);
      assertEquals(TaskDump.State.BLOCK_ON, blocked.state());
      assertEquals(main.threadId(), blocked.id());
      assertEquals("Notified{waiting for a notification}", blocked.future());
      assertTrue(blocked.toString().startsWith("blockOn (thread " + main.threadId() + ")"));
      TaskDump task = dump.get(1);
      assertEquals(waiting.id(), task.id());
      assertEquals("Oneshot.Receiver{waiting for a value}", task.future());
      assertEquals(
          "task " + waiting.id() + " [idle] Oneshot.Receiver{waiting for a value}",
          task.toString());
      assertEquals(Oneshot.Receiver.class.getName(), task.futureClass());

      notify.notifyOne();
      main.join(10_000);
      one.tx().send(7);
      assertEquals(7, rt.blockOn(waiting));
      assertEquals(null, failure.get());
      assertTrue(rt.dumpTasks().isEmpty(), rt.dumpTasks().toString());
    }
  }

  @Test
  void concurrentDumpsWhileTasksComeAndGo() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread dumper =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    for (TaskDump d : rt.dumpTasks()) {
                      if (d.toString().isEmpty()) {
                        throw new AssertionError("empty dump line");
                      }
                    }
                  }
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      dumper.start();
      for (int round = 0; round < 50; round++) {
        List<Future<? extends Integer>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          int n = i;
          all.add(
              rt.spawn(
                  Task.yieldNow().flatMap(v -> Time.sleep(Duration.ofMillis(n % 3))).map(v -> n)));
        }
        assertEquals(50, rt.blockOn(Futures.join(all)).size());
      }
      stop.set(true);
      dumper.join(10_000);
      assertEquals(null, failure.get());
    }
  }

  @Test
  void combinatorsDescribeTheirInnerFuture() {
    Notify notify = new Notify();
    Future<Integer> chain = notify.notified().map(v -> 1).flatMap(Futures::ready);
    assertEquals("FlatMap[Map[Notified{not yet waiting}]]", chain.toString());
    Future<List<Object>> join =
        Futures.join(List.of(Futures.ready(1), new Semaphore(0).acquire(2)));
    assertEquals(
        "Join[2 of 2 pending: #0 Ready, #1 Acquire[2 permits, not yet queued]]", join.toString());
    assertEquals(
        "Unconstrained[Oneshot.Receiver{waiting for a value}]",
        Futures.unconstrained(Oneshot.<String>channel().rx()).toString());
    Mpsc.Channel<String> ch = Mpsc.channel(1);
    ch.tx().close();
    assertEquals("Mpsc.recv[channel closed]", ch.rx().recv().toString());
  }

  @Test
  void sleepAndTimeoutDescribeTheirDeadlines() throws Exception {
    try (Runtime rt = paused()) {
      List<String> seen = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                Sleep sleep = Time.sleep(Duration.ofSeconds(2));
                Future<Void> timeout = Time.timeout(Duration.ofSeconds(3), new Notify().notified());
                seen.add(sleep.toString());
                seen.add(timeout.toString());
                return Time.sleep(Duration.ofSeconds(1))
                    .map(
                        v -> {
                          seen.add(sleep.toString());
                          return null;
                        });
              }));
      assertEquals("Sleep{deadline in 2000ms}", seen.get(0));
      assertEquals("Timeout[PT3S, deadline in 3000ms, Notified{not yet waiting}]", seen.get(1));
      assertEquals("Sleep{deadline in 1000ms}", seen.get(2));
    }
    assertEquals("Sleep{500ms, not started}", Time.sleep(Duration.ofMillis(500)).toString());
  }

  @Test
  void ioFuturesDescribeTheirSource() throws Exception {
    io.kyoto.runtime.io.DuplexStream.Pair pair = io.kyoto.runtime.io.Io.duplex(64);
    assertEquals(
        "Io.read[DuplexStream{closed=false, available=0}]",
        io.kyoto.runtime.io.Io.read(pair.server(), java.nio.ByteBuffer.allocate(8)).toString());
    assertEquals(
        "Io.readExact[8 bytes left, DuplexStream{closed=false, available=0}]",
        io.kyoto.runtime.io.Io.readExact(pair.server(), java.nio.ByteBuffer.allocate(8))
            .toString());
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      String accept =
          rt.blockOn(
              Futures.lazy(
                  () ->
                      io.kyoto.runtime.net.TcpListener.bind("127.0.0.1:0")
                          .map(
                              l -> {
                                try (l) {
                                  return l.accept().toString();
                                }
                              })));
      assertTrue(accept.startsWith("TcpListener.accept[TcpListener{"), accept);
    }
  }

  @Test
  void describeIsSafeAndBounded() {
    Object broken =
        new Object() {
          @Override
          public String toString() {
            throw new IllegalStateException("boom");
          }
        };
    assertTrue(
        TaskDump.describe(broken).endsWith("{toString failed: java.lang.IllegalStateException}"));
    assertEquals("null", TaskDump.describe(null));
    Object huge =
        new Object() {
          @Override
          public String toString() {
            return "x".repeat(100_000);
          }
        };
    assertTrue(TaskDump.describe(huge).length() <= 600);
    Future<Integer> deep = Futures.ready(0);
    for (int i = 0; i < 100_000; i++) {
      deep = deep.map(v -> v + 1);
    }
    String d = TaskDump.describe(deep);
    assertTrue(d.startsWith("Map[Map[Map["), d);
    assertTrue(d.contains("..."), d);
    assertTrue(d.length() <= 600, d);
  }
}
