package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs generated {@code @AsyncTest} methods that hang, in a child JVM, and checks that they fail at
 * their timeout with the pending future and a task dump in the message. The child calls the
 * generated methods directly (no JUnit, no reflection) and prints each failure's message.
 */
class AsyncTestTimeoutRunTest {
  @TempDir static Path classes;

  static final JavaFileObject SPEC =
      source(
          "demo.HangSpec",
          """
          package demo;

          import io.kyoto.runtime.Flavor;
          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Task;
          import io.kyoto.runtime.Time;
          import io.kyoto.runtime.annotation.AsyncTest;
          import io.kyoto.runtime.sync.Mpsc;
          import io.kyoto.runtime.sync.Notify;
          import io.kyoto.runtime.sync.Oneshot;
          import java.time.Duration;

          class HangSpec {
            final Mpsc.Channel<String> channel = Mpsc.channel(1);
            final Oneshot.Channel<Integer> one = Oneshot.channel();

            @AsyncTest(startPaused = true, timeout = 500)
            Future<String> receives() {
              Task.spawn(Time.sleep(Duration.ofHours(1))); // skipped by the paused clock
              Task.spawn(new Notify().notified());
              return channel.rx().recv();
            }

            @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2, timeout = 300)
            Future<Integer> joins() {
              return Task.spawn(new Notify().notified()).flatMap(done -> one.rx());
            }
          }
          """);

  static final JavaFileObject RUNNER =
      source(
          "demo.RunHangs",
          """
          package demo;

          public final class RunHangs {
            public static void main(String[] args) {
              HangSpec_AsyncTest spec = new HangSpec_AsyncTest();
              try {
                spec.receives_async();
                System.out.println("NO FAILURE");
              } catch (Exception e) {
                System.out.println(e.getClass().getName() + ": " + e.getMessage());
              }
              System.out.println("----");
              try {
                new HangSpec_AsyncTest().joins_async();
                System.out.println("NO FAILURE");
              } catch (Exception e) {
                System.out.println(e.getClass().getName() + ": " + e.getMessage());
              }
            }
          }
          """);

  static String[] output;

  @BeforeAll
  static void run() throws Exception {
    Compilation c = compile(SPEC, RUNNER);
    assertThat(c).succeededWithoutWarnings();
    for (JavaFileObject file : c.generatedFiles()) {
      if (file.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      String name = file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", "");
      Path target = classes.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = file.openInputStream()) {
        Files.write(target, in.readAllBytes());
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = classes + File.pathSeparator + System.getProperty("java.class.path");
    Process p =
        new ProcessBuilder(
                List.of(
                    java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath, "demo.RunHangs"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "runner exited");
    assertEquals(0, p.exitValue(), out);
    output = out.split("----\n", -1);
    assertEquals(2, output.length, out);
  }

  @Test
  void currentThreadHangNamesTheReceiveAndTheWaitingTask() {
    String m = output[0];
    assertTrue(
        m.startsWith(
            "io.kyoto.runtime.TimeoutWithDumpException: @AsyncTest HangSpec.receives() timed out"
                + " after 500 ms\n"),
        m);
    assertTrue(m.contains("\n  pending: Mpsc.recv[waiting for a message, senders=1]\n"), m);
    assertTrue(m.contains("\n  alive tasks (1):\n"), m);
    assertTrue(
        m.matches("(?s).*\n    task \\d+ \\[idle\\] Notified\\{waiting for a notification\\}\n.*"),
        m);
  }

  @Test
  void multiThreadHangNamesTheJoinedTaskAndItsNotify() {
    String m = output[1];
    assertTrue(
        m.startsWith(
            "io.kyoto.runtime.TimeoutWithDumpException: @AsyncTest HangSpec.joins() timed out"
                + " after 300 ms\n"),
        m);
    assertTrue(
        m.matches("(?s).*\n  pending: FlatMap\\[JoinHandle\\{Task\\{id=(\\d+)\\}\\}\\]\n.*"), m);
    String id = m.replaceFirst("(?s).*JoinHandle\\{Task\\{id=(\\d+)\\}\\}.*", "$1");
    assertTrue(m.contains("\n    task " + id + " [idle] Notified{waiting for a notification}"), m);
  }
}
