package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Runs, through the JUnit Platform launcher, the tests generated for the concrete subclasses of an
 * abstract (and generic) base that declares {@code @AsyncTest} methods: the base gets no test of
 * its own, each concrete subclass runs the inherited tests once, with its own state, and an
 * override in a subclass replaces the inherited test.
 */
class AsyncTestInheritanceRunTest {

  static final JavaFileObject BASE =
      source(
          "demo.StoreSpec",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.Handle;
          import io.kyoto.runtime.annotation.AsyncTest;
          import java.util.List;
          import java.util.concurrent.CopyOnWriteArrayList;
          import java.util.stream.Stream;
          import org.junit.jupiter.api.RepeatedTest;
          import org.junit.jupiter.params.ParameterizedTest;
          import org.junit.jupiter.params.provider.MethodSource;

          abstract class StoreSpec<T> {
            static final List<String> CALLS = new CopyOnWriteArrayList<>();

            abstract T create();

            String prefix() {
              return "base";
            }

            Future<Void> record(String call) {
              CALLS.add(getClass().getSimpleName() + " " + prefix() + " " + call + " " + create()
                  + " @" + Handle.current().id());
              return Futures.ready(null);
            }

            static Stream<String> keys() {
              return Stream.of("a", "b");
            }

            @AsyncTest
            Future<Void> starts() {
              return record("starts");
            }

            @AsyncTest(timeout = 5_000)
            @ParameterizedTest(name = "{0}")
            @MethodSource
            Future<Void> keys(String key) {
              return record("keys " + key);
            }

            /** Takes a {@code T}: each subclass provides {@code values()} of its own type. */
            @AsyncTest
            @ParameterizedTest
            @MethodSource("values")
            Future<T> stores(T value) {
              record("stores " + value);
              return Futures.ready(value);
            }

            @AsyncTest
            @RepeatedTest(2)
            Future<T> repeats() {
              record("repeats");
              return Futures.ready(create());
            }

            @AsyncTest
            Future<Void> replaced() {
              return record("replaced by the base");
            }

            @AsyncTest
            Future<Void> dropped() {
              return record("dropped by the base");
            }
          }
          """);

  static final JavaFileObject MEMORY =
      source(
          "demo.MemoryStoreSpec",
          """
          package demo;

          import java.util.stream.Stream;

          class MemoryStoreSpec extends StoreSpec<String> {
            static Stream<String> values() {
              return Stream.of("x");
            }

            @Override
            String create() {
              return "memory";
            }

            @Override
            String prefix() {
              return "m";
            }
          }
          """);

  static final JavaFileObject DISK =
      source(
          "demo.DiskStoreSpec",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.annotation.AsyncTest;

          class DiskStoreSpec extends StoreSpec<Integer> {
            static java.util.stream.Stream<Integer> values() {
              return java.util.stream.Stream.of(7, 8);
            }

            @Override
            Integer create() {
              return 42;
            }

            @Override
            String prefix() {
              return "d";
            }

            @Override
            @AsyncTest(startPaused = true)
            Future<Void> replaced() {
              return record("replaced by the subclass");
            }

            /** Overridden without {@code @AsyncTest}: no longer a test. */
            @Override
            Future<Void> dropped() {
              return record("dropped by the subclass");
            }
          }
          """);

  record Finished(
      String className, String method, boolean isTest, TestExecutionResult.Status status) {}

  static final List<Finished> finished = new CopyOnWriteArrayList<>();
  static final List<DiscoveryIssue> issues = new CopyOnWriteArrayList<>();
  static Compilation compilation;
  static ClassLoader loader;
  static List<String> calls;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void run() throws Exception {
    compilation = compile(BASE, MEMORY, DISK);
    assertThat(compilation).succeededWithoutWarnings();
    loader = ProcessorTestSupport.loader(compilation);
    // Every generated test class, as Surefire would select them.
    List<ClassSelector> selectors = new ArrayList<>();
    for (JavaFileObject file : compilation.generatedSourceFiles()) {
      String name =
          file.toUri().getPath().replaceFirst("^/SOURCE_OUTPUT/", "").replace(".java", "");
      selectors.add(selectClass(loader.loadClass(name.replace('/', '.'))));
    }
    assertEquals(2, selectors.size(), selectors.toString());
    ProcessorTestSupport.launch(
        selectors,
        issues,
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.getSource().orElse(null) instanceof MethodSource m) {
              finished.add(
                  new Finished(
                      m.getClassName(), m.getMethodName(), id.isTest(), result.getStatus()));
            }
          }
        });
    java.lang.reflect.Field field = loader.loadClass("demo.StoreSpec").getDeclaredField("CALLS");
    field.setAccessible(true);
    calls =
        ((List<String>) field.get(null))
            .stream().map(c -> c.replaceFirst(" @\\d+$", "")).sorted().toList();
  }

  @Test
  void theAbstractBaseGetsNoTestOfItsOwn() {
    assertTrue(compilation.generatedSourceFile("demo.StoreSpec_AsyncTest").isEmpty());
    assertThrows(ClassNotFoundException.class, () -> loader.loadClass("demo.StoreSpec_AsyncTest"));
    assertTrue(
        calls.stream()
            .allMatch(
                c ->
                    c.startsWith("MemoryStoreSpec_AsyncTest ")
                        || c.startsWith("DiskStoreSpec_AsyncTest ")),
        calls.toString());
  }

  @Test
  void eachConcreteSubclassRunsTheInheritedTestsOnce() {
    assertEquals(
        List.of(
            "DiskStoreSpec_AsyncTest d keys a 42",
            "DiskStoreSpec_AsyncTest d keys b 42",
            "DiskStoreSpec_AsyncTest d repeats 42",
            "DiskStoreSpec_AsyncTest d repeats 42",
            "DiskStoreSpec_AsyncTest d replaced by the subclass 42",
            "DiskStoreSpec_AsyncTest d starts 42",
            "DiskStoreSpec_AsyncTest d stores 7 42",
            "DiskStoreSpec_AsyncTest d stores 8 42",
            "MemoryStoreSpec_AsyncTest m dropped by the base memory",
            "MemoryStoreSpec_AsyncTest m keys a memory",
            "MemoryStoreSpec_AsyncTest m keys b memory",
            "MemoryStoreSpec_AsyncTest m repeats memory",
            "MemoryStoreSpec_AsyncTest m repeats memory",
            "MemoryStoreSpec_AsyncTest m replaced by the base memory",
            "MemoryStoreSpec_AsyncTest m starts memory",
            "MemoryStoreSpec_AsyncTest m stores x memory"),
        calls);
    for (Finished f : finished) {
      assertEquals(TestExecutionResult.Status.SUCCESSFUL, f.status(), f.toString());
    }
    // Invocations (tests) per generated class: starts 1, keys 2, repeats 2, replaced 1, stores 1
    // (memory) or 2 (disk), and dropped 1 for the memory store only.
    assertEquals(8, tests("demo.MemoryStoreSpec_AsyncTest").size(), finished.toString());
    assertEquals(8, tests("demo.DiskStoreSpec_AsyncTest").size(), finished.toString());
    assertTrue(
        tests("demo.DiskStoreSpec_AsyncTest").stream()
            .noneMatch(f -> f.method().startsWith("dropped")),
        finished.toString());
  }

  @Test
  void noInheritedTemplateIsReportedAsADiscoveryIssue() {
    assertEquals(List.of(), issues);
    assertTrue(
        finished.stream().noneMatch(f -> !f.method().contains("_async")), finished.toString());
  }

  static List<Finished> tests(String className) {
    return finished.stream().filter(f -> f.isTest() && f.className().equals(className)).toList();
  }
}
