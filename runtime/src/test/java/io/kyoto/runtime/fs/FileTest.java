package io.kyoto.runtime.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.io.BufReader;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.IoTestSupport;
import io.kyoto.runtime.io.IoTestSupport.CountingWaker;
import io.kyoto.runtime.io.IoTestSupport.HeldBlockingThread;
import io.kyoto.runtime.io.Lines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link File}: tokio's file model (one operation in flight, writes complete at once). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileTest {
  @TempDir Path dir;

  private final Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();

  @AfterEach
  void close() {
    rt.close();
  }

  private <T> T run(Future<T> f) throws Exception {
    return rt.blockOn(f);
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  @Test
  void writeFlushThenReadBack() throws Exception {
    Path p = dir.resolve("f");
    File out = run(File.create(p));
    run(out.writeAll(ascii("hello ")).flatMap(v -> out.writeAll(ascii("world"))));
    run(out.closeAsync());
    assertEquals("hello world", Files.readString(p));
    File in = run(File.open(p));
    assertEquals("hello world", new String(run(in.readToEnd()), UTF_8));
    in.close();
  }

  @Test
  void copyingAFileLargerThanOneBufferKeepsEveryByte() throws Exception {
    byte[] data = new byte[2 * File.MAX_BUF + 12345];
    new Random(7).nextBytes(data);
    Path src = Files.write(dir.resolve("src"), data);
    Path dst = dir.resolve("dst");
    long copied =
        run(
            File.open(src)
                .flatMap(
                    in ->
                        Io.using(
                            in,
                            i ->
                                File.create(dst)
                                    .flatMap(out -> Io.using(out, o -> Io.copy(i, o))))));
    assertEquals(data.length, copied);
    assertArrayEquals(data, Files.readAllBytes(dst));
  }

  @Test
  void linesThroughABufReader() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      text.append("line ").append(i).append('\n');
    }
    Path p = Files.writeString(dir.resolve("lines"), text);
    File f = run(File.open(p));
    Lines lines = Io.lines(BufReader.create(f));
    int count = 0;
    for (String line; (line = run(lines.nextLine())) != null; count++) {
      assertEquals("line " + count, line);
    }
    assertEquals(1000, count);
  }

  @Test
  void aWriteCompletesAtOnceAndItsFailureIsReportedByTheNextFlush() throws Exception {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "needs /dev/full");
    File f = run(File.options().write(true).open(full));
    run(f.writeAll(ascii("no room for this"))); // accepted into the file's buffer
    IOException e = assertThrows(IOException.class, () -> run(f.flush()));
    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    run(f.flush()); // reported once
    run(f.writeAll(ascii("again")));
    assertThrows(IOException.class, () -> run(f.closeAsync()), "closeAsync reports it too");
    assertThrows(ClosedChannelException.class, () -> run(f.flush()), "and closed the file");
  }

  @Test
  void closeDoesNotDiscardAWriteInFlight() throws Exception {
    Path p = dir.resolve("f");
    byte[] data = new byte[File.MAX_BUF];
    new Random(3).nextBytes(data);
    File f = run(File.create(p));
    run(f.writeAll(ByteBuffer.wrap(data)));
    f.close(); // no flush: the write may still be running
    f.close(); // idempotent
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Files.size(p) < data.length && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertArrayEquals(data, Files.readAllBytes(p));
    assertThrows(ClosedChannelException.class, () -> run(f.read(ByteBuffer.allocate(1))));
    run(f.closeAsync()); // closed already: nothing to do
  }

  @Test
  void aWriteReportedDoneIsNotDroppedWhenTheRuntimeShutsDownBeforeItRuns() throws Exception {
    Path p = dir.resolve("f");
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Runtime small =
        Runtime.builder().multiThread().workerThreads(1).maxBlockingThreads(1).enableAll().build();
    File f = small.blockOn(File.create(p));
    small.spawnBlocking(
        () -> {
          release.await(); // holds the only blocking thread
          return null;
        });
    small.blockOn(f.writeAll(ascii("kept"))); // done for the caller; queued behind that job
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                Thread.sleep(300); // let close() begin while the write is still queued
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              release.countDown();
            });
    small.close();
    assertEquals("kept", Files.readString(p), "the queued write ran before the pool stopped");
  }

  @Test
  void seekAndPosition() throws Exception {
    Path p = Files.writeString(dir.resolve("f"), "hello world");
    File f = run(File.options().read(true).write(true).open(p));
    assertEquals(6L, run(f.seek(6)));
    ByteBuffer five = ByteBuffer.allocate(5);
    run(f.readExact(five));
    assertEquals("world", new String(five.array(), UTF_8));
    assertEquals(11L, run(f.position()));
    run(f.seek(0).flatMap(x -> f.writeAll(ascii("HELLO"))).flatMap(v -> f.flush()));
    assertEquals("HELLO world", Files.readString(p));
    assertEquals(11L, run(f.size()));
    run(f.syncAll());
    run(f.syncData());
    f.close();
    assertThrows(IllegalArgumentException.class, () -> f.seek(-1));
  }

  @Test
  void bytesOfACancelledReadAreNeitherLostNorSkipped() throws Exception {
    Path p = Files.writeString(dir.resolve("f"), "0123456789");
    File f = run(File.options().read(true).write(true).open(p));
    ByteBuffer first = ByteBuffer.allocate(4);
    run(f.readExact(first));
    assertEquals("0123", new String(first.array(), UTF_8));
    // A read of 4 more bytes, polled once and dropped: its blocking job keeps running.
    AtomicBoolean readyAtOnce = new AtomicBoolean();
    ByteBuffer dropped = ByteBuffer.allocate(4);
    run(
        cx -> {
          Future<Integer> read = f.read(dropped);
          Poll<Integer> poll = read.poll(cx);
          readyAtOnce.set(poll.isReady());
          read.cancel();
          return Poll.ready(null);
        });
    // The next write goes where the reader stands: after "0123", or after "4567" if that read
    // happened to finish in its first poll.
    run(f.writeAll(ascii("AB")).flatMap(v -> f.flush()));
    assertEquals(readyAtOnce.get() ? "01234567AB" : "0123AB6789", Files.readString(p));
    f.close();
  }

  /**
   * A cancelled read withdraws the waker it left with the blocking read in flight, as on a child's
   * pipe: a read of a FIFO that nobody writes yet stays in flight until the test writes, and that
   * write must not wake the cancelled read's task. The bytes go to the next read.
   */
  @Test
  void aCancelledReadLeavesNoWakerWithTheBlockingRead() throws Exception {
    Path fifo = dir.resolve("fifo");
    assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo works");
    // Read and write: on Linux that opens a FIFO without waiting for a writer.
    File f = run(File.options().read(true).write(true).open(fifo));
    CountingWaker cancelled = new CountingWaker();
    cancelled.pollPendingThenCancel(rt, () -> f.read(ByteBuffer.allocate(16)));
    Files.writeString(fifo, "late"); // the blocking read gets it, and its job ends
    assertEquals(0, cancelled.wakesWithin1s(), "the cancelled read's task was woken");
    String got = IoTestSupport.readReadyNow(rt, f);
    assertEquals("late", got);
    f.close();
  }

  /** A file operation other than read, write and flush, by name. */
  private record Op(String name, Function<File, Future<?>> start) {}

  private static final List<Op> RUN_THEIR_OWN_JOB =
      List.of(
          new Op("size", File::size),
          new Op("syncAll", File::syncAll),
          new Op("syncData", File::syncData));

  private static final List<Op> WAIT_FOR_THE_OPERATION_IN_FLIGHT =
      List.of(
          new Op("seek", f -> f.seek(1)),
          new Op("position", File::position),
          new Op("closeAsync", File::closeAsync),
          RUN_THEIR_OWN_JOB.get(0),
          RUN_THEIR_OWN_JOB.get(1),
          RUN_THEIR_OWN_JOB.get(2));

  /**
   * Every other operation's cancelled future takes back the waker it left with the write in flight,
   * as a cancelled read does: the write still ends, and its end wakes nobody.
   */
  @Test
  void aCancelledOperationWaitingForTheWriteInFlightLeavesItNoWaker() throws Exception {
    for (Op op : WAIT_FOR_THE_OPERATION_IN_FLIGHT) {
      try (HeldBlockingThread held = new HeldBlockingThread()) {
        Runtime one = held.runtime();
        Path p = dir.resolve(op.name());
        File f = one.blockOn(File.create(p));
        held.hold();
        one.blockOn(f.writeAll(ascii("ab"))); // done at once; its job waits for the thread
        CountingWaker cancelled = new CountingWaker();
        cancelled.pollPendingThenCancel(one, () -> op.start().apply(f));
        held.releaseAndDrain();
        assertEquals(0, cancelled.wakes(), op.name() + ": the cancelled future's task was woken");
        one.blockOn(f.flush());
        assertEquals("ab", Files.readString(p), op.name());
        f.close();
      }
    }
  }

  /**
   * The cancelled future of an operation that runs its own blocking job (size, sync) takes back the
   * waker it left with that job; the job itself still runs, and the file stays usable.
   */
  @Test
  void aCancelledSizeOrSyncLeavesNoWakerWithItsOwnJob() throws Exception {
    for (Op op : RUN_THEIR_OWN_JOB) {
      try (HeldBlockingThread held = new HeldBlockingThread()) {
        Runtime one = held.runtime();
        Path p = dir.resolve(op.name());
        File f = one.blockOn(File.create(p));
        held.hold();
        CountingWaker cancelled = new CountingWaker();
        cancelled.pollPendingThenCancel(one, () -> op.start().apply(f));
        held.releaseAndDrain();
        assertEquals(0, cancelled.wakes(), op.name() + ": the cancelled future's task was woken");
        one.blockOn(f.writeAll(ascii("x")).flatMap(v -> f.flush()));
        assertEquals("x", Files.readString(p), op.name());
        f.close();
      }
    }
  }

  @Test
  void aCancelledReadsBytesGoToTheNextRead() throws Exception {
    Path p = Files.writeString(dir.resolve("f"), "0123456789");
    File f = run(File.open(p));
    AtomicBoolean readyAtOnce = new AtomicBoolean();
    ByteBuffer dropped = ByteBuffer.allocate(4);
    run(
        cx -> {
          Future<Integer> read = f.read(dropped);
          readyAtOnce.set(read.poll(cx).isReady());
          read.cancel();
          return Poll.ready(null);
        });
    String rest = new String(run(f.readToEnd()), UTF_8);
    assertEquals(readyAtOnce.get() ? "456789" : "0123456789", rest);
    f.close();
  }

  @Test
  void aCancelledReadsFailureIsNotReportedByTheNextWrite() throws Exception {
    Path p = Files.writeString(dir.resolve("f"), "data");
    try (Runtime one =
        Runtime.builder()
            .multiThread()
            .workerThreads(1)
            .maxBlockingThreads(1)
            .enableAll()
            .build()) {
      File w = one.blockOn(File.options().write(true).open(p));
      CountDownLatch release = new CountDownLatch(1);
      // The only blocking thread waits on the latch, so the read's job queues behind it and its
      // first poll is pending whatever the timing.
      one.blockOn(
          Futures.fromSupplier(
              () ->
                  Task.spawnBlocking(
                      () -> {
                        release.await();
                        return null;
                      })));
      boolean pending =
          one.blockOn(
              cx -> {
                Future<Integer> read = w.read(ByteBuffer.allocate(4)); // fails: write-only
                boolean p0 = read.poll(cx).isPending();
                read.cancel();
                return Poll.ready(p0);
              });
      assertTrue(pending, "the read's job ran before the blocking thread was free");
      release.countDown();
      assertDoesNotThrow(
          () -> one.blockOn(w.writeAll(ascii("DA")).flatMap(v -> w.flush())),
          "the write reported the cancelled read's failure");
      assertEquals("DAta", Files.readString(p));
      w.close();
    }
  }

  @Test
  void readingAWriteOnlyFileOrWritingAReadOnlyOneFailsWithAClearIoException() throws Exception {
    Path p = Files.writeString(dir.resolve("f"), "data");
    File w = run(File.options().write(true).open(p));
    IOException notReadable =
        assertThrows(IOException.class, () -> run(w.read(ByteBuffer.allocate(4))));
    assertEquals("file not opened for reading: " + p, notReadable.getMessage());
    File r = run(File.open(p));
    run(r.writeAll(ascii("x"))); // accepted; the failure comes with the next operation
    IOException notWritable = assertThrows(IOException.class, () -> run(r.flush()));
    assertEquals("file not opened for writing: " + p, notWritable.getMessage());
    assertEquals("data", Files.readString(p));
    w.close();
    r.close();
  }

  @Test
  void openOptionsFollowStdsRules() throws Exception {
    Path p = dir.resolve("f");
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> run(File.options().open(p)));
    assertTrue(none.getMessage().contains("read, write or append"), none.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> run(File.options().read(true).create(true).open(p)));
    assertThrows(
        IllegalArgumentException.class,
        () -> run(File.options().append(true).truncate(true).open(p)));
    run(File.createNew(p)).close();
    assertThrows(FileAlreadyExistsException.class, () -> run(File.createNew(p)));
    Files.writeString(p, "start;");
    File log = run(File.options().append(true).open(p));
    run(log.seek(0).flatMap(x -> log.writeAll(ascii("end"))).flatMap(v -> log.closeAsync()));
    assertEquals("start;end", Files.readString(p), "append writes at the end whatever the seek");
  }
}
