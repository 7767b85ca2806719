package io.kyoto.examples.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The program as its user runs it: a child JVM started through the generated launcher, stopped with
 * {@code SIGTERM} ({@link ProcessHandle#destroy()} sends it on Unix) while a slow request runs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SigtermTest {
  static final Pattern LISTENING = Pattern.compile("listening on http://([^:]+):(\\d+)/");

  @Test
  void drainsAndExitsWithStatusZeroOnSigterm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                GracefulShutdown.class.getName() + "_Main",
                "127.0.0.1:0")
            .redirectErrorStream(true)
            .start();
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      Matcher listening = LISTENING.matcher(awaitLine(out, output, "listening on "));
      assertTrue(listening.find(), output.toString());
      try (Socket slow = new Socket(listening.group(1), Integer.parseInt(listening.group(2)))) {
        slow.setSoTimeout(10_000);
        slow.getOutputStream()
            .write(
                "GET /work?ms=500 HTTP/1.1\r\nhost: test\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        awaitLine(out, output, "work: ");

        child.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our pipes
        String response = new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
      }
      String drained = awaitLine(out, output, "drained: ");
      assertTrue(
          drained.startsWith("drained: 1 in-flight request(s) finished, 0 aborted, "), drained);
      assertTrue(child.waitFor(20, TimeUnit.SECONDS), "exited: " + output);
      assertEquals(0, child.exitValue(), output.toString());
    } finally {
      child.destroyForcibly();
    }
  }

  /** {@return the first line of the child's output that starts with {@code prefix}} */
  static String awaitLine(BufferedReader out, List<String> seen, String prefix) throws Exception {
    for (String line; (line = out.readLine()) != null; ) {
      seen.add(line);
      if (line.startsWith(prefix)) return line;
    }
    throw new AssertionError("no line starting with '" + prefix + "' in " + seen);
  }
}
