package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated select drops its branch futures as {@code io.kyoto.runtime.Select} does when a
 * {@code cancel()} throws: every loser is still cancelled, a branch's failure stays the select's
 * failure with the cancels' exceptions suppressed (and the failed future is cancelled once, as a
 * drop), and a winner whose losers' cancels threw fails the select with the first of them.
 */
class SelectCancelRunTest {
  @TempDir Path classes;

  static final JavaFileObject APP =
      source(
          "demo.Four",
          """
          package demo;

          import io.kyoto.runtime.Context;
          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Poll;
          import io.kyoto.runtime.annotation.Branch;
          import io.kyoto.runtime.annotation.Select;
          import java.util.ArrayList;
          import java.util.Arrays;
          import java.util.List;

          @Select(biased = true)
          public class Four {
            @Branch String a(String v) { return "a " + v; }
            @Branch String b(String v) { return "b " + v; }
            @Branch String c(String v) { return "c " + v; }
            @Branch String d(String v) { return "d " + v; }

            /** A branch future: pending, ready with its name, or failing; its cancel() may throw. */
            static Future<String> branch(
                String name, String outcome, boolean cancelThrows, List<String> log) {
              return new Future<>() {
                @Override
                public Poll<String> poll(Context cx) {
                  return switch (outcome) {
                    case "ready" -> Poll.ready(name);
                    case "fail" -> throw new IllegalStateException(name + " failed");
                    default -> Poll.pending();
                  };
                }

                @Override
                public void cancel() {
                  log.add("cancel " + name);
                  if (cancelThrows) {
                    throw new IllegalArgumentException(name + " cancel failed");
                  }
                }
              };
            }

            /** Runs one select, by hand, and reports what happened to it and to its futures. */
            public static String run(String aOutcome, boolean explicitCancel) {
              List<String> log = new ArrayList<>();
              Future<String> select =
                  Four_Select.of(
                      new Four(),
                      branch("a", aOutcome, false, log),
                      branch("b", "pending", true, log),
                      branch("c", "pending", true, log),
                      branch("d", "pending", false, log));
              String outcome;
              try {
                if (explicitCancel) {
                  select.cancel();
                  outcome = "cancelled";
                } else {
                  outcome = "value " + select.poll(new Context(() -> {})).value();
                }
              } catch (Exception e) {
                outcome = e.getMessage() + Arrays.stream(e.getSuppressed())
                    .map(s -> " [suppressed " + s.getMessage() + " "
                        + Arrays.stream(s.getSuppressed()).map(Throwable::getMessage).toList()
                        + "]")
                    .toList();
              }
              return outcome + ": " + log;
            }
          }
          """);

  private Object run(String aOutcome, boolean explicitCancel) throws Exception {
    Compilation c = compile(APP);
    assertThat(c).succeededWithoutWarnings();
    for (JavaFileObject file : c.generatedFiles()) {
      if (file.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      Path out = classes.resolve(file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", ""));
      Files.createDirectories(out.getParent());
      try (InputStream in = file.openInputStream()) {
        Files.copy(in, out);
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      return loader
          .loadClass("demo.Four")
          .getMethod("run", String.class, boolean.class)
          .invoke(null, aOutcome, explicitCancel);
    }
  }

  @Test
  void aWinnerStillCancelsEveryLoserWhenSeveralLosersCancelsThrow() throws Exception {
    // As Select: the losers are cancelled before the handler runs, and their first exception
    // (later ones suppressed) fails the select.
    assertEquals(
        "b cancel failed[ [suppressed c cancel failed []]]: [cancel b, cancel c, cancel d]",
        run("ready", false));
  }

  @Test
  void aBranchsFailureSurvivesLosersCancelsThatThrow() throws Exception {
    // The failed future is dropped (cancelled once) too, as the runtime drops a failed future.
    assertEquals(
        "a failed[ [suppressed b cancel failed [c cancel failed]]]:"
            + " [cancel a, cancel b, cancel c, cancel d]",
        run("fail", false));
  }

  @Test
  void cancellingTheSelectCancelsEveryBranchWhenOneCancelThrows() throws Exception {
    assertEquals(
        "b cancel failed[ [suppressed c cancel failed []]]:"
            + " [cancel a, cancel b, cancel c, cancel d]",
        run("pending", true));
  }
}
