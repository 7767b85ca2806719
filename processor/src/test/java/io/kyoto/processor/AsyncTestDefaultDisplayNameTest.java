package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static io.kyoto.processor.ProcessorTestSupport.lineOf;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project-wide default display name generator, {@code
 * junit.jupiter.displayname.generator.default}: read from the {@code junit-platform.properties} in
 * the class output or on the class path, or given as {@code -Akyoto.displayNameGenerator}; used for
 * the classes without {@code @DisplayNameGeneration}; warned about when it names no generator JUnit
 * can use.
 */
class AsyncTestDefaultDisplayNameTest {
  static final String PARAMETER = "junit.jupiter.displayname.generator.default";
  static final String GENERATOR = "org.junit.jupiter.api.DisplayNameGenerator$";

  static final String SPEC =
      """
      package demo;

      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.annotation.AsyncTest;

      class Spec {
        @AsyncTest
        Future<Void> adding_two_numbers(int[] values) {
          return Futures.ready(null);
        }
      }
      """;

  /** A generator of the user's own, and two classes that are not generators JUnit can use. */
  static final String NAMES =
      """
      package demo;

      import java.lang.reflect.Method;
      import java.util.List;
      import org.junit.jupiter.api.DisplayNameGenerator;

      public class Names extends DisplayNameGenerator.ReplaceUnderscores {
        public abstract static class Abstract extends DisplayNameGenerator.Simple {}

        public static class WithArgs extends DisplayNameGenerator.Simple {
          public WithArgs(int unused) {}
        }

        public class Inner extends DisplayNameGenerator.Simple {}
      }
      """;

  @TempDir Path resources;

  /** Writes {@code junit-platform.properties} with the default generator {@code value}. */
  void properties(String value) throws IOException {
    Files.writeString(
        resources.resolve("junit-platform.properties"),
        "# as in src/test/resources\n" + PARAMETER + " = " + value + "  \n");
  }

  /** {@return javac with the processors and {@link #resources} first on the class path} */
  Compiler javacWithResources(String... options) {
    List<String> all = new ArrayList<>(List.of("-Xlint:all", "-Xlint:-processing"));
    all.addAll(List.of(options));
    return javac()
        .withProcessors(new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor())
        .withClasspath(AsyncTestDefaultDisplayNameRunTest.classPathWith(resources))
        .withOptions(all);
  }

  static String generated(Compilation c) {
    return AsyncTestDisplayNameRunTest.generated(c, "demo.Spec_AsyncTest");
  }

  @Test
  void withoutAFileJUnitsDefault() throws IOException {
    Compilation c = javacWithResources("-Werror").compile(source("demo.Spec", SPEC));
    assertThat(c).succeededWithoutWarnings();
    String generated = generated(c);
    assertTrue(generated.contains("@DisplayName(\"Spec\")"), generated);
    assertTrue(generated.contains("@DisplayName(\"adding_two_numbers(int[])\")"), generated);
  }

  @Test
  void theFileOnTheClassPathIsHonoured() throws IOException {
    properties(GENERATOR + "ReplaceUnderscores");
    Compilation c = javacWithResources("-Werror").compile(source("demo.Spec", SPEC));
    assertThat(c).succeededWithoutWarnings();
    String generated = generated(c);
    assertTrue(generated.contains("@DisplayName(\"adding two numbers (int[])\")"), generated);
  }

  @Test
  void theFileInTheClassOutputIsHonoured() throws IOException {
    // As Maven compiles the tests: the test resources are copied into the class output first.
    Path classes = Files.createDirectories(resources.resolve("classes"));
    Path sources = Files.createDirectories(resources.resolve("generated"));
    Files.writeString(
        classes.resolve("junit-platform.properties"),
        PARAMETER + "=" + GENERATOR + "ReplaceUnderscores\n");
    Path spec = Files.createDirectories(resources.resolve("src/demo")).resolve("Spec.java");
    Files.writeString(spec, SPEC);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      JavaCompiler.CompilationTask task =
          compiler.getTask(
              null,
              files,
              diagnostics,
              List.of(
                  "-proc:only",
                  "-Werror",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "-d",
                  classes.toString(),
                  "-s",
                  sources.toString()),
              null,
              files.getJavaFileObjects(spec));
      task.setProcessors(List.of(new AsyncTestProcessor()));
      assertTrue(task.call(), diagnostics.getDiagnostics().toString());
    }
    assertEquals(List.of(), diagnostics.getDiagnostics());
    String generated = Files.readString(sources.resolve("demo/Spec_AsyncTest.java"));
    assertTrue(generated.contains("@DisplayName(\"adding two numbers (int[])\")"), generated);
  }

  @Test
  void theOptionOverridesTheFile() throws IOException {
    properties(GENERATOR + "ReplaceUnderscores");
    Compilation c =
        javacWithResources("-Werror", "-Akyoto.displayNameGenerator= " + GENERATOR + "Simple ")
            .compile(source("demo.Spec", SPEC));
    assertThat(c).succeededWithoutWarnings();
    String generated = generated(c);
    assertTrue(generated.contains("@DisplayName(\"adding_two_numbers (int[])\")"), generated);
  }

  @Test
  void theClassGeneratorWinsOverTheDefault() throws IOException {
    properties(GENERATOR + "ReplaceUnderscores");
    String text =
        SPEC.replace(
            "class Spec {",
            "@org.junit.jupiter.api.DisplayNameGeneration("
                + "org.junit.jupiter.api.DisplayNameGenerator.Standard.class)\nclass Spec {");
    Compilation c = javacWithResources("-Werror").compile(source("demo.Spec", text));
    assertThat(c).succeededWithoutWarnings();
    String generated = generated(c);
    assertTrue(generated.contains("@DisplayName(\"adding_two_numbers(int[])\")"), generated);
  }

  @Test
  void test019ACustomDefaultFromTheFile() throws IOException {
    properties("demo.Names");
    JavaFileObject spec = source("demo.Spec", SPEC);
    Compilation c = javacWithResources().compile(spec, source("demo.Names", NAMES));
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-019] `Spec` uses the display name generator `demo.Names` (set by"
                + " `junit.jupiter.displayname.generator.default` in junit-platform.properties),"
                + " which the processor cannot run at compile time to name the generated tests as"
                + " JUnit would: they are displayed with JUnit's standard names instead (`Spec`,"
                + " `adding_two_numbers(int[])`); put `@DisplayName` on the `@AsyncTest` method"
                + " `adding_two_numbers` and on the class `Spec` to choose their names")
        .inFile(spec)
        .onLine(lineOf(SPEC, "class Spec {"));
    String generated = generated(c);
    assertTrue(generated.contains("@DisplayName(\"adding_two_numbers(int[])\")"), generated);
  }

  @Test
  void test019ACustomDefaultFromTheOption() {
    Compilation c =
        javacWithResources("-Akyoto.displayNameGenerator=demo.Names")
            .compile(source("demo.Spec", SPEC), source("demo.Names", NAMES));
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-019] `Spec` uses the display name generator `demo.Names` (set by"
                + " `-Akyoto.displayNameGenerator`), which the processor cannot run");
  }

  /** Compiles {@link #SPEC} with the default {@code value}; asserts TEST-020 {@code problem}. */
  void assertTest020(String value, String problem) throws IOException {
    properties(value);
    Compilation c =
        javacWithResources()
            .compile(
                source("demo.Spec", SPEC),
                source("demo.Other", SPEC.replace("class Spec", "class Other")),
                source("demo.Names", NAMES));
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1); // once, not once per class
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-020] `junit.jupiter.displayname.generator.default` in"
                + " junit-platform.properties sets the default display name generator to `"
                + value.strip()
                + "`, "
                + problem
                + ": JUnit cannot use it and falls back to `DisplayNameGenerator.Standard`, which"
                + " names the generated tests of the classes without `@DisplayNameGeneration`;"
                + " give the binary name of a concrete class implementing `DisplayNameGenerator`,"
                + " such as `org.junit.jupiter.api.DisplayNameGenerator$ReplaceUnderscores`");
    String generated = generated(c);
    assertTrue(generated.contains("@DisplayName(\"adding_two_numbers(int[])\")"), generated);
  }

  @Test
  void test020AnEmptyValue() throws IOException {
    assertTest020("", "an empty value");
  }

  @Test
  void test020ACanonicalName() throws IOException {
    assertTest020(
        "org.junit.jupiter.api.DisplayNameGenerator.Simple",
        "a canonical name (JUnit loads a class by its binary name, here"
            + " `org.junit.jupiter.api.DisplayNameGenerator$Simple`)");
  }

  @Test
  void test020NoSuchClass() throws IOException {
    assertTest020("demo.Nothing", "which names no class the compiler can find");
  }

  @Test
  void test020NotAGenerator() throws IOException {
    assertTest020("java.lang.String", "`java.lang.String`, which is not a `DisplayNameGenerator`");
  }

  @Test
  void test020AnAbstractGenerator() throws IOException {
    assertTest020(
        "demo.Names$Abstract",
        "`demo.Names$Abstract`, which JUnit cannot instantiate: it is not a concrete class");
    assertTest020(
        GENERATOR.replace("$", ""),
        "`org.junit.jupiter.api.DisplayNameGenerator`, which JUnit cannot instantiate: it is not"
            + " a concrete class");
  }

  @Test
  void test020AGeneratorWithoutANoArgumentConstructor() throws IOException {
    assertTest020(
        "demo.Names$WithArgs",
        "`demo.Names$WithArgs`, which JUnit cannot instantiate: it has no constructor without"
            + " parameters");
    assertTest020(
        "demo.Names$Inner",
        "`demo.Names$Inner`, which JUnit cannot instantiate: it is an inner (non-static) class");
  }

  @Test
  void aMalformedDefaultUnusedIsNotReported() throws IOException {
    properties("demo.Nothing");
    String text =
        SPEC.replace(
            "class Spec {",
            "@org.junit.jupiter.api.DisplayNameGeneration("
                + "org.junit.jupiter.api.DisplayNameGenerator.Simple.class)\nclass Spec {");
    Compilation c = javacWithResources("-Werror").compile(source("demo.Spec", text));
    assertThat(c).succeededWithoutWarnings();
  }
}
