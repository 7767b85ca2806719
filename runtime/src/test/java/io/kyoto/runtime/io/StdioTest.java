package io.kyoto.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.process.Child;
import io.kyoto.runtime.process.Command;
import io.kyoto.runtime.process.Output;
import io.kyoto.runtime.process.Stdio;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Io#stdin()}, {@link Io#stdout()} and {@link Io#stderr()} in a child JVM ({@link Upper}),
 * driven through Kyoto's own process API.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StdioTest {
  /** Reads lines from stdin and writes each upper-cased to stdout, and a count to stderr. */
  public static final class Upper {
    private Upper() {}

    /**
     * Runs it.
     *
     * @param args unused
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
      try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
        int lines =
            rt.blockOn(
                Futures.lazy(
                    () -> {
                      Lines in = Io.lines(BufReader.create(Io.stdin()));
                      AsyncWrite out = Io.stdout();
                      return Futures.loop(
                          0,
                          n ->
                              in.nextLine()
                                  .flatMap(
                                      line ->
                                          line == null
                                              ? out.shutdown()
                                                  .map(v -> Futures.Step.<Integer, Integer>done(n))
                                              : out.writeAll(bytes(line.toUpperCase() + "\n"))
                                                  .map(
                                                      v ->
                                                          Futures.Step.<Integer, Integer>next(
                                                              n + 1))));
                    }));
        AsyncWrite err = Io.stderr(); // one handle: its flush waits for its own write
        rt.blockOn(err.writeAll(bytes(lines + " lines\n")).flatMap(v -> err.flush()));
      }
    }
  }

  /** Writes 2 MB of "y" lines to stdout until a write fails; says on stderr how that ended. */
  public static final class Yes {
    private static final String LINE = "y".repeat(99) + "\n";

    private Yes() {}

    /**
     * Runs it.
     *
     * @param args unused
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
      try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
        AsyncWrite out = Io.stdout();
        try {
          rt.blockOn(
              Futures.repeat(20_000, i -> out.writeAll(bytes(LINE))).flatMap(v -> out.flush()));
          System.err.println("every write succeeded");
        } catch (java.io.IOException e) {
          System.err.println("a write failed: " + e);
        }
      }
    }
  }

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aChildJvmEchoesItsStdinUpperCasedThroughKyotosStandardStreams() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      Child child =
          Command.of(java, "-cp", System.getProperty("java.class.path"), Upper.class.getName())
              .stdin(Stdio.PIPED)
              .stdout(Stdio.PIPED)
              .stderr(Stdio.PIPED)
              .spawn();
      StringBuilder input = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        input.append("line ").append(i).append('\n');
      }
      Output out =
          rt.blockOn(
              child.stdin().writeAll(bytes(input.toString())).flatMap(v -> child.waitWithOutput()));
      assertEquals(0, out.status().code(), out.stderrText());
      assertEquals(input.toString().toUpperCase(), out.stdoutText());
      assertTrue(out.stderrText().endsWith("500 lines\n"), out.stderrText());
    }
  }

  @Test
  void writingToAStdoutWhoseReaderHasGoneFails() throws Exception {
    // As tokio's stdout, a write to a closed pipe (a program piped into `head -1`) fails with the
    // broken pipe, so the program can stop; System.out swallows it (PrintStream.checkError).
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      Child child =
          Command.of(java, "-cp", System.getProperty("java.class.path"), Yes.class.getName())
              .stdout(Stdio.PIPED)
              .stderr(Stdio.PIPED)
              .spawn();
      ByteBuffer first = ByteBuffer.allocate(2);
      rt.blockOn(child.stdout().readExact(first));
      child.stdout().close(); // the reader goes away
      String err = new String(rt.blockOn(Io.readToEnd(child.stderr())), StandardCharsets.UTF_8);
      assertEquals(0, rt.blockOn(child.waitFor()).code(), err);
      assertTrue(err.contains("a write failed: java.io.IOException: writing stdout failed"), err);
    }
  }
}
