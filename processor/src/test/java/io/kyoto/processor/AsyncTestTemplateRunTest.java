package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Runs generated {@code @AsyncTest} test templates ({@code @ParameterizedTest},
 * {@code @RepeatedTest}) and tests taking parameters JUnit resolves, through the JUnit Platform
 * launcher, and checks what ran: how many invocations, with which arguments and display names, on
 * which runtime, with which outcome.
 */
class AsyncTestTemplateRunTest {

  static final String SPEC =
      """
      package demo;

      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.Handle;
      import io.kyoto.runtime.Time;
      import io.kyoto.runtime.annotation.AsyncTest;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.time.Duration;
      import java.util.List;
      import java.util.concurrent.CopyOnWriteArrayList;
      import java.util.stream.Stream;
      import org.junit.jupiter.api.DisplayName;
      import org.junit.jupiter.api.RepeatedTest;
      import org.junit.jupiter.api.RepetitionInfo;
      import org.junit.jupiter.api.TestInfo;
      import org.junit.jupiter.api.TestReporter;
      import org.junit.jupiter.api.TestTemplate;
      import org.junit.jupiter.api.extension.ExtendWith;
      import org.junit.jupiter.api.extension.ExtensionContext;
      import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
      import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
      import org.junit.jupiter.api.io.TempDir;
      import org.junit.jupiter.params.ParameterizedTest;
      import org.junit.jupiter.params.provider.Arguments;
      import org.junit.jupiter.params.provider.CsvSource;
      import org.junit.jupiter.params.provider.FieldSource;
      import org.junit.jupiter.params.provider.MethodSource;
      import org.junit.jupiter.params.provider.ValueSource;

      class TemplateSpec {
        static final List<String> CALLS = new CopyOnWriteArrayList<>();
        static final List<String> letters = List.of("p", "q", "r");

        static Stream<Arguments> factory() {
          return Stream.of(Arguments.of("a", List.of(1)), Arguments.of("b", List.of(2, 3)));
        }

        static Stream<String> named() {
          return Stream.of("x", "y");
        }

        /** Records the call, with the id of the runtime it runs on, and sleeps on that runtime. */
        static Future<Void> record(String call) {
          CALLS.add(call + " @" + Handle.current().id());
          return Time.sleep(Duration.ofMillis(1));
        }

        @AsyncTest
        @ParameterizedTest(name = "{displayName} #{index}: {0}")
        @ValueSource(ints = {1, 2, 3})
        Future<Void> echoes(int n) {
          return record("echoes " + n);
        }

        @AsyncTest(timeout = 10_000)
        @ParameterizedTest
        @MethodSource("factory")
        Future<Void> pairs(String name, List<Integer> values) {
          return record("pairs " + name + " " + values);
        }

        @AsyncTest
        @ParameterizedTest
        @MethodSource
        Future<Void> named(String word) {
          return record("named " + word);
        }

        @AsyncTest
        @ParameterizedTest
        @FieldSource
        Future<Void> letters(String letter) {
          return record("letters " + letter);
        }

        @AsyncTest
        @RepeatedTest(4)
        Future<Void> repeats(RepetitionInfo info) {
          return record(
              "repeats " + info.getCurrentRepetition() + "/" + info.getTotalRepetitions());
        }

        @AsyncTest
        Future<Void> informed(TestInfo info, TestReporter reporter, @TempDir Path dir) {
          reporter.publishEntry("method", info.getTestMethod().orElseThrow().getName());
          return record("informed " + info.getDisplayName() + " " + Files.isDirectory(dir));
        }

        @AsyncTest
        @DisplayName("a named test")
        Future<Void> renamed(TestInfo info) {
          return record("renamed " + info.getDisplayName());
        }

        /** A test template provider of its own: two invocations, "first" and "second". */
        static final class Twice implements TestTemplateInvocationContextProvider {
          @Override
          public boolean supportsTestTemplate(ExtensionContext context) {
            return true;
          }

          @Override
          public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
              ExtensionContext context) {
            return Stream.of("first", "second").map(name -> new TestTemplateInvocationContext() {
              @Override
              public String getDisplayName(int index) {
                return name;
              }
            });
          }
        }

        @AsyncTest
        @TestTemplate
        @ExtendWith(Twice.class)
        Future<Void> twice(TestInfo info) {
          return record("twice " + info.getDisplayName());
        }

        @AsyncTest
        @ParameterizedTest
        @CsvSource({"1", "2", "3"})
        Future<Void> failsOnTwo(int n) {
          CALLS.add("failsOnTwo " + n);
          return n == 2
              ? Futures.failed(new IllegalStateException("two is wrong"))
              : Futures.ready(null);
        }
      }
      """;

  /** One finished test or container. */
  record Finished(
      String method,
      String displayName,
      boolean isTest,
      TestExecutionResult.Status status,
      Throwable failure) {}

  static final List<Finished> finished = new CopyOnWriteArrayList<>();
  static final List<DiscoveryIssue> issues = new CopyOnWriteArrayList<>();
  static final Map<String, String> reported = new ConcurrentHashMap<>();
  static List<String> calls;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void run() throws Exception {
    Compilation c = compile(source("demo.TemplateSpec", SPEC));
    assertThat(c).succeededWithoutWarnings();
    ClassLoader loader = ProcessorTestSupport.loader(c);
    Class<?> generated = loader.loadClass("demo.TemplateSpec_AsyncTest");
    ProcessorTestSupport.launch(
        List.of(selectClass(generated)),
        issues,
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            String method =
                id.getSource().orElse(null) instanceof MethodSource m ? m.getMethodName() : "";
            finished.add(
                new Finished(
                    method,
                    id.getDisplayName(),
                    id.isTest(),
                    result.getStatus(),
                    result.getThrowable().orElse(null)));
          }

          @Override
          public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
            reported.putAll(entry.getKeyValuePairs());
          }
        });
    java.lang.reflect.Field field = loader.loadClass("demo.TemplateSpec").getDeclaredField("CALLS");
    field.setAccessible(true);
    calls = List.copyOf((List<String>) field.get(null));
  }

  /** {@return the invocations (tests) of the generated method {@code method}, in order} */
  static List<Finished> invocations(String method) {
    return finished.stream().filter(f -> f.isTest() && f.method().equals(method)).toList();
  }

  /** {@return the display names of the invocations of {@code method}} */
  static List<String> displayNames(String method) {
    return invocations(method).stream().map(Finished::displayName).toList();
  }

  /** {@return the calls recorded with {@code prefix}, without the runtime ids} */
  static List<String> calls(String prefix) {
    return calls.stream()
        .filter(c -> c.startsWith(prefix + " "))
        .map(c -> c.replaceFirst(" @\\d+$", ""))
        .toList();
  }

  static void assertAllSucceeded(List<Finished> runs) {
    for (Finished f : runs) {
      assertEquals(TestExecutionResult.Status.SUCCESSFUL, f.status(), f.toString());
    }
  }

  @Test
  void valueSourceRunsOncePerValueWithTheParameterizedDisplayNames() {
    List<Finished> runs = invocations("echoes_async");
    assertEquals(3, runs.size(), finished.toString());
    assertAllSucceeded(runs);
    assertEquals(List.of("echoes 1", "echoes 2", "echoes 3"), calls("echoes"));
    // {displayName} is the generated method's, named after the user's method.
    assertEquals(
        List.of("echoes(int) #1: 1", "echoes(int) #2: 2", "echoes(int) #3: 3"),
        displayNames("echoes_async"));
  }

  @Test
  void eachInvocationRunsOnAFreshRuntime() {
    List<String> recorded = calls.stream().filter(c -> c.contains(" @")).toList();
    Set<String> runtimes = new HashSet<>();
    for (String c : recorded) {
      runtimes.add(c.substring(c.lastIndexOf(" @") + 2));
    }
    // echoes 3, pairs 2, named 2, letters 3, repeats 4, informed 1, renamed 1, twice 2
    assertEquals(18, recorded.size(), recorded.toString());
    assertEquals(recorded.size(), runtimes.size(), recorded.toString());
  }

  @Test
  void methodSourceFindsTheStaticFactoryOfTheUsersClass() {
    List<Finished> runs = invocations("pairs_async");
    assertEquals(2, runs.size(), finished.toString());
    assertAllSucceeded(runs);
    assertEquals(List.of("pairs a [1]", "pairs b [2, 3]"), calls("pairs"));
  }

  @Test
  void methodSourceAndFieldSourceWithoutANameUseTheUsersMethodName() {
    assertEquals(2, invocations("named_async").size(), finished.toString());
    assertAllSucceeded(invocations("named_async"));
    assertEquals(List.of("named x", "named y"), calls("named"));
    assertEquals(3, invocations("letters_async").size(), finished.toString());
    assertAllSucceeded(invocations("letters_async"));
    assertEquals(List.of("letters p", "letters q", "letters r"), calls("letters"));
  }

  @Test
  void repeatedTestRunsItsRepetitionsWithRepetitionInfo() {
    List<Finished> runs = invocations("repeats_async");
    assertEquals(4, runs.size(), finished.toString());
    assertAllSucceeded(runs);
    assertEquals(
        List.of("repeats 1/4", "repeats 2/4", "repeats 3/4", "repeats 4/4"), calls("repeats"));
    assertEquals(
        List.of("repetition 1 of 4", "repetition 2 of 4", "repetition 3 of 4", "repetition 4 of 4"),
        displayNames("repeats_async"));
  }

  @Test
  void plainTestReceivesTestInfoTestReporterAndTempDir() {
    assertEquals(1, invocations("informed_async").size(), finished.toString());
    assertAllSucceeded(invocations("informed_async"));
    assertEquals(
        List.of("informed informed(TestInfo, TestReporter, Path) true"), calls("informed"));
    // TestInfo describes the test JUnit runs, the generated method.
    assertEquals("informed_async", reported.get("method"));
    assertEquals(List.of("renamed a named test"), calls("renamed"));
    assertEquals(List.of("a named test"), displayNames("renamed_async"));
  }

  @Test
  void anyTestTemplateRunsOncePerInvocationContext() {
    assertEquals(List.of("first", "second"), displayNames("twice_async"));
    assertAllSucceeded(invocations("twice_async"));
    assertEquals(List.of("twice first", "twice second"), calls("twice"));
  }

  @Test
  void aFailingInvocationFailsOnlyThatInvocation() {
    List<Finished> runs = invocations("failsOnTwo_async");
    assertEquals(3, runs.size(), finished.toString());
    assertEquals(
        List.of(
            TestExecutionResult.Status.SUCCESSFUL,
            TestExecutionResult.Status.FAILED,
            TestExecutionResult.Status.SUCCESSFUL),
        runs.stream().map(Finished::status).toList());
    IllegalStateException failure =
        assertInstanceOf(IllegalStateException.class, runs.get(1).failure());
    assertEquals("two is wrong", failure.getMessage());
    assertEquals(List.of("failsOnTwo 1", "failsOnTwo 2", "failsOnTwo 3"), calls("failsOnTwo"));
    // The template itself, and the class, succeed: only the invocation failed.
    List<String> failed = new ArrayList<>();
    for (Finished f : finished) {
      if (f.status() != TestExecutionResult.Status.SUCCESSFUL) {
        failed.add(f.displayName());
      }
    }
    // CSV values are strings, which JUnit quotes in display names.
    assertEquals(List.of("[2] \"2\""), failed);
  }

  @Test
  void theUsersTemplatesThatReturnAFutureAreNotReportedAsDiscoveryIssues() {
    // The generated class inherits the user's @ParameterizedTest and @RepeatedTest methods, which
    // return a future; without the generated overrides that hide them, JUnit would warn "must not
    // return a value. It will not be executed" for each.
    assertEquals(List.of(), issues);
    // Only the generated methods ran, none of the user's.
    assertTrue(
        finished.stream().noneMatch(f -> !f.method().isEmpty() && !f.method().endsWith("_async")),
        finished.toString());
  }
}
