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
        rt.blockOn(
            Io.stderr().writeAll(bytes(lines + " lines\n")).flatMap(v -> Io.stderr().flush()));
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
}
