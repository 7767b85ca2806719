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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs generated launchers in a child JVM and checks their exit status and output. */
class LauncherRunTest {
  @TempDir Path classes;

  static final JavaFileObject APP =
      source(
          "demo.Exit",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.Task;
          import io.kyoto.runtime.Time;
          import io.kyoto.runtime.annotation.AsyncMain;
          import java.time.Duration;

          public final class Exit {
            @AsyncMain(workerThreads = 2)
            static Future<Integer> run(String[] args) {
              if (args[0].equals("fail")) {
                return Futures.failed(new IllegalStateException("boom from the app"));
              }
              // Runs inside the runtime: spawning works because the launcher calls this lazily.
              return Task.spawn(Time.sleep(Duration.ofMillis(10)))
                  .map(done -> Integer.parseInt(args[0]));
            }
          }
          """);

  private record Result(int status, String output) {}

  private Result run(String arg) throws Exception {
    Compilation c = compile(APP);
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
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    classPath,
                    "demo.Exit_Main",
                    arg))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher exited");
    return new Result(p.exitValue(), output);
  }

  @Test
  void exitsWithTheIntegerTheMethodReturns() throws Exception {
    Result r = run("7");
    assertEquals(7, r.status(), r.output());
  }

  @Test
  void printsTheStackTraceAndExitsWithOneOnFailure() throws Exception {
    Result r = run("fail");
    assertEquals(1, r.status(), r.output());
    assertTrue(
        r.output().contains("java.lang.IllegalStateException: boom from the app"), r.output());
  }

  @Test
  void failureThrownWhileCreatingTheFutureIsReportedToo() throws Exception {
    Result r = run("not-a-number");
    assertEquals(1, r.status(), r.output());
    assertTrue(r.output().contains("NumberFormatException"), r.output());
  }
}
