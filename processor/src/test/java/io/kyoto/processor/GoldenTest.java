package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Compares generated sources with the files under {@code src/test/resources/golden/}. Run with
 * {@code -Dkyoto.golden.update=true} (from the processor directory) to rewrite them after an
 * intended change.
 */
class GoldenTest {
  static final JavaFileObject LAUNCHER =
      source(
          "demo.Server",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.annotation.AsyncMain;

          public final class Server {
            @AsyncMain(workerThreads = 4, name = "server")
            static Future<Integer> serve(String[] args) {
              return Futures.ready(args.length);
            }

            public static final class Admin {
              @AsyncMain(flavor = io.kyoto.runtime.Flavor.CURRENT_THREAD, startPaused = true)
              public static Future<Void> run() {
                return Futures.ready(null);
              }
            }
          }
          """);

  static final JavaFileObject TESTS =
      source(
          "demo.ClockSpec",
          """
          package demo;

          import io.kyoto.runtime.Flavor;
          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.Time;
          import io.kyoto.runtime.annotation.AsyncTest;
          import java.time.Duration;
          import org.junit.jupiter.api.BeforeEach;

          class ClockSpec {
            int ticks;

            @BeforeEach
            void reset() {
              ticks = 0;
            }

            @AsyncTest
            Future<Void> ready() {
              return Futures.ready(null);
            }

            @AsyncTest(startPaused = true, timeout = 5_000)
            protected Future<Void> sleepsOnAPausedClock() {
              return Time.sleep(Duration.ofHours(1));
            }

            @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2)
            public Future<String> onWorkers() {
              return Futures.ready("done");
            }
          }
          """);

  static final JavaFileObject TEMPLATES =
      source(
          "demo.EchoSpec",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.annotation.AsyncTest;
          import java.util.stream.Stream;
          import org.junit.jupiter.api.RepeatedTest;
          import org.junit.jupiter.api.RepetitionInfo;
          import org.junit.jupiter.api.Tag;
          import org.junit.jupiter.api.TestInfo;
          import org.junit.jupiter.params.ParameterizedTest;
          import org.junit.jupiter.params.provider.MethodSource;
          import org.junit.jupiter.params.provider.ValueSource;

          class EchoSpec {
            static Stream<String> lines() {
              return Stream.of("hello", "world");
            }

            @AsyncTest(timeout = 5_000)
            @ParameterizedTest(name = "echoes {0}")
            @ValueSource(ints = {1, 2, 3})
            @Tag("echo")
            Future<Integer> echoes(int n) {
              return Futures.ready(n);
            }

            @AsyncTest
            @ParameterizedTest
            @MethodSource
            public Future<String> lines(String line, TestInfo info) {
              return Futures.ready(line);
            }

            @AsyncTest(startPaused = true)
            @RepeatedTest(4)
            protected Future<Integer> repeats(RepetitionInfo repetition) {
              return Futures.ready(repetition.getCurrentRepetition());
            }

            @AsyncTest
            Future<String> informed(TestInfo info) {
              return Futures.ready(info.getDisplayName());
            }
          }
          """);

  /** An abstract generic base, whose tests run through its concrete subclasses. */
  static final JavaFileObject CONTRACT =
      source(
          "demo.StoreContract",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.annotation.AsyncTest;
          import org.junit.jupiter.api.RepeatedTest;
          import org.junit.jupiter.api.RepetitionInfo;
          import org.junit.jupiter.params.ParameterizedTest;
          import org.junit.jupiter.params.provider.MethodSource;

          abstract class StoreContract<T> {
            abstract T create();

            @AsyncTest
            Future<Void> opens() {
              return Futures.ready(null);
            }

            @AsyncTest(timeout = 5_000)
            @ParameterizedTest
            @MethodSource("values")
            Future<T> stores(T value) {
              return Futures.ready(value);
            }

            @AsyncTest
            @RepeatedTest(2)
            protected Future<T> reopens(RepetitionInfo info) {
              return Futures.ready(create());
            }
          }
          """);

  static final JavaFileObject MEMORY_STORE =
      source(
          "demo.MemoryStoreSpec",
          """
          package demo;

          import java.util.stream.Stream;

          class MemoryStoreSpec extends StoreContract<String> {
            static Stream<String> values() {
              return Stream.of("a", "b");
            }

            @Override
            String create() {
              return "";
            }
          }
          """);

  static final JavaFileObject LIST_STORE =
      source(
          "demo.ListStoreSpec",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.annotation.AsyncTest;
          import java.util.List;
          import java.util.stream.Stream;

          class ListStoreSpec extends StoreContract<List<Integer>> {
            static Stream<List<Integer>> values() {
              return Stream.of(List.of(1), List.of(2, 3));
            }

            @Override
            List<Integer> create() {
              return List.of();
            }

            @Override
            @AsyncTest(startPaused = true)
            Future<Void> opens() {
              return Futures.ready(null);
            }
          }
          """);

  static final JavaFileObject SELECT =
      source(
          "demo.ConnEvents",
          """
          package demo;

          import io.kyoto.runtime.annotation.Branch;
          import io.kyoto.runtime.annotation.Else;
          import io.kyoto.runtime.annotation.Select;

          @Select
          public abstract class ConnEvents {
            @Branch
            String line(String line) {
              return "line " + line;
            }

            @Branch(disableOnNull = true)
            String message(String message) {
              return "message " + message;
            }

            @Branch
            String tick(long at) {
              return "tick " + at;
            }

            @Else
            String closed() {
              return "closed";
            }

            @Select(biased = true)
            public interface Shutdown {
              @Branch
              Integer signal(Void v);
            }
          }
          """);

  static Compilation compileAll() {
    Compilation c = compile(LAUNCHER, TESTS, TEMPLATES, CONTRACT, MEMORY_STORE, LIST_STORE, SELECT);
    assertThat(c).succeededWithoutWarnings();
    return c;
  }

  static String generated(Compilation c, String name) {
    JavaFileObject file = c.generatedSourceFile(name).orElseThrow();
    try (InputStream in = file.openInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertGolden(Compilation c, String name) throws IOException {
    String actual = generated(c, name);
    String resource = "golden/" + name.replace('.', '/') + ".java";
    if (Boolean.getBoolean("kyoto.golden.update")) {
      Path path = Path.of("src/test/resources", resource);
      Files.createDirectories(path.getParent());
      Files.writeString(path, actual);
    }
    try (InputStream in = GoldenTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertFalse(in == null, "missing golden file " + resource);
      assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, name);
    }
  }

  @Test
  void launcher() throws IOException {
    assertGolden(compileAll(), "demo.Server_Main");
  }

  @Test
  void nestedLauncher() throws IOException {
    assertGolden(compileAll(), "demo.Server_Admin_Main");
  }

  @Test
  void asyncTest() throws IOException {
    assertGolden(compileAll(), "demo.ClockSpec_AsyncTest");
  }

  @Test
  void asyncTestTemplatesAndParameters() throws IOException {
    assertGolden(compileAll(), "demo.EchoSpec_AsyncTest");
  }

  @Test
  void asyncTestInheritedFromAnAbstractGenericBase() throws IOException {
    Compilation c = compileAll();
    assertGolden(c, "demo.MemoryStoreSpec_AsyncTest");
    assertGolden(c, "demo.ListStoreSpec_AsyncTest");
    assertFalse(c.generatedSourceFile("demo.StoreContract_AsyncTest").isPresent());
  }

  @Test
  void select() throws IOException {
    assertGolden(compileAll(), "demo.ConnEvents_Select");
  }

  @Test
  void biasedSelect() throws IOException {
    assertGolden(compileAll(), "demo.ConnEvents_Shutdown_Select");
  }

  @Test
  void generatedSourcesAreDeterministic() {
    Compilation first = compileAll();
    Compilation second = compileAll();
    for (String name :
        List.of(
            "demo.Server_Main",
            "demo.Server_Admin_Main",
            "demo.ClockSpec_AsyncTest",
            "demo.EchoSpec_AsyncTest",
            "demo.MemoryStoreSpec_AsyncTest",
            "demo.ListStoreSpec_AsyncTest",
            "demo.ConnEvents_Select",
            "demo.ConnEvents_Shutdown_Select")) {
      assertEquals(generated(first, name), generated(second, name), name);
    }
  }

  @Test
  void generatedSourcesUseNoReflection() {
    Compilation c = compileAll();
    assertEquals(8, c.generatedSourceFiles().size());
    for (JavaFileObject file : c.generatedSourceFiles()) {
      String text;
      try (InputStream in = file.openInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String banned : List.of("java.lang.reflect", "Class.forName", "MethodHandles")) {
        assertFalse(text.contains(banned), file.getName() + " uses " + banned);
      }
      assertFalse(!text.contains("@Generated(\"io.kyoto.processor."), file.getName());
    }
  }
}
