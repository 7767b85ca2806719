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
 * A {@code @Branch} handler may take its value as a primitive ({@code long n} for a {@code
 * Future<Long>}). A null value cannot be unboxed: without {@code disableOnNull} the select fails
 * with a {@code NullPointerException} that names the branch and says what to do (not one about
 * {@code Poll.value()}, from generated code); with it, the null disables the branch before any
 * unboxing, as for a boxed parameter.
 */
class SelectPrimitiveValueRunTest {
  @TempDir Path classes;

  static final JavaFileObject APP =
      source(
          "demo.Numbers",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.Poll;
          import io.kyoto.runtime.Runtime;
          import io.kyoto.runtime.annotation.Branch;
          import io.kyoto.runtime.annotation.Else;
          import io.kyoto.runtime.annotation.Select;
          import io.kyoto.runtime.sync.Mpsc;

          public class Numbers {
            @Select(biased = true)
            public interface Strict {
              @Branch default String number(long n) { return "number " + n; }
              @Branch default String other(int n) { return "other " + n; }
            }

            @Select(biased = true)
            public interface Lenient {
              @Branch(disableOnNull = true) default String number(long n) { return "number " + n; }
              @Else default String closed() { return "closed"; }
            }

            /** A closed channel's recv() completes with null. */
            static Future<Long> closed() {
              Mpsc.Channel<Long> ch = Mpsc.channel(1);
              ch.tx().close();
              return ch.rx().recv();
            }

            public static String run() throws Exception {
              try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
                Future<Integer> never = Futures.pollFn(cx -> Poll.pending());
                String ready =
                    rt.blockOn(Futures.lazy(() -> Numbers_Strict_Select.of(new Strict() {}, Futures.ready(7L), never)));
                String lenientReady =
                    rt.blockOn(Futures.lazy(() -> Numbers_Lenient_Select.of(new Lenient() {}, Futures.ready(8L))));
                String lenientNull =
                    rt.blockOn(Futures.lazy(() -> Numbers_Lenient_Select.of(new Lenient() {}, closed())));
                String strictNull;
                try {
                  strictNull =
                      rt.blockOn(Futures.lazy(() -> Numbers_Strict_Select.of(new Strict() {}, closed(), never)));
                } catch (NullPointerException e) {
                  strictNull = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                return String.join("\\n", ready, lenientReady, lenientNull, strictNull);
              }
            }
          }
          """);

  @Test
  void aNullIntoAPrimitiveParameterFailsNamingTheBranchOrDisablesIt() throws Exception {
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
      Object result = loader.loadClass("demo.Numbers").getMethod("run").invoke(null);
      assertEquals(
          String.join(
              "\n",
              "number 7",
              "number 8",
              "closed",
              "NullPointerException: branch `number` of the select `demo.Numbers.Strict` completed"
                  + " with null, which its handler's `long` parameter cannot take: declare the"
                  + " parameter `Long` to receive null, or use `@Branch(disableOnNull = true)` to"
                  + " disable the branch on null (a closed channel's `recv()` completes with null)"),
          result);
    }
  }
}
