package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the scenarios of {@link AsyncTestDisplayNameRunTest} with a project-wide default display
 * name generator: the plain classes through a launcher given the configuration parameter {@code
 * junit.jupiter.displayname.generator.default}, the tests generated for the {@code @AsyncTest}
 * classes compiled with the same value, read from a {@code junit-platform.properties} on the
 * compiler's class path or given as {@code -Akyoto.displayNameGenerator}. Both must be displayed
 * alike: the default names the classes without {@code @DisplayNameGeneration}, and only them.
 */
class AsyncTestDefaultDisplayNameRunTest {
  static final String PARAMETER = "junit.jupiter.displayname.generator.default";
  static final String GENERATOR = "org.junit.jupiter.api.DisplayNameGenerator$";

  /** The scenarios that are test classes, by the name of the plain class. */
  static final List<String> CLASSES =
      List.of(
          "Standard_Spec",
          "Simple_Spec",
          "Underscored_Spec",
          "Sentences_Spec",
          "Derived_Spec",
          "Named_Spec",
          "Named_Simple_Spec",
          "Default_Spec",
          "Enclosing_Spec$Nested_Spec",
          "Described_Spec");

  @TempDir Path resources;

  /** Compiles the scenarios with {@code value} as the option, or in a file on the class path. */
  Compilation compile(String value, boolean inFile) throws IOException {
    Compiler javac =
        javac()
            .withProcessors(
                new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor());
    List<String> options = new ArrayList<>(List.of("-Xlint:all", "-Xlint:-processing"));
    if (inFile) {
      Files.writeString(
          resources.resolve("junit-platform.properties"), PARAMETER + " = " + value + "\n");
      javac = javac.withClasspath(classPathWith(resources));
    } else {
      options.add("-Akyoto.displayNameGenerator=" + value);
    }
    return javac.withOptions(options).compile(AsyncTestDisplayNameRunTest.scenarioSources());
  }

  /** {@return {@code dir}, then the test's own class path} */
  static List<File> classPathWith(Path dir) {
    List<File> path = new ArrayList<>();
    path.add(dir.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      path.add(new File(entry));
    }
    return path;
  }

  /**
   * Runs every scenario, plain with the configuration parameter {@code value}, generated from
   * {@code c} with the same; asserts that each is displayed alike; {@return all the lines}
   */
  static List<String> assertAllDisplayedAlike(Compilation c, String value) throws Exception {
    ClassLoader loader = ProcessorTestSupport.loader(c);
    Map<String, String> params = Map.of(PARAMETER, value);
    List<String> all = new ArrayList<>();
    for (String name : CLASSES) {
      List<String> plain =
          AsyncTestDisplayNameRunTest.run(loader.loadClass("plain." + name), params);
      List<String> async =
          AsyncTestDisplayNameRunTest.run(
              loader.loadClass("async." + name.replace('$', '_') + "_AsyncTest"), params);
      assertEquals(plain, async, name);
      assertTrue(plain.stream().allMatch(l -> l.endsWith(" SUCCESSFUL")), plain.toString());
      all.addAll(plain);
    }
    return all;
  }

  @Test
  void replaceUnderscoresFromTheFile() throws Exception {
    Compilation c = compile(GENERATOR + "ReplaceUnderscores", true);
    assertThat(c).succeededWithoutWarnings();
    List<String> lines = assertAllDisplayedAlike(c, GENERATOR + "ReplaceUnderscores");
    assertTrue(lines.contains("Default Spec > adding two numbers SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Enclosing Spec$Nested Spec > adding two numbers SUCCESSFUL"),
        lines.toString());
    // @DisplayNameGeneration wins over the default.
    assertTrue(lines.contains("Standard_Spec > adding_two_numbers() SUCCESSFUL"), lines.toString());
  }

  @Test
  void simpleFromTheOption() throws Exception {
    Compilation c = compile(GENERATOR + "Simple", false);
    assertThat(c).succeededWithoutWarnings();
    List<String> lines = assertAllDisplayedAlike(c, GENERATOR + "Simple");
    assertTrue(lines.contains("Default_Spec > adding_two_numbers SUCCESSFUL"), lines.toString());
    assertTrue(
        lines.contains("Default_Spec > with_info (TestInfo, TestReporter) SUCCESSFUL"),
        lines.toString());
  }

  @Test
  void indicativeSentencesWithItsDefaults() throws Exception {
    Compilation c = compile(GENERATOR + "IndicativeSentences", true);
    assertThat(c).succeededWithoutWarnings();
    List<String> lines = assertAllDisplayedAlike(c, GENERATOR + "IndicativeSentences");
    assertTrue(
        lines.contains("Default_Spec > Default_Spec, adding_two_numbers() SUCCESSFUL"),
        lines.toString());
  }

  @Test
  void aCanonicalNameIsNotLoadedByJUnitNorTakenByTheProcessor() throws Exception {
    String canonical = "org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores";
    Compilation c = compile(canonical, true);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-020] `junit.jupiter.displayname.generator.default` in"
                + " junit-platform.properties sets the default display name generator to `"
                + canonical
                + "`, a canonical name (JUnit loads a class by its binary name, here"
                + " `org.junit.jupiter.api.DisplayNameGenerator$ReplaceUnderscores`)");
    // JUnit logs that it could not load the class, and uses Standard.
    Logger logger =
        Logger.getLogger(
            "org.junit.jupiter.engine.config.InstantiatingConfigurationParameterConverter");
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    boolean parentHandlers = logger.getUseParentHandlers();
    logger.addHandler(handler);
    logger.setUseParentHandlers(false); // the stack trace would clutter the build's output
    List<String> lines;
    try {
      lines = assertAllDisplayedAlike(c, canonical);
    } finally {
      logger.removeHandler(handler);
      logger.setUseParentHandlers(parentHandlers);
    }
    assertTrue(lines.contains("Default_Spec > adding_two_numbers() SUCCESSFUL"), lines.toString());
    assertTrue(
        records.stream()
            .anyMatch(
                r ->
                    r.getMessage().contains("Failed to load default display name generator class")
                        && r.getThrown() instanceof ClassNotFoundException),
        records.toString());
  }
}
