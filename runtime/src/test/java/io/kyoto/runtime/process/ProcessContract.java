package io.kyoto.runtime.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.Backend;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.BufReader;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.IoTestSupport;
import io.kyoto.runtime.io.IoTestSupport.CountingWaker;
import io.kyoto.runtime.io.Lines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Command} and {@link Child}: tokio's {@code process} on real child processes, on a runtime
 * of one reactor backend (subclassed per backend). Children are spawned on the runtime, as a task
 * would, so their pipes follow its backend: Kyoto's own on epoll, the JDK's on nio; a child spawned
 * off any runtime gets the pipes of the JVM's default backend.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ProcessContract {
  private Runtime rt;

  abstract Backend backend();

  @BeforeEach
  void open() {
    rt = Runtime.builder().multiThread().workerThreads(2).enableIo(backend()).enableTime().build();
  }

  @AfterEach
  void close() {
    rt.close();
  }

  /** Spawns on the runtime, so that the child's pipes follow the runtime's backend. */
  private Child spawn(Command command) throws Exception {
    return run(Futures.lazy(() -> Futures.ready(command.spawn())));
  }

  /** {@return whether a child spawned on the runtime gets Kyoto's own pipes} */
  private boolean ownPipes() {
    return backend() == Backend.EPOLL && Files.isDirectory(PROC_FD);
  }

  /** {@return whether a child spawned off any runtime does: the JVM's default is epoll} */
  private static boolean ownPipesOffRuntime() {
    return Backend.current() == Backend.EPOLL && Files.isDirectory(PROC_FD);
  }

  private static final Path PROC_FD = Path.of("/proc/self/fd");

  private static String utf8(byte[] b) {
    return new String(b, UTF_8);
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  private <T> T run(Future<T> f) throws Exception {
    return rt.blockOn(f);
  }

  private static Command sh(String script) {
    return Command.of("/bin/sh", "-c", script);
  }

  @Test
  void outputCollectsStdoutAndStderrAndTheExitCode() throws Exception {
    Output ok = run(Command.of("echo", "hello").output());
    assertTrue(ok.status().success());
    assertEquals("hello\n", ok.stdoutText());
    assertEquals("", ok.stderrText());
    Output failed = run(sh("echo oops >&2; exit 3").output());
    assertEquals(3, failed.status().code());
    assertFalse(failed.status().success());
    assertEquals("oops\n", failed.stderrText());
  }

  @Test
  void statusOfACommandThatExitsNonZero() throws Exception {
    assertEquals(new ExitStatus(7), run(sh("exit 7").stdout(Stdio.NULL).status()));
  }

  @Test
  void outputGivesTheChildNoInputByDefault() throws Exception {
    Output out = run(Command.of("cat").output()); // would hang on an inherited terminal
    assertTrue(out.status().success());
    assertEquals(0, out.stdout().length);
  }

  @Test
  void pipedStdinIsClosedByWaitSoAChildReadingToTheEndFinishes() throws Exception {
    Child cat = spawn(Command.of("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED));
    Output out =
        run(
            cat.stdin()
                .writeAll(ByteBuffer.wrap("abc\n".getBytes(UTF_8)))
                .flatMap(v -> cat.waitWithOutput()));
    assertEquals("abc\n", out.stdoutText());
    assertTrue(out.status().success());
  }

  @Test
  void bothPipesAreDrainedTogetherSoALargeOutputCannotDeadlock() throws Exception {
    Output out =
        run(sh("head -c 1000000 /dev/zero; head -c 700000 /dev/zero >&2; echo done >&2").output());
    assertTrue(out.status().success());
    assertEquals(1_000_000, out.stdout().length);
    assertEquals(700_005, out.stderr().length);
  }

  @Test
  void linesStreamFromARunningChild() throws Exception {
    Child child = spawn(sh("for i in 1 2 3; do echo line $i; done").stdout(Stdio.PIPED));
    Lines lines = Io.lines(BufReader.create(child.stdout()));
    List<String> got = new ArrayList<>();
    for (String line; (line = run(lines.nextLine())) != null; ) {
      got.add(line);
    }
    assertEquals(List.of("line 1", "line 2", "line 3"), got);
    assertTrue(run(child.waitFor()).success());
  }

  @Test
  void killStopsAChildAndTryWaitSeesIt() throws Exception {
    Child sleeper = spawn(Command.of("sleep", "60"));
    assertTrue(sleeper.tryWait().isEmpty());
    ExitStatus status = run(sleeper.kill());
    assertEquals(128 + 9, status.code(), "SIGKILL, as the JDK reports it");
    assertEquals(status, sleeper.tryWait().orElseThrow());
    sleeper.startKill(); // harmless once exited
  }

  @Test
  void killOnDropKillsAChildWhoseWaiterIsCancelledAndTheDefaultLeavesItRunning() throws Exception {
    Child killed = spawn(Command.of("sleep", "60").stdout(Stdio.PIPED).killOnDrop(true));
    assertThrows(
        Exception.class,
        () ->
            run(
                io.kyoto.runtime.Time.timeout(
                    java.time.Duration.ofMillis(100), killed.waitWithOutput())));
    // Killed: it exits now, not in 60 s.
    ExitStatus status =
        run(io.kyoto.runtime.Time.timeout(java.time.Duration.ofSeconds(10), killed.waitFor()));
    assertEquals(128 + 9, status.code());

    Child kept = spawn(Command.of("sleep", "60"));
    assertThrows(
        Exception.class,
        () -> run(io.kyoto.runtime.Time.timeout(java.time.Duration.ofMillis(100), kept.waitFor())));
    assertTrue(kept.tryWait().isEmpty(), "without killOnDrop the child outlives its waiter");
    run(kept.kill());
  }

  /**
   * A {@code status()} cancelled while the child is being started (on the blocking pool) still
   * kills the child that start produces, with killOnDrop: before, the child was handed to nobody
   * and ran on (a tester saw 10 of 10 survive a 1 ms timeout).
   */
  @Test
  void killOnDropKillsAChildWhoseStartOutlivedItsCancelledFuture(@TempDir Path dir)
      throws Exception {
    List<Path> pidFiles = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Path pidFile = dir.resolve("child" + i + ".pid");
      pidFiles.add(pidFile);
      Command command =
          Command.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60").killOnDrop(true);
      // Cancelled at once, whether the start has begun, ended or not (a 1 ms timeout, as the
      // tester's lost select).
      assertThrows(
          Exception.class,
          () ->
              run(io.kyoto.runtime.Time.timeout(java.time.Duration.ofMillis(1), command.status())));
    }
    Thread.sleep(300); // a start under way when its future was cancelled writes its pid meanwhile
    List<Long> alive = new ArrayList<>();
    long end = System.nanoTime() + 10_000_000_000L; // a killed child is reaped well within this
    for (Path pidFile : pidFiles) {
      if (!Files.exists(pidFile)) {
        continue; // cancelled before the start: no child
      }
      String text = Files.readString(pidFile).strip();
      if (text.isEmpty()) {
        continue; // killed between creating and writing the file
      }
      long pid = Long.parseLong(text);
      ProcessHandle h = ProcessHandle.of(pid).orElse(null);
      while (h != null && h.isAlive() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      if (h != null && h.isAlive()) {
        alive.add(pid);
        h.destroyForcibly();
      }
    }
    assertEquals(List.of(), alive, "children left running by a cancelled status()");
  }

  @Test
  void envAndWorkingDirectory(@TempDir Path dir) throws Exception {
    Output out =
        run(
            sh("echo \"$KYOTO_X\"; echo \"${HOME:-unset}\"; pwd")
                .env("KYOTO_X", "forty two")
                .envRemove("HOME")
                .currentDir(dir)
                .output());
    assertEquals("forty two\nunset\n" + dir.toRealPath() + "\n", out.stdoutText());
    Output clean = run(Command.of("/usr/bin/env").envClear().env("ONLY", "1").output());
    assertEquals("ONLY=1\n", clean.stdoutText());
    // As tokio's env_clear: what was set before the clear is gone too.
    Output cleared =
        run(Command.of("/usr/bin/env").env("BEFORE", "1").envClear().env("AFTER", "2").output());
    assertEquals("AFTER=2\n", cleared.stdoutText());
  }

  @Test
  void aProgramThatDoesNotExistFailsAtSpawn() {
    IOException e =
        assertThrows(
            IOException.class, () -> Command.of("/nonexistent/kyoto-no-such-program").spawn());
    assertTrue(e.getMessage().contains("kyoto-no-such-program"), e.getMessage());
    assertThrows(IOException.class, () -> run(Command.of("/nonexistent/x").output()));
    assertThrows(
        IOException.class,
        () ->
            spawn(
                Command.of("/nonexistent/x")
                    .stdin(Stdio.PIPED)
                    .stdout(Stdio.PIPED)
                    .stderr(Stdio.PIPED)));
  }

  @Test
  void aStreamThatIsNotPipedSaysHowToPipeIt() throws Exception {
    Child child = spawn(Command.of("true").stdout(Stdio.NULL));
    IllegalStateException e = assertThrows(IllegalStateException.class, child::stdout);
    assertEquals(
        "stdout of the child is not piped: set Command.stdout(Stdio.PIPED) before spawn()",
        e.getMessage());
    run(child.waitFor());
  }

  @Test
  void waitClosesStdinSoALaterWriteFails() throws Exception {
    Child child = spawn(Command.of("true").stdin(Stdio.PIPED));
    assertTrue(run(child.waitFor()).success());
    IOException e =
        assertThrows(IOException.class, () -> run(child.stdin().writeAll(ByteBuffer.allocate(10))));
    assertEquals("stdin of process " + child.id() + " is closed", e.getMessage());
  }

  @Test
  void aChildThatStopsReadingBreaksThePipeAndTheNextOperationSaysSo() throws Exception {
    Child head = spawn(Command.of("head", "-c", "1").stdin(Stdio.PIPED).stdout(Stdio.NULL));
    ChildStdin in = head.stdin();
    // 1 MiB cannot fit in the pipe once head has exited after one byte.
    assertThrows(
        IOException.class,
        () -> run(in.writeAll(ByteBuffer.allocate(1 << 20)).flatMap(v -> in.flush())));
    assertTrue(run(head.waitFor()).success());
  }

  /**
   * Cancelling a pending read of a child's stdout withdraws the waker it left, so the child's
   * answer does not wake a task that no longer waits, nor keep it reachable until then: the
   * reactor's waiter on Kyoto's own pipe, the blocking job's on the JDK's (whose bytes are kept for
   * the next read).
   */
  @Test
  void aCancelledReadOfAChildsStdoutLeavesNoWakerBehind() throws Exception {
    // Not killed: the JDK closes the pipes of a process it kills, which may drop the answer.
    Child child = spawn(sh("read x; echo out").stdin(Stdio.PIPED).stdout(Stdio.PIPED));
    ChildStdout out = child.stdout();
    CountingWaker cancelled = new CountingWaker();
    cancelled.pollPendingThenCancel(rt, () -> out.read(ByteBuffer.allocate(16)));
    // The child answers and exits; the blocking read gets the answer and its job ends.
    assertTrue(
        run(child
                .stdin()
                .writeAll(ByteBuffer.wrap("go\n".getBytes(UTF_8)))
                .flatMap(v -> child.waitFor()))
            .success());
    assertEquals(0, cancelled.wakesWithin1s(), "the cancelled read's task was woken");
    if (ownPipes()) {
      assertEquals("out\n", utf8(run(Io.readToEnd(out))), "the answer waits in the pipe");
    } else {
      String got = IoTestSupport.readReadyNow(rt, out);
      assertEquals("out\n", got, "the bytes the job brought are kept for the next read");
    }
  }

  /**
   * A write to a child's stdin that waits (for room in Kyoto's own full pipe, or for the previous
   * blocking write stuck on the JDK's) leaves its waker there; cancelling it withdraws the waker,
   * so the end of the wait (a broken pipe once the child dies, or room) does not wake the task.
   */
  @Test
  void aCancelledWriteToAChildsStdinLeavesNoWakerWithTheBlockingWrite() throws Exception {
    Child sleeper = spawn(Command.of("sleep", "60").stdin(Stdio.PIPED));
    ChildStdin in = sleeper.stdin();
    CountingWaker cancelled = new CountingWaker();
    run(
        Futures.lazy(
            () -> {
              // Each ready write puts bytes in Kyoto's pipe, or hands 64 KiB to the pool for the
              // JDK's; once the pipe is full (or a blocking write stuck in it), the next waits.
              for (int i = 0; i < 64; i++) {
                Future<Integer> write = in.write(ByteBuffer.allocate(64 * 1024));
                if (write.poll(new Context(cancelled)).isPending()) {
                  write.cancel();
                  return Futures.ready(null);
                }
              }
              throw new AssertionError("4 MiB went into the pipe of a child that never reads");
            }));
    // Not kill(): its wait would shut stdin first, polling the pipe with another waker.
    sleeper.startKill(); // the pipe breaks: the wait ends (a stuck blocking write fails)
    assertEquals(0, cancelled.wakesWithin1s(), "the cancelled write's task was woken");
    run(
        Futures.lazy(
            () -> {
              Poll<Void> p;
              try {
                p = in.flush().poll(new Context(Waker.noop()));
              } catch (IOException e) {
                // Its failure (a broken pipe, or "Stream closed" once the JDK closed the dead
                // child's pipe), reported now: it ended. Not the ChildStdin's own close.
                assertFalse(e.getMessage().startsWith("stdin of process"), e.getMessage());
                return Futures.ready(null);
              }
              assertTrue(p.isReady(), "a blocking write had not ended before the check");
              return Futures.ready(null);
            }));
  }

  /**
   * A read after {@link Child#kill()}, or one in flight during it, reaches the end of the stream:
   * on Kyoto's own pipe because the killed child's end is closed, on the JDK's because the JDK
   * closes the pipe (which would fail with "Stream closed"). Whether the child wrote its line
   * before the kill varies (and on the JDK's pipe a written line may be gone).
   */
  @Test
  void readingAPipeAfterOrDuringKillReachesTheEnd() throws Exception {
    Child after =
        spawn(
            sh("echo out; echo err >&2; exec sleep 60")
                .stdin(Stdio.PIPED)
                .stdout(Stdio.PIPED)
                .stderr(Stdio.PIPED));
    run(after.kill());
    String out = new String(run(Io.readToEnd(after.stdout())), UTF_8);
    String err = new String(run(Io.readToEnd(after.stderr())), UTF_8);
    assertTrue(out.equals("") || out.equals("out\n"), out);
    assertTrue(err.equals("") || err.equals("err\n"), err);
    assertThrows(
        IOException.class,
        () ->
            run(
                after
                    .stdin()
                    .writeAll(ByteBuffer.wrap(new byte[] {1}))
                    .flatMap(v -> after.stdin().flush())),
        "a write after the kill fails");
    // Whether the read is blocked in the pipe or not yet started when the JDK closes it varies.
    for (int i = 0; i < 5; i++) {
      Child during = spawn(sh("exec sleep 60").stdout(Stdio.PIPED));
      Future<byte[]> all = Io.readToEnd(during.stdout());
      byte[] got =
          run(Futures.lazy(() -> Futures.join(all, during.kill(), (bytes, status) -> bytes)));
      assertEquals(0, got.length, "run " + i);
    }
  }

  // -- Kyoto's own pipes: what tokio does and the JDK's pipes do not -------------------------

  private static final String GRANDCHILD = "(sleep 0.2; echo late) & echo early";

  /**
   * A background descendant that inherited stdout writes after the child exited: tokio reads the
   * pipe until its last writer closes it. The JDK's reaper takes what the pipe holds at the child's
   * exit and closes it, so "late" was lost in about half the runs.
   */
  @Test
  void outputCollectsWhatABackgroundDescendantWritesAfterTheChildExited() throws Exception {
    assumeTrue(ownPipes(), "the JDK's pipes (nio) lose it: see Child");
    for (int i = 0; i < 20; i++) {
      Output out = run(sh(GRANDCHILD).output());
      assertTrue(out.status().success(), "run " + i);
      assertEquals("early\nlate\n", out.stdoutText(), "run " + i);
    }
  }

  @Test
  void stdoutReadToItsEndHasWhatABackgroundDescendantWroteAfterTheChildExited() throws Exception {
    assumeTrue(ownPipes(), "the JDK's pipes (nio) lose it: see Child");
    for (int i = 0; i < 20; i++) {
      Child child = spawn(sh(GRANDCHILD).stdout(Stdio.PIPED));
      ChildStdout out = child.stdout();
      byte[] first = new byte[6];
      run(Io.readExact(out, ByteBuffer.wrap(first)));
      assertEquals("early\n", utf8(first), "run " + i);
      assertTrue(run(child.waitFor()).success(), "run " + i);
      assertEquals("late\n", utf8(run(Io.readToEnd(out))), "run " + i + ", after the exit");
    }
  }

  /**
   * What the child wrote before it was killed stays in the pipe and is read after the kill, to the
   * end of the stream. The JDK closed its pipes at the kill and dropped it.
   */
  @Test
  void outputWrittenBeforeAKillIsReadAfterIt() throws Exception {
    assumeTrue(ownPipes(), "the JDK's pipes (nio) drop it: see Child#kill");
    for (int i = 0; i < 5; i++) {
      assertKilledChildsOutputIsKept(
          spawn(
              sh("echo before; echo ready >&2; exec sleep 60")
                  .stdout(Stdio.PIPED)
                  .stderr(Stdio.PIPED)),
          "run " + i);
    }
  }

  /** The child wrote "before" to stdout, then "ready" to stderr, then sleeps. */
  private void assertKilledChildsOutputIsKept(Child child, String what) throws Exception {
    Lines err = Io.lines(BufReader.create(child.stderr()));
    assertEquals("ready", run(err.nextLine()), what); // so "before" is in the stdout pipe
    ExitStatus status = run(child.kill());
    assertEquals(128 + 9, status.code(), what);
    assertEquals("before\n", utf8(run(Io.readToEnd(child.stdout()))), what + ": after the kill");
    assertNull(run(err.nextLine()), what + ": stderr ends too");
  }

  /**
   * A read waiting for a child's output waits on the reactor, as a socket's does: it holds no
   * thread of the blocking pool (a read of the JDK's pipe holds one until the child writes).
   */
  @Test
  void aReadWaitingForTheChildHoldsNoBlockingThread() throws Exception {
    assumeTrue(ownPipes(), "the JDK's pipes (nio) are read on the blocking pool");
    Child child = spawn(sh("sleep 0.5; echo x").stdout(Stdio.PIPED));
    JoinHandle<byte[]> read = rt.spawn(Io.readToEnd(child.stdout()));
    Thread.sleep(200);
    assertEquals(0, rt.metrics().numBlockingThreads(), "blocking-pool threads");
    assertEquals("x\n", utf8(run(read)));
    assertTrue(run(child.waitFor()).success());
    assertEquals(0, rt.metrics().numBlockingThreads(), "blocking-pool threads");
  }

  /**
   * A child spawned off any runtime gets the pipes of the JVM's default backend (epoll: Kyoto's
   * own); read and written on a runtime of another backend, they still behave as tokio's (on nio
   * through the blocking pool).
   */
  @Test
  void aChildSpawnedOffAnyRuntimeKeepsItsOwnPipesOnThisRuntime() throws Exception {
    assumeTrue(ownPipesOffRuntime(), "the JVM's default backend is epoll");
    for (int i = 0; i < 5; i++) {
      Child child =
          sh(GRANDCHILD + "; cat >&2")
              .stdin(Stdio.PIPED)
              .stdout(Stdio.PIPED)
              .stderr(Stdio.PIPED)
              .spawn();
      ChildStdin in = child.stdin();
      Output out =
          run(
              in.writeAll(utf8("in\n"))
                  .flatMap(v -> in.shutdown())
                  .flatMap(v -> child.waitWithOutput()));
      assertTrue(out.status().success(), "run " + i);
      assertEquals("early\nlate\n", out.stdoutText(), "run " + i);
      assertEquals("in\n", out.stderrText(), "run " + i);
    }
    assertKilledChildsOutputIsKept(
        sh("echo before; echo ready >&2; exec sleep 60")
            .stdout(Stdio.PIPED)
            .stderr(Stdio.PIPED)
            .spawn(),
        "spawned off the runtime");
  }

  // -- pipes on every backend ----------------------------------------------------------------

  /** 8 MiB and more arrive whole and in order, through output() and through a read to the end. */
  @Test
  void largeOutputArrivesComplete() throws Exception {
    int n = 1_200_000;
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      expected.append(i).append('\n');
    }
    Output out = run(Command.of("seq", "1", Integer.toString(n)).output());
    assertTrue(out.status().success());
    assertTrue(out.stdout().length > 8 << 20, out.stdout().length + " bytes");
    assertEquals(expected.length(), out.stdout().length);
    assertEquals(expected.toString(), out.stdoutText());

    Child head = spawn(Command.of("head", "-c", Integer.toString(8 << 20), "/dev/zero"));
    assertThrows(IllegalStateException.class, head::stdout, "spawn() inherits stdout");
    run(head.waitFor());
    Child zeros =
        spawn(Command.of("head", "-c", Integer.toString(8 << 20), "/dev/zero").stdout(Stdio.PIPED));
    byte[] all = run(Io.readToEnd(zeros.stdout()));
    assertArrayEquals(new byte[8 << 20], all);
    assertTrue(run(zeros.waitFor()).success());
  }

  /**
   * A child writing more than the pipe holds blocks while nobody reads (so its end is a blocking
   * descriptor, whatever ours is: on a non-blocking one head would fail at once with EAGAIN), and
   * goes on, to its exit, once the pipe is read.
   */
  @Test
  void aChildBlockedOnAFullPipeGoesOnOnceItIsRead() throws Exception {
    Child child =
        spawn(
            sh("head -c 1048576 /dev/zero; echo done >&2").stdout(Stdio.PIPED).stderr(Stdio.PIPED));
    Thread.sleep(300);
    assertTrue(child.tryWait().isEmpty(), "the child waits for room in the pipe");
    Future<byte[]> out = Io.readToEnd(child.stdout());
    Future<byte[]> err = Io.readToEnd(child.stderr());
    byte[][] both = run(Futures.join(out, err, (o, e) -> new byte[][] {o, e}));
    assertEquals(1 << 20, both[0].length);
    assertEquals("done\n", utf8(both[1]));
    assertTrue(run(child.waitFor()).success());
  }

  /**
   * What is written to stdin reaches the child whole, and closing stdin gives it the end of its
   * input: cat echoes 1 MiB back exactly, then exits. Before any byte arrives, cat waits (its end
   * is blocking).
   */
  @Test
  void stdinWrittenThenClosedReachesTheChildWithItsEnd() throws Exception {
    byte[] data = new byte[1 << 20];
    new java.util.Random(42).nextBytes(data);
    Child cat = spawn(Command.of("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED));
    Thread.sleep(200);
    assertTrue(cat.tryWait().isEmpty(), "cat waits for its input");
    ChildStdin in = cat.stdin();
    Future<Void> write = in.writeAll(ByteBuffer.wrap(data)).flatMap(v -> in.shutdown());
    byte[] echoed = run(Futures.join(write, Io.readToEnd(cat.stdout()), (v, b) -> b));
    assertArrayEquals(data, echoed);
    assertTrue(run(cat.waitFor()).success());
    assertThrows(IOException.class, () -> run(in.writeAll(utf8("late"))), "stdin is closed");
  }

  // -- descriptors -----------------------------------------------------------------------------

  private static int openFds() throws IOException {
    try (java.util.stream.Stream<Path> fds = Files.list(PROC_FD)) {
      return (int) fds.count() - 1; // less the listing's own descriptor
    }
  }

  /** {@return the open descriptors by kind (what they link to, without inode numbers)} */
  private static java.util.Map<String, Integer> fdKinds() throws IOException {
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> fds = Files.list(PROC_FD)) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String t = Files.readSymbolicLink(fd).toString().replaceAll("\\[\\d+]", "[…]");
          kinds.merge(t, 1, Integer::sum);
        } catch (IOException gone) {
          // the listing's own descriptor
        }
      }
    }
    return kinds;
  }

  /** {@return the kinds whose count changed since {@code before}, as "kind: before -> now"} */
  private static String changedKinds(java.util.Map<String, Integer> before) throws IOException {
    java.util.Map<String, Integer> now = fdKinds();
    java.util.Set<String> all = new java.util.TreeSet<>(before.keySet());
    all.addAll(now.keySet());
    StringBuilder s = new StringBuilder();
    for (String k : all) {
      int b = before.getOrDefault(k, 0);
      int n = now.getOrDefault(k, 0);
      if (b != n) {
        s.append(k).append(": ").append(b).append(" -> ").append(n).append("; ");
      }
    }
    return s.toString();
  }

  /**
   * {@return the descriptor count once garbage collection no longer lowers it} Earlier tests may
   * leave pipes they never closed, released when their owners are collected: a baseline taken
   * before that would be too high.
   */
  private static int quiescentFds() throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    int last = openFds();
    int stable = 0;
    while (stable < 4 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
      int now = openFds();
      stable = now == last ? stable + 1 : 0;
      last = now;
    }
    return last;
  }

  /** Waits up to 10 s (collecting garbage if asked) for the count to fall back to {@code base}. */
  private static int settle(int base, boolean collect) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    int now = openFds();
    while (now > base && System.nanoTime() < deadline) {
      if (collect) {
        System.gc();
      }
      Thread.sleep(50);
      now = openFds();
    }
    return now;
  }

  private Output finish(Command command) throws Exception {
    Child child = spawn(command);
    ChildStdin in = child.stdin();
    return run(in.writeAll(utf8("x")).flatMap(v -> child.waitWithOutput()));
  }

  /**
   * 50 children with all three streams piped, written, read to their end and waited for, and some
   * that fail to start, leave no descriptor behind. The baseline is taken after a warm-up, so what
   * the JDK opens once (its process launcher) is in it; no slack is allowed.
   */
  @Test
  void childrenWithEveryStreamPipedLeaveNoDescriptorBehind() throws Exception {
    assumeTrue(Files.isDirectory(PROC_FD), "counts /proc/self/fd");
    Command cat =
        sh("cat; echo err >&2").stdin(Stdio.PIPED).stdout(Stdio.PIPED).stderr(Stdio.PIPED);
    Command missing =
        Command.of("/nonexistent/kyoto-x")
            .stdin(Stdio.PIPED)
            .stdout(Stdio.PIPED)
            .stderr(Stdio.PIPED);
    for (int i = 0; i < 3; i++) {
      finish(cat);
      assertThrows(IOException.class, () -> spawn(missing));
    }
    int before = quiescentFds();
    java.util.Map<String, Integer> kindsBefore = fdKinds();
    for (int i = 0; i < 50; i++) {
      Output out = finish(cat);
      assertEquals("x", out.stdoutText(), "child " + i);
      assertEquals("err\n", out.stderrText(), "child " + i);
      if (i % 10 == 0) {
        assertThrows(IOException.class, () -> spawn(missing));
      }
    }
    int after = settle(before, false);
    assertEquals(before, after, "descriptors changed: " + changedKinds(kindsBefore));
  }

  /**
   * Children killed with their three pipes unread and never closed: their pipes are released once
   * the {@code Child} is unreachable, as the JDK's streams are (and tokio's, by their drop).
   */
  @Test
  void pipesNobodyClosedAreReleasedOnceTheChildIsUnreachable() throws Exception {
    assumeTrue(Files.isDirectory(PROC_FD), "counts /proc/self/fd");
    Command chatty =
        sh("echo out; echo err >&2; exec sleep 60")
            .stdin(Stdio.PIPED)
            .stdout(Stdio.PIPED)
            .stderr(Stdio.PIPED);
    Child warmUp = spawn(chatty);
    run(warmUp.kill());
    warmUp.stdin().close();
    warmUp.stdout().close();
    warmUp.stderr().close();
    int before = quiescentFds();
    java.util.Map<String, Integer> kindsBefore = fdKinds();
    for (int i = 0; i < 50; i++) {
      run(spawn(chatty).kill());
    }
    int after = settle(before, true);
    assertEquals(before, after, "descriptors changed: " + changedKinds(kindsBefore));
  }
}
