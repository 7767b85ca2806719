package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.lineOf;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Runs, through the JUnit Platform launcher, the tests generated for {@code @AsyncTest} classes
 * named by JUnit's built-in display name generators, side by side with plain JUnit classes that
 * declare the same methods as {@code @Test}s (same names, parameter types, templates and
 * annotations) under the same generator: the generated class and its tests must be displayed
 * exactly as the plain class and its tests are. Each scenario is written once, in package {@code
 * plain} with {@code @Test void} methods and in package {@code async} with {@code @AsyncTest}
 * methods, so the classes have the same simple names.
 */
class AsyncTestDisplayNameRunTest {

  /** The imports of every scenario's file. */
  static final String IMPORTS =
      """
      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.annotation.AsyncTest;
      import java.lang.annotation.ElementType;
      import java.lang.annotation.Retention;
      import java.lang.annotation.RetentionPolicy;
      import java.lang.annotation.Target;
      import org.junit.jupiter.api.DisplayName;
      import org.junit.jupiter.api.DisplayNameGeneration;
      import org.junit.jupiter.api.DisplayNameGenerator;
      import org.junit.jupiter.api.IndicativeSentencesGeneration;
      import org.junit.jupiter.api.RepeatedTest;
      import org.junit.jupiter.api.RepetitionInfo;
      import org.junit.jupiter.api.Test;
      import org.junit.jupiter.api.TestInfo;
      import org.junit.jupiter.api.TestReporter;
      import org.junit.jupiter.params.ParameterizedTest;
      import org.junit.jupiter.params.provider.MethodSource;
      import org.junit.jupiter.params.provider.ValueSource;
      """;

  /**
   * The test methods of every scenario, as {@code @AsyncTest} methods; {@link #plain} turns them
   * into {@code @Test void} methods.
   */
  static final String METHODS =
      """
        @AsyncTest
        Future<Void> adding_two_numbers() {
          return Futures.ready(null);
        }

        @AsyncTest
        Future<Void> with_info(TestInfo info, TestReporter reporter) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @ValueSource(ints = {1, 2})
        Future<Void> squares_of(int n) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest(name = "{displayName}: {0}")
        @ValueSource(strings = {"a_b"})
        Future<Void> echoes_text(CharSequence text) {
          return Futures.ready(null);
        }

        @AsyncTest
        @RepeatedTest(2)
        Future<Void> repeats_twice(RepetitionInfo info) {
          return Futures.ready(null);
        }

        @AsyncTest
        @DisplayName("explicitly named")
        Future<Void> named_by_hand() {
          return Futures.ready(null);
        }
      """;

  /** One scenario's file: {@code %s} is replaced by {@link #METHODS} (for a test class). */
  record Scenario(String name, String text) {}

  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario(
              "Standard_Spec",
              """
              @DisplayNameGeneration(DisplayNameGenerator.Standard.class)
              class Standard_Spec {
              %s}
              """),
          new Scenario(
              "Simple_Spec",
              """
              @DisplayNameGeneration(DisplayNameGenerator.Simple.class)
              class Simple_Spec {
              %s}
              """),
          new Scenario(
              "Underscored_Spec",
              """
              @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
              class Underscored_Spec {
              %s}
              """),
          new Scenario(
              "Sentences_Spec",
              """
              @IndicativeSentencesGeneration(
                  separator = " -> ",
                  generator = DisplayNameGenerator.ReplaceUnderscores.class)
              class Sentences_Spec {
              %s}
              """),
          // The generator on an abstract superclass: @DisplayNameGeneration is @Inherited.
          new Scenario(
              "Base_Spec",
              """
              @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
              abstract class Base_Spec {
              %s}
              """),
          new Scenario(
              "Derived_Spec",
              """
              class Derived_Spec extends Base_Spec {
                @AsyncTest
                @ParameterizedTest
                @MethodSource
                Future<Void> own_test(int[] values) {
                  return Futures.ready(null);
                }

                static java.util.stream.Stream<int[]> own_test() {
                  return java.util.stream.Stream.of(new int[] {1});
                }
              }
              """),
          // The class's @DisplayName begins the sentences.
          new Scenario(
              "Named_Spec",
              """
              @DisplayName("  A calculator ")
              @IndicativeSentencesGeneration
              class Named_Spec {
              %s}
              """),
          // A class @DisplayName with a generator that does not use it.
          new Scenario(
              "Named_Simple_Spec",
              """
              @DisplayName("Simply named")
              @DisplayNameGeneration(DisplayNameGenerator.Simple.class)
              class Named_Simple_Spec {
              %s}
              """),
          // No generator: JUnit's default, Standard.
          new Scenario(
              "Default_Spec",
              """
              class Default_Spec {
              %s}
              """),
          // JUnit 6 searches enclosing classes only for @Nested inner classes: the generator of
          // the enclosing class does not name a static nested class.
          new Scenario(
              "Enclosing_Spec",
              """
              @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
              class Enclosing_Spec {
                static class Nested_Spec {
                %s}
              }
              """),
          // A composed annotation meta-annotated with @IndicativeSentencesGeneration (itself
          // meta-annotated with @DisplayNameGeneration), on an interface the class implements,
          // and sentence fragments.
          new Scenario(
              "Sentences",
              """
              @Retention(RetentionPolicy.RUNTIME)
              @Target(ElementType.TYPE)
              @IndicativeSentencesGeneration(separator = " / ")
              @interface Sentences {}
              """),
          new Scenario(
              "Described",
              """
              @Sentences
              interface Described {}
              """),
          new Scenario(
              "Described_Spec",
              """
              @DisplayNameGenerator.IndicativeSentences.SentenceFragment(" the described spec ")
              class Described_Spec implements Described {
              %s
                @AsyncTest
                @DisplayNameGenerator.IndicativeSentences.SentenceFragment("has a fragment")
                Future<Void> fragmented() {
                  return Futures.ready(null);
                }
              }
              """));

  static ClassLoader loader;

  @BeforeAll
  static void compileAll() {
    Compilation c = compile(scenarioSources());
    assertThat(c).succeededWithoutWarnings();
    loader = ProcessorTestSupport.loader(c);
  }

  /** {@return the files of every scenario, in packages {@code async} and {@code plain}} */
  static JavaFileObject[] scenarioSources() {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Scenario s : SCENARIOS) {
      String text = s.text().replace("%s", METHODS);
      sources.add(source("async." + s.name(), "package async;\n\n" + IMPORTS + "\n" + text));
      sources.add(source("plain." + s.name(), "package plain;\n\n" + IMPORTS + "\n" + plain(text)));
    }
    return sources.toArray(JavaFileObject[]::new);
  }

  /** {@code text} with its {@code @AsyncTest} methods turned into plain JUnit tests. */
  static String plain(String text) {
    return text.replaceAll("@AsyncTest\\n(\\s*)(@ParameterizedTest|@RepeatedTest)", "$1$2")
        .replace("@AsyncTest", "@Test")
        .replace("Future<Void>", "void")
        .replace("return Futures.ready(null);", "");
  }

  /**
   * Runs the plain class {@code plain.<name>} and the test generated for {@code async.<name>}, and
   * asserts that their trees of display names are equal; {@return that tree} One line per container
   * or test, its display name after those of its ancestors (the engine excluded), with how it
   * ended; sorted.
   */
  static List<String> assertDisplayedAlike(String name, String generated) throws Exception {
    List<String> plain = run(loader.loadClass("plain." + name));
    List<String> async = run(loader.loadClass("async." + generated));
    assertEquals(plain, async);
    assertTrue(plain.stream().allMatch(l -> l.endsWith(" SUCCESSFUL")), plain.toString());
    return plain;
  }

  static List<String> run(Class<?> testClass) {
    return run(testClass, Map.of());
  }

  /**
   * {@return the sorted tree of display names of a run of {@code testClass} with {@code params}}
   */
  static List<String> run(Class<?> testClass, Map<String, String> params) {
    List<String> lines = new CopyOnWriteArrayList<>();
    List<DiscoveryIssue> issues = new CopyOnWriteArrayList<>();
    TestPlan[] plan = new TestPlan[1];
    ProcessorTestSupport.launch(
        List.of(selectClass(testClass)),
        params,
        issues,
        new TestExecutionListener() {
          @Override
          public void testPlanExecutionStarted(TestPlan testPlan) {
            plan[0] = testPlan;
          }

          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.getParentIdObject().isPresent()) {
              lines.add(path(plan[0], id) + " " + result.getStatus());
            }
          }
        });
    assertEquals(List.of(), issues, testClass.getName());
    assertTrue(lines.size() > 1, testClass.getName() + " ran no test");
    return lines.stream().sorted().toList();
  }

  /** {@return the display names from the engine's child down to {@code id}, joined by " > "} */
  static String path(TestPlan plan, TestIdentifier id) {
    List<String> names = new ArrayList<>();
    for (TestIdentifier i = id; i.getParentIdObject().isPresent(); ) {
      names.addFirst(i.getDisplayName());
      i = plan.getParent(i).orElseThrow();
    }
    return String.join(" > ", names);
  }

  @Test
  void standard() throws Exception {
    List<String> lines = assertDisplayedAlike("Standard_Spec", "Standard_Spec_AsyncTest");
    assertTrue(lines.contains("Standard_Spec SUCCESSFUL"), lines.toString());
    assertTrue(lines.contains("Standard_Spec > adding_two_numbers() SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Standard_Spec > with_info(TestInfo, TestReporter) SUCCESSFUL"),
        lines.toString());
    assertTrue(
        lines.contains(
            "Standard_Spec > echoes_text(CharSequence) > echoes_text(CharSequence): \"a_b\""
                + " SUCCESSFUL"),
        lines.toString());
  }

  @Test
  void simple() throws Exception {
    List<String> lines = assertDisplayedAlike("Simple_Spec", "Simple_Spec_AsyncTest");
    assertTrue(lines.contains("Simple_Spec > adding_two_numbers SUCCESSFUL"), lines.toString());
    assertTrue(lines.contains("Simple_Spec > squares_of (int) SUCCESSFUL"), lines.toString());
  }

  @Test
  void replaceUnderscores() throws Exception {
    List<String> lines = assertDisplayedAlike("Underscored_Spec", "Underscored_Spec_AsyncTest");
    assertTrue(lines.contains("Underscored Spec SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Underscored Spec > adding two numbers SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Underscored Spec > repeats twice (RepetitionInfo) SUCCESSFUL"),
        lines.toString());
    assertTrue(lines.contains("Underscored Spec > explicitly named SUCCESSFUL"), lines.toString());
  }

  @Test
  void indicativeSentencesWithASeparatorAndAGeneratorOfTheirOwn() throws Exception {
    List<String> lines = assertDisplayedAlike("Sentences_Spec", "Sentences_Spec_AsyncTest");
    assertTrue(lines.contains("Sentences Spec SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Sentences Spec > Sentences Spec -> adding two numbers SUCCESSFUL"),
        lines.toString());
    assertTrue(
        lines.contains(
            "Sentences Spec > Sentences Spec -> with info (TestInfo, TestReporter)"
                + " SUCCESSFUL"),
        lines.toString());
  }

  @Test
  void aGeneratorOnASuperclass() throws Exception {
    List<String> lines = assertDisplayedAlike("Derived_Spec", "Derived_Spec_AsyncTest");
    assertTrue(lines.contains("Derived Spec > adding two numbers SUCCESSFUL"), lines.toString());
    assertTrue(lines.contains("Derived Spec > own test (int[]) SUCCESSFUL"), lines.toString());
  }

  @Test
  void theClassDisplayNameBeginsTheSentences() throws Exception {
    List<String> lines = assertDisplayedAlike("Named_Spec", "Named_Spec_AsyncTest");
    assertTrue(lines.contains("A calculator SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("A calculator > A calculator, adding_two_numbers() SUCCESSFUL"),
        lines.toString());
  }

  @Test
  void theClassDisplayNameNamesTheGeneratedClass() throws Exception {
    List<String> lines = assertDisplayedAlike("Named_Simple_Spec", "Named_Simple_Spec_AsyncTest");
    assertTrue(lines.contains("Simply named SUCCESSFUL"), lines.toString());
    assertTrue(lines.contains("Simply named > adding_two_numbers SUCCESSFUL"), lines.toString());
  }

  @Test
  void withoutAGeneratorJUnitsDefault() throws Exception {
    List<String> lines = assertDisplayedAlike("Default_Spec", "Default_Spec_AsyncTest");
    assertTrue(lines.contains("Default_Spec SUCCESSFUL"), lines.toString());
    assertTrue(lines.contains("Default_Spec > adding_two_numbers() SUCCESSFUL"), lines.toString());
  }

  @Test
  void theGeneratorOfAnEnclosingClassDoesNotNameAStaticNestedClass() throws Exception {
    List<String> lines =
        assertDisplayedAlike("Enclosing_Spec$Nested_Spec", "Enclosing_Spec_Nested_Spec_AsyncTest");
    assertTrue(lines.contains("Enclosing_Spec$Nested_Spec SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Enclosing_Spec$Nested_Spec > adding_two_numbers() SUCCESSFUL"),
        lines.toString());
  }

  @Test
  void aComposedGeneratorOnAnInterfaceAndSentenceFragments() throws Exception {
    List<String> lines = assertDisplayedAlike("Described_Spec", "Described_Spec_AsyncTest");
    assertTrue(lines.contains("the described spec SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains(
            "the described spec > the described spec / adding_two_numbers()" + " SUCCESSFUL"),
        lines.toString());
    assertTrue(
        lines.contains("the described spec > the described spec / has a fragment SUCCESSFUL"),
        lines.toString());
  }

  static final String CUSTOM =
      """
      package demo;

      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.annotation.AsyncTest;
      import java.lang.reflect.Method;
      import java.util.List;
      import org.junit.jupiter.api.DisplayName;
      import org.junit.jupiter.api.DisplayNameGeneration;
      import org.junit.jupiter.api.DisplayNameGenerator;

      @DisplayNameGeneration(Spec.Names.class)
      class Spec {
        static final class Names implements DisplayNameGenerator {
          @Override
          public String generateDisplayNameForClass(Class<?> testClass) {
            return "a class";
          }

          @Override
          public String generateDisplayNameForNestedClass(
              List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
            return "a nested class";
          }

          @Override
          public String generateDisplayNameForMethod(
              List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
            return "a method";
          }
        }

        @AsyncTest
        Future<Void> works(int[] values) {
          return Futures.ready(null);
        }

        @AsyncTest
        Future<Void> also_works() {
          return Futures.ready(null);
        }

        @AsyncTest
        @DisplayName("named")
        Future<Void> named() {
          return Futures.ready(null);
        }
      }
      """;

  @Test
  void test019ACustomGeneratorKeepsTheStandardNamesWithAWarning() throws IOException {
    JavaFileObject file = source("demo.Spec", CUSTOM);
    // Without -Werror, so that the test is generated despite the warning.
    Compilation c =
        javac()
            .withProcessors(new AsyncTestProcessor())
            .withOptions("-Xlint:all", "-Xlint:-processing")
            .compile(file);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-019] `Spec` uses the display name generator `demo.Spec.Names` (set by"
                + " `@DisplayNameGeneration`), which the processor cannot run at compile time to"
                + " name the generated tests as JUnit would: they are displayed with JUnit's"
                + " standard names instead (`Spec`,"
                + " `works(int[])`, `also_works()`); put `@DisplayName` on the `@AsyncTest`"
                + " methods `works`, `also_works` and on the class `Spec` to choose their names")
        .inFile(file)
        .onLine(lineOf(CUSTOM, "class Spec {"));
    String generated = generated(c, "demo.Spec_AsyncTest");
    assertTrue(generated.contains("@DisplayName(\"Spec\")\nclass Spec_AsyncTest"), generated);
    assertTrue(generated.contains("@DisplayName(\"works(int[])\")"), generated);
    assertTrue(generated.contains("@DisplayName(\"also_works()\")"), generated);
    assertTrue(generated.contains("@DisplayName(\"named\")"), generated);
  }

  @Test
  void test019ACustomGeneratorOfSentenceFragments() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;
        import org.junit.jupiter.api.DisplayName;
        import org.junit.jupiter.api.DisplayNameGenerator;
        import org.junit.jupiter.api.IndicativeSentencesGeneration;

        @DisplayName("A spec")
        @IndicativeSentencesGeneration(generator = Spec.Names.class)
        class Spec {
          static class Names extends DisplayNameGenerator.ReplaceUnderscores {}

          @AsyncTest
          Future<Void> works() {
            return Futures.ready(null);
          }
        }
        """;
    Compilation c = compile(source("demo.Spec", text));
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-019] `Spec` uses the display name generator `demo.Spec.Names` (set by"
                + " `@IndicativeSentencesGeneration`), which the processor cannot run at compile"
                + " time to name the generated tests as JUnit would: they are displayed with"
                + " JUnit's standard names instead (`works()`);"
                + " put `@DisplayName` on the `@AsyncTest` method `works` to choose their names");
  }

  @Test
  void aCustomGeneratorWhoseNamesAreAllGivenIsNoProblem() {
    String text =
        CUSTOM
            .replace(
                "@DisplayNameGeneration(Spec.Names.class)",
                "@DisplayNameGeneration(Spec.Names.class)\n@DisplayName(\"A spec\")")
            .replace("Future<Void> works(", "@DisplayName(\"works\")\n  Future<Void> works(")
            .replace(
                "Future<Void> also_works(", "@DisplayName(\"also\")\n  Future<Void> also_works(");
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
  }

  static String generated(Compilation c, String name) {
    try {
      return c.generatedSourceFile(name).orElseThrow().getCharContent(false).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
