package io.kyoto.runtime.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Command} and {@link Child}: tokio's {@code process} on real child processes. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessTest {
  private final Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();

  @AfterEach
  void close() {
    rt.close();
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
    Child cat = Command.of("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED).spawn();
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
    Child child = sh("for i in 1 2 3; do echo line $i; done").stdout(Stdio.PIPED).spawn();
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
    Child sleeper = Command.of("sleep", "60").spawn();
    assertTrue(sleeper.tryWait().isEmpty());
    ExitStatus status = run(sleeper.kill());
    assertEquals(128 + 9, status.code(), "SIGKILL, as the JDK reports it");
    assertEquals(status, sleeper.tryWait().orElseThrow());
    sleeper.startKill(); // harmless once exited
  }

  @Test
  void killOnDropKillsAChildWhoseWaiterIsCancelledAndTheDefaultLeavesItRunning() throws Exception {
    Child killed = Command.of("sleep", "60").stdout(Stdio.PIPED).killOnDrop(true).spawn();
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

    Child kept = Command.of("sleep", "60").spawn();
    assertThrows(
        Exception.class,
        () -> run(io.kyoto.runtime.Time.timeout(java.time.Duration.ofMillis(100), kept.waitFor())));
    assertTrue(kept.tryWait().isEmpty(), "without killOnDrop the child outlives its waiter");
    run(kept.kill());
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
  }

  @Test
  void aStreamThatIsNotPipedSaysHowToPipeIt() throws Exception {
    Child child = Command.of("true").stdout(Stdio.NULL).spawn();
    IllegalStateException e = assertThrows(IllegalStateException.class, child::stdout);
    assertEquals(
        "stdout of the child is not piped: set Command.stdout(Stdio.PIPED) before spawn()",
        e.getMessage());
    run(child.waitFor());
  }

  @Test
  void waitClosesStdinSoALaterWriteFails() throws Exception {
    Child child = Command.of("true").stdin(Stdio.PIPED).spawn();
    assertTrue(run(child.waitFor()).success());
    IOException e =
        assertThrows(IOException.class, () -> run(child.stdin().writeAll(ByteBuffer.allocate(10))));
    assertEquals("stdin of process " + child.id() + " is closed", e.getMessage());
  }

  @Test
  void aChildThatStopsReadingBreaksThePipeAndTheNextOperationSaysSo() throws Exception {
    Child head = Command.of("head", "-c", "1").stdin(Stdio.PIPED).stdout(Stdio.NULL).spawn();
    ChildStdin in = head.stdin();
    // 1 MiB cannot fit in the pipe once head has exited after one byte.
    assertThrows(
        IOException.class,
        () -> run(in.writeAll(ByteBuffer.allocate(1 << 20)).flatMap(v -> in.flush())));
    assertTrue(run(head.waitFor()).success());
  }

  /**
   * A read of a child's stdout runs on the blocking pool; cancelling it withdraws the waker it left
   * with that job, so the job's end (here the child's answer) does not wake a task that no longer
   * waits, nor keep it reachable until then. The bytes the job brought are kept for the next read.
   */
  @Test
  void aCancelledReadOfAChildsStdoutLeavesNoWakerWithTheBlockingRead() throws Exception {
    // Not killed: the JDK closes the pipes of a process it kills, which may drop the answer.
    Child child = sh("read x; echo out").stdin(Stdio.PIPED).stdout(Stdio.PIPED).spawn();
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
    String got = IoTestSupport.readReadyNow(rt, out);
    assertEquals("out\n", got, "the bytes the job brought are kept for the next read");
  }

  /**
   * A write to a child's stdin that waits for the previous one (stuck on a full pipe) leaves its
   * waker with that blocking job; cancelling it withdraws the waker, so the job's end (a broken
   * pipe once the child dies, or its success if the pipe still had room) does not wake the task.
   */
  @Test
  void aCancelledWriteToAChildsStdinLeavesNoWakerWithTheBlockingWrite() throws Exception {
    Child sleeper = Command.of("sleep", "60").stdin(Stdio.PIPED).spawn();
    ChildStdin in = sleeper.stdin();
    CountingWaker cancelled = new CountingWaker();
    run(
        Futures.lazy(
            () -> {
              // Each ready write hands 64 KiB to the pool; once one is stuck, the next waits.
              for (int i = 0; i < 64; i++) {
                Future<Integer> write = in.write(ByteBuffer.allocate(64 * 1024));
                if (write.poll(new Context(cancelled)).isPending()) {
                  write.cancel();
                  return Futures.ready(null);
                }
              }
              throw new AssertionError("4 MiB went into the pipe of a child that never reads");
            }));
    // Not kill(): its wait would flush stdin first, polling the job with another waker.
    sleeper.startKill(); // the stuck write fails with a broken pipe and its job ends
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
              assertTrue(p.isReady(), "the blocking write had not ended before the check");
              return Futures.ready(null);
            }));
  }

  /**
   * The JDK closes a child's pipes when it is killed, so a read after {@link Child#kill()} or one
   * in flight during it would fail with "Stream closed": it reports the end of the stream instead.
   * What the child wrote and nobody read before the kill may be gone.
   */
  @Test
  void readingAPipeAfterOrDuringKillReachesTheEnd() throws Exception {
    Child after =
        sh("echo out; echo err >&2; exec sleep 60")
            .stdin(Stdio.PIPED)
            .stdout(Stdio.PIPED)
            .stderr(Stdio.PIPED)
            .spawn();
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
      Child during = sh("exec sleep 60").stdout(Stdio.PIPED).spawn();
      Future<byte[]> all = Io.readToEnd(during.stdout());
      byte[] got =
          run(Futures.lazy(() -> Futures.join(all, during.kill(), (bytes, status) -> bytes)));
      assertEquals(0, got.length, "run " + i);
    }
  }
}
