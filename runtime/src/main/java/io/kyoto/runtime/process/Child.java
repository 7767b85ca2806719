package io.kyoto.runtime.process;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.Io;
import java.util.Optional;

/**
 * A running child process: tokio's {@code Child}, from {@link Command#spawn()}.
 *
 * {@snippet :
 * Child child = Command.of("sort").stdin(Stdio.PIPED).stdout(Stdio.PIPED).spawn();
 * Future<Output> sorted = child.stdin().writeAll(ByteBuffer.wrap(lines))
 *     .flatMap(v -> child.waitWithOutput()); // closes stdin first, so sort sees the end
 * }
 *
 * <p>Java has no destructors: a {@code Child} that is dropped keeps running (tokio's default,
 * without {@code kill_on_drop}); call {@link #kill()} or {@link #startKill()} to stop it. With
 * {@link Command#killOnDrop(boolean)}, cancelling a future that waits for the child ({@link
 * #waitFor()}, {@link #waitWithOutput()}, {@link Command#output()}, {@link Command#status()}: a
 * timeout, a lost select, an aborted task) kills it.
 *
 * <p><b>The pipes</b> of its piped standard streams depend on the reactor backend in effect when it
 * was spawned (the spawning runtime's, or the JVM's default outside a runtime). On <b>epoll</b>
 * (the default on Linux) they are Kyoto's own, as tokio's: output is read until every process
 * holding the pipe closed it, so what a background descendant still holding it writes after the
 * child exited (a shell's {@code cmd &}) is read too, and a {@linkplain #kill() kill} leaves them
 * alone. On <b>nio</b> (or where {@code /proc/self/fd} is missing) they are the JDK's ({@link
 * Process#getInputStream()}), and <b>a known difference from tokio</b> remains there: when the
 * child exits, the JDK's process reaper takes what its stdout and stderr pipes hold, then closes
 * them, so a descendant's later output can be lost (wait for such descendants inside the child, a
 * shell's {@code wait}), and a kill closes them at once (see {@link #kill()}).
 *
 * <p><b>Thread safety:</b> {@link #id()}, {@link #tryWait()} and {@link #startKill()} may be called
 * from any thread; each pipe is used by one task at a time.
 */
public final class Child {
  private final Process process;
  private final boolean killOnDrop;
  // Set before the JDK closes its pipes (Process.destroyForcibly does), so a read of such a pipe
  // that fails from then on is the pipe's end; volatile: the reads fail on blocking-pool threads.
  // Kyoto's own pipes (epoll) are not closed by a kill and do not use it.
  private volatile boolean killed;
  private final ChildStdin stdin;
  private final ChildStdout stdout;
  private final ChildStderr stderr;

  /**
   * Wraps a started process.
   *
   * @param own the parent's ends of the pipes {@link Command} made, or null for the JDK's pipes
   */
  Child(
      Process process,
      boolean pipedIn,
      boolean pipedOut,
      boolean pipedErr,
      OwnPipes own,
      boolean killOnDrop) {
    this.process = process;
    this.killOnDrop = killOnDrop;
    long pid = process.pid();
    String in = "stdin of process " + pid;
    String out = "stdout of process " + pid;
    String err = "stderr of process " + pid;
    this.stdin =
        !pipedIn
            ? null
            : new ChildStdin(
                own != null
                    ? WritingEnd.own(own.parentStdin(), in)
                    : WritingEnd.jdk(process.getOutputStream(), in));
    this.stdout =
        !pipedOut
            ? null
            : new ChildStdout(
                own != null
                    ? ReadingEnd.own(own.parentStdout(), out)
                    : ReadingEnd.jdk(process.getInputStream(), out, () -> killed));
    this.stderr =
        !pipedErr
            ? null
            : new ChildStderr(
                own != null
                    ? ReadingEnd.own(own.parentStderr(), err)
                    : ReadingEnd.jdk(process.getErrorStream(), err, () -> killed));
  }

  /** {@return the operating system's process id} */
  public long id() {
    return process.pid();
  }

  /**
   * {@return the child's standard input}
   *
   * @throws IllegalStateException if it was not {@linkplain Command#stdin(Stdio) piped}
   */
  public ChildStdin stdin() {
    return piped(stdin, "stdin");
  }

  /**
   * {@return the child's standard output}
   *
   * @throws IllegalStateException if it was not {@linkplain Command#stdout(Stdio) piped}
   */
  public ChildStdout stdout() {
    return piped(stdout, "stdout");
  }

  /**
   * {@return the child's standard error}
   *
   * @throws IllegalStateException if it was not {@linkplain Command#stderr(Stdio) piped}
   */
  public ChildStderr stderr() {
    return piped(stderr, "stderr");
  }

  private static <T> T piped(T pipe, String name) {
    if (pipe == null) {
      throw new IllegalStateException(
          name
              + " of the child is not piped: set Command."
              + name
              + "(Stdio.PIPED) before spawn()");
    }
    return pipe;
  }

  /**
   * {@return a future of the exit status} As tokio's {@code wait}, it first closes the child's
   * standard input if piped (after the write in flight), so a child that reads until end of input
   * can finish (so do not write to it from another task meanwhile). No thread waits: the JDK's
   * process reaper completes it.
   *
   * <p><b>Cancel safety:</b> cancel safe; the process keeps running.
   */
  public Future<ExitStatus> waitFor() {
    Future<ExitStatus> exit =
        Futures.lazy(
            () ->
                Futures.fromCompletionStage(process.onExit())
                    .map(p -> new ExitStatus(p.exitValue())));
    Future<ExitStatus> waiting = stdin == null ? exit : closingStdinFirst(exit);
    if (!killOnDrop) {
      return waiting;
    }
    return new Future<>() {
      @Override
      public Poll<ExitStatus> poll(Context cx) throws Exception {
        return waiting.poll(cx);
      }

      @Override
      public void cancel() {
        try {
          waiting.cancel();
        } finally {
          if (process.isAlive()) {
            startKill(); // Command.killOnDrop: the waiter gave up on the child
          }
        }
      }
    };
  }

  private Future<ExitStatus> closingStdinFirst(Future<ExitStatus> exit) {
    return new Future<>() {
      private boolean stdinClosed;

      @Override
      public Poll<ExitStatus> poll(Context cx) throws Exception {
        if (!stdinClosed) {
          try {
            if (stdin.isClosed() || stdin.pollShutdown(cx).isReady()) {
              stdinClosed = true;
            } else {
              return Poll.pending();
            }
          } catch (java.io.IOException e) {
            stdinClosed = true; // a broken pipe: the child is gone or stopped reading
          }
        }
        return exit.poll(cx);
      }

      @Override
      public void cancel() {
        exit.cancel();
      }
    };
  }

  /**
   * The future that started this child was cancelled before it could hand the child over: nobody
   * waits for it, so with {@link Command#killOnDrop} it is killed, as when its waiter is cancelled.
   */
  void orphaned() {
    if (killOnDrop && process.isAlive()) {
      startKill();
    }
  }

  /**
   * {@return the exit status if the child has exited, without waiting} As tokio's {@code try_wait}.
   */
  public Optional<ExitStatus> tryWait() {
    return process.isAlive() ? Optional.empty() : Optional.of(new ExitStatus(process.exitValue()));
  }

  /**
   * Sends {@code SIGKILL} without waiting, as tokio's {@code start_kill}. Harmless if the child has
   * exited; on the JDK's pipes (nio) it closes them either way: see {@link #kill()}.
   */
  public void startKill() {
    killed = true; // before the JDK closes the pipes
    process.destroyForcibly();
  }

  /**
   * {@return a future that kills the child ({@code SIGKILL}) and waits for its exit}
   *
   * <p><b>The pipes</b> on <b>epoll</b> (Kyoto's own, see the class documentation) are left alone,
   * as tokio's: what the child wrote to its output or error before it died can still be read, to
   * the end of the stream, which comes once no process holds the pipe any more (a descendant that
   * inherited it may outlive the child). A write to {@link #stdin()} after the kill fails with a
   * broken pipe, once no process holds its other end.
   *
   * <p>On <b>nio</b> (the JDK's pipes), unlike tokio's, the JDK closes the child's standard input,
   * output and error as it kills it (also when the child had exited already). What the child wrote
   * to its output or error and nobody read yet may be lost, and a read of {@link #stdout()} or
   * {@link #stderr()} after the kill, or in flight during it, reports the end of the stream: treat
   * that end as "killed", not as all the child wrote. Read to the end before killing to keep the
   * whole output. A write to {@link #stdin()} after the kill fails.
   */
  public Future<ExitStatus> kill() {
    return Futures.lazy(
        () -> {
          startKill();
          return waitFor();
        });
  }

  /**
   * {@return a future of the exit status and everything the child wrote to its piped standard
   * output and error} As tokio's {@code wait_with_output}: closes standard input, reads both pipes
   * to their end concurrently (so a child that fills one pipe while the other is read cannot
   * deadlock), and waits for the exit. A stream that is not piped gives an empty array. On epoll
   * the end of a pipe comes once every process holding it closed it, background descendants
   * included (see the class documentation).
   */
  public Future<Output> waitWithOutput() {
    Future<byte[]> out = stdout == null ? Futures.ready(new byte[0]) : Io.readToEnd(stdout);
    Future<byte[]> err = stderr == null ? Futures.ready(new byte[0]) : Io.readToEnd(stderr);
    Future<Output> all =
        Futures.join(
            Futures.join(out, err, (o, e) -> new byte[][] {o, e}),
            waitFor(),
            (oe, status) -> new Output(status, oe[0], oe[1]));
    return all;
  }

  @Override
  public String toString() {
    return "Child[pid=" + process.pid() + (process.isAlive() ? ", running]" : ", exited]");
  }
}
