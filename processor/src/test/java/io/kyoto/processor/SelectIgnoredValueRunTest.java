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
 * A {@code @Branch} without a parameter ignores its future's value, as tokio's {@code _ = fut =>}:
 * the generated select compiles without warnings, takes a {@code Future<?>} for it, and runs.
 */
class SelectIgnoredValueRunTest {
  @TempDir Path classes;

  static final JavaFileObject APP =
      source(
          "demo.Events",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.Poll;
          import io.kyoto.runtime.Runtime;
          import io.kyoto.runtime.annotation.Branch;
          import io.kyoto.runtime.annotation.Select;
          import io.kyoto.runtime.sync.CancellationToken;
          import io.kyoto.runtime.sync.Mpsc;

          @Select(biased = true)
          public class Events {
            @Branch String shutdown() { return "shutdown"; }
            @Branch(disableOnNull = true) String message(String m) { return "message " + m; }
            @Branch String never() { return "never"; }

            public static String run() throws Exception {
              try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
                return rt.blockOn(Futures.lazy(() -> {
                  CancellationToken stop = new CancellationToken();
                  Mpsc.Channel<String> ch = Mpsc.channel(4);
                  Future<Integer> never = Futures.pollFn(cx -> Poll.pending());
                  ch.tx().trySend("hi");
                  Future<String> one =
                      Events_Select.of(new Events(), stop.cancelled(), ch.rx().recv(), never);
                  return one.flatMap(a -> {
                    stop.cancel();
                    return Events_Select.of(new Events(), stop.cancelled(), ch.rx().recv(), never)
                        .map(b -> a + ", " + b);
                  });
                }));
              }
            }
          }
          """);

  @Test
  void aBranchWithoutAParameterIgnoresItsValue() throws Exception {
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
      Object result = loader.loadClass("demo.Events").getMethod("run").invoke(null);
      assertEquals("message hi, shutdown", result);
    }
  }
}
