package io.kyoto.runtime.process;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.internal.blocking.BlockingCall;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process to start: tokio's {@code Command}, over the JDK's {@link ProcessBuilder}.
 *
 * {@snippet :
 * Future<Output> out = Command.of("ls", "-l").currentDir(dir).output();
 * Future<ExitStatus> status = Command.of("make").arg("test").status();
 * Child server = Command.of("./server").stdout(Stdio.PIPED).spawn();
 * }
 *
 * <p>Defaults, as tokio's: {@link #spawn()} and {@link #status()} inherit the three standard
 * streams; {@link #output()} pipes standard output and error and gives the child no input, unless
 * set otherwise.
 *
 * <p><b>Pipes:</b> where the reactor backend in effect at the start is epoll (the starting
 * runtime's, or the JVM's default, {@link io.kyoto.reactor.Backend#current()}, outside a runtime),
 * the piped streams are pipes Kyoto makes itself, as tokio does, read and written when the reactor
 * reports them ready; elsewhere (nio, or no {@code /proc/self/fd}) the JDK's. See {@link Child} for
 * what differs.
 *
 * <p><b>Thread safety:</b> a builder; not thread safe. It may be spawned several times.
 */
public final class Command {
  private final List<String> command = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>(); // null value: remove
  private boolean envClear;
  private Path dir;
  private Stdio stdin;
  private Stdio stdout;
  private Stdio stderr;
  private boolean killOnDrop;

  private Command(String program) {
    command.add(Objects.requireNonNull(program, "program"));
  }

  /**
   * {@return a command running {@code program} with {@code args}} The program is looked up in
   * {@code PATH} unless it contains a slash; no shell is involved, so arguments need no quoting.
   *
   * @param program the program
   * @param args its arguments
   */
  public static Command of(String program, String... args) {
    Command c = new Command(program);
    for (String a : args) {
      c.arg(a);
    }
    return c;
  }

  /**
   * Adds an argument.
   *
   * @param arg the argument
   * @return this
   */
  public Command arg(String arg) {
    command.add(Objects.requireNonNull(arg, "arg"));
    return this;
  }

  /**
   * Adds arguments.
   *
   * @param args the arguments
   * @return this
   */
  public Command args(List<String> args) {
    args.forEach(this::arg);
    return this;
  }

  /**
   * Sets an environment variable of the child.
   *
   * @param key the name
   * @param value the value
   * @return this
   */
  public Command env(String key, String value) {
    env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Removes an environment variable the child would inherit.
   *
   * @param key the name
   * @return this
   */
  public Command envRemove(String key) {
    env.put(Objects.requireNonNull(key, "key"), null);
    return this;
  }

  /**
   * Clears the child's whole environment, as tokio's {@code env_clear}: nothing is inherited, and
   * variables set with {@link #env} before this call are dropped too; only those set after it reach
   * the child.
   *
   * @return this
   */
  public Command envClear() {
    envClear = true;
    env.clear();
    return this;
  }

  /**
   * Sets the child's working directory.
   *
   * @param dir the directory
   * @return this
   */
  public Command currentDir(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /**
   * Sets what the child's standard input is.
   *
   * @param how inherit, a pipe ({@link Child#stdin()}), or nothing
   * @return this
   */
  public Command stdin(Stdio how) {
    stdin = Objects.requireNonNull(how, "how");
    return this;
  }

  /**
   * Sets what the child's standard output is.
   *
   * @param how inherit, a pipe ({@link Child#stdout()}), or nothing
   * @return this
   */
  public Command stdout(Stdio how) {
    stdout = Objects.requireNonNull(how, "how");
    return this;
  }

  /**
   * Sets what the child's standard error is.
   *
   * @param how inherit, a pipe ({@link Child#stderr()}), or nothing
   * @return this
   */
  public Command stderr(Stdio how) {
    stderr = Objects.requireNonNull(how, "how");
    return this;
  }

  /**
   * Kills the child ({@code SIGKILL}) when a future waiting for it is cancelled: tokio's {@code
   * kill_on_drop}, for the drops Java can see (a {@link Child#waitFor()}, {@link
   * Child#waitWithOutput()}, {@link #output()} or {@link #status()} future cancelled by a timeout,
   * a lost select or an aborted task). Off by default, as in tokio: the child outlives its waiter.
   *
   * @param on whether to kill the child when its waiter is cancelled
   * @return this
   */
  public Command killOnDrop(boolean on) {
    this.killOnDrop = on;
    return this;
  }

  /**
   * Starts the process now, as tokio's {@code spawn} (a short synchronous call).
   *
   * @return the running child
   * @throws IOException if it cannot be started (a program that does not exist or is not
   *     executable, a working directory that does not exist)
   */
  public Child spawn() throws IOException {
    return start(Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT);
  }

  /**
   * {@return a future that starts the process at its first poll and completes with its exit status}
   * The standard streams are inherited unless set.
   */
  public Future<ExitStatus> status() {
    return startOnBlockingPool(Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT).flatMap(Child::waitFor);
  }

  /**
   * {@return a future that starts the process at its first poll (on the blocking pool), collects
   * its standard output and error and completes at its exit} As tokio's {@code output}: both are
   * piped and standard input is {@link Stdio#NULL} unless set; it completes once the child exited
   * and both pipes reached their end (on epoll, a background descendant that inherited them is
   * waited for until it closes them, and its output is collected). A failing exit status does not
   * fail the future: check {@link ExitStatus#success()}.
   */
  public Future<Output> output() {
    return startOnBlockingPool(Stdio.NULL, Stdio.PIPED, Stdio.PIPED).flatMap(Child::waitWithOutput);
  }

  /**
   * Starting a process takes a fork and an exec (and, the first time, loading the JDK's process
   * classes): milliseconds that the futures spend on the blocking pool rather than on a worker. The
   * start's own {@link IOException} comes out unwrapped. A future cancelled while the start runs (a
   * short timeout, a select lost meanwhile) cannot stop it: the child it then starts is killed if
   * {@link #killOnDrop} is set.
   */
  private Future<Child> startOnBlockingPool(Stdio in, Stdio out, Stdio err) {
    // A child started for a future cancelled meanwhile is handed to nobody: orphaned() kills it
    // if killOnDrop is set (else it runs on, as any child whose waiter went away).
    return new BlockingCall<>(
        "Command.start(" + command + ")", () -> start(in, out, err), Child::orphaned);
  }

  private Child start(Stdio defaultIn, Stdio defaultOut, Stdio defaultErr) throws IOException {
    Stdio in = stdin != null ? stdin : defaultIn;
    Stdio out = stdout != null ? stdout : defaultOut;
    Stdio err = stderr != null ? stderr : defaultErr;
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Map<String, String> childEnv = pb.environment();
    if (envClear) {
      childEnv.clear();
    }
    env.forEach(
        (k, v) -> {
          if (v == null) {
            childEnv.remove(k);
          } else {
            childEnv.put(k, v);
          }
        });
    boolean pipedIn = in == Stdio.PIPED;
    boolean pipedOut = out == Stdio.PIPED;
    boolean pipedErr = err == Stdio.PIPED;
    if (!(pipedIn || pipedOut || pipedErr) || !OwnPipes.inEffect()) {
      pb.redirectInput(redirectIn(in));
      pb.redirectOutput(redirect(out));
      pb.redirectError(redirect(err));
      return new Child(pb.start(), pipedIn, pipedOut, pipedErr, null, killOnDrop);
    }
    // Pipes of our own, as tokio's (see OwnPipes): the child's ends go to it through /proc/self/fd.
    OwnPipes own = new OwnPipes();
    boolean started = false;
    try {
      pb.redirectInput(pipedIn ? own.stdin() : redirectIn(in));
      pb.redirectOutput(pipedOut ? own.stdout() : redirect(out));
      pb.redirectError(pipedErr ? own.stderr() : redirect(err));
      Child child = new Child(pb.start(), pipedIn, pipedOut, pipedErr, own, killOnDrop);
      started = true;
      return child;
    } finally {
      own.closeChildEnds(); // the child has its copies (the JDK closed the ones it opened)
      if (!started) {
        own.closeParentEnds();
      }
    }
  }

  private static ProcessBuilder.Redirect redirectIn(Stdio how) {
    return switch (how) {
      case INHERIT -> ProcessBuilder.Redirect.INHERIT;
      case PIPED -> ProcessBuilder.Redirect.PIPE;
      case NULL -> ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));
    };
  }

  private static ProcessBuilder.Redirect redirect(Stdio how) {
    return switch (how) {
      case INHERIT -> ProcessBuilder.Redirect.INHERIT;
      case PIPED -> ProcessBuilder.Redirect.PIPE;
      case NULL -> ProcessBuilder.Redirect.DISCARD;
    };
  }

  @Override
  public String toString() {
    return "Command" + command;
  }
}
