package io.kyoto.runtime.process;

import io.kyoto.reactor.Backend;
import io.kyoto.reactor.Pipe;
import io.kyoto.reactor.PipeReceiver;
import io.kyoto.reactor.PipeSender;
import io.kyoto.reactor.Source;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipes {@link Command} makes itself for a child's piped standard streams, as tokio does, on
 * the epoll backend: {@code pipe2(O_NONBLOCK | O_CLOEXEC)} through the reactor ({@link Pipe}).
 *
 * <p>The child gets its end through a {@link Redirect} of the end's {@code /proc/self/fd/N} path:
 * the JDK opens that path in this process before it starts the child (which opens the pipe again,
 * blocking, without waiting, see {@link Pipe}), hands the descriptor to the child and closes its
 * own copy. This process's copy of the child's end is closed right after the start, whether it
 * succeeded or not ({@link #closeChildEnds()}), so the parent's end sees the pipe's end exactly
 * when the child and every descendant that inherited it have closed it.
 *
 * <p>Not thread safe: one spawn uses one instance.
 */
final class OwnPipes {
  private static final Path PROC_FD = Path.of("/proc/self/fd");

  /** Whether this JVM can make the pipes at all: epoll bound and {@code /proc} mounted. */
  private static final class Support {
    static final boolean AVAILABLE = Backend.EPOLL.isAvailable() && Files.isDirectory(PROC_FD);

    private Support() {}
  }

  /**
   * Closes a pipe nobody closed once its owner ({@code ChildStdout}, ...) is unreachable: the JDK's
   * own process streams are released by its reaper, and tokio's by their drop.
   */
  private static final class Cleaners {
    static final Cleaner CLEANER =
        Cleaner.create(r -> Thread.ofPlatform().name("kyoto-pipe-cleaner").daemon().unstarted(r));

    private Cleaners() {}
  }

  private PipeSender stdin;
  private PipeReceiver stdout;
  private PipeReceiver stderr;
  private final List<Source> childEnds = new ArrayList<>(3);

  /**
   * {@return whether a spawn on this thread makes its own pipes} Yes where the backend in effect is
   * epoll (the backend of the runtime this thread belongs to, else the JVM's default, {@link
   * Backend#current()}) and {@code /proc/self/fd} exists; else the JDK's pipes are used.
   */
  static boolean inEffect() {
    if (!Support.AVAILABLE) {
      return false;
    }
    try {
      RuntimeCore rt = CurrentRuntime.get();
      IoDriver io = rt == null ? null : rt.driver().io();
      return (io != null ? io.backend() : Backend.current()) == Backend.EPOLL;
    } catch (RuntimeException e) {
      return false; // an invalid -Dkyoto.reactor.backend: the JDK's pipes, which need no backend
    }
  }

  /**
   * Runs {@code release} once {@code owner} is unreachable, unless it ran before.
   *
   * @param owner the object whose reachability counts
   * @param release what to run; it must not reach {@code owner}
   */
  static void releaseWhenUnreachable(Object owner, Runnable release) {
    Cleaners.CLEANER.register(owner, release);
  }

  /** {@return the redirect that gives the child the read end of a new pipe, ours the write end} */
  Redirect stdin() throws IOException {
    Pipe pipe = Pipe.open(Backend.EPOLL);
    stdin = pipe.sender();
    childEnds.add(pipe.receiver());
    return Redirect.from(path(pipe.receiver().descriptorPath().orElse(null)).toFile());
  }

  /** {@return the redirect that gives the child the write end of a new pipe, ours the read end} */
  Redirect stdout() throws IOException {
    Pipe pipe = Pipe.open(Backend.EPOLL);
    stdout = pipe.receiver();
    childEnds.add(pipe.sender());
    return Redirect.to(path(pipe.sender().descriptorPath().orElse(null)).toFile());
  }

  /** {@return as {@link #stdout()}, for standard error} */
  Redirect stderr() throws IOException {
    Pipe pipe = Pipe.open(Backend.EPOLL);
    stderr = pipe.receiver();
    childEnds.add(pipe.sender());
    return Redirect.to(path(pipe.sender().descriptorPath().orElse(null)).toFile());
  }

  private static Path path(Path descriptor) throws IOException {
    if (descriptor == null) {
      throw new IOException("a pipe's descriptor has no path: is /proc mounted?");
    }
    return descriptor;
  }

  /** {@return the parent's end of the child's standard input, or null if not piped} */
  PipeSender parentStdin() {
    return stdin;
  }

  /** {@return the parent's end of the child's standard output, or null if not piped} */
  PipeReceiver parentStdout() {
    return stdout;
  }

  /** {@return the parent's end of the child's standard error, or null if not piped} */
  PipeReceiver parentStderr() {
    return stderr;
  }

  /** Closes this process's copies of the child's ends: after the start, or after it failed. */
  void closeChildEnds() {
    for (Source end : childEnds) {
      closeQuietly(end);
    }
    childEnds.clear();
  }

  /** Closes the parent's ends: the start failed. */
  void closeParentEnds() {
    closeQuietly(stdin);
    closeQuietly(stdout);
    closeQuietly(stderr);
  }

  /**
   * {@return the epoll I/O driver of the runtime this thread belongs to, where an end is registered
   * at its first use; null when that runtime's reactor is not epoll (or it has none): the end is
   * then reopened as a blocking stream ({@link #reopenPath})}
   *
   * @throws IllegalStateException outside a runtime, worded as the other I/O types'
   */
  static IoDriver epollDriverOrNull() {
    RuntimeCore rt = CurrentRuntime.get();
    if (rt == null) {
      io.kyoto.runtime.internal.io.Registration.currentDriver(); // throws: there is no runtime
    }
    IoDriver driver = rt.driver().io();
    return driver != null && driver.backend() == Backend.EPOLL ? driver : null;
  }

  /**
   * {@return the path through which {@code end} is reopened as a blocking stream}
   *
   * @param end the parent's end of a pipe
   * @param name the stream's name, for the error
   * @throws IOException if the descriptor has no path
   */
  static java.io.File reopenPath(Source end, String name) throws IOException {
    Path path =
        (end instanceof PipeReceiver r ? r.descriptorPath() : ((PipeSender) end).descriptorPath())
            .orElseThrow(() -> new IOException(name + ": the pipe's descriptor has no path"));
    return path.toFile();
  }

  static void closeQuietly(Source end) {
    if (end == null) {
      return;
    }
    try {
      end.close();
    } catch (IOException e) {
      // close(2) released the descriptor anyway; there is nobody to tell
    }
  }
}
