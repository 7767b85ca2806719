package io.kyoto.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Compiles sources with both Kyoto processors. */
final class ProcessorTestSupport {
  private ProcessorTestSupport() {}

  static JavaFileObject source(String qualifiedName, String text) {
    return JavaFileObjects.forSourceString(qualifiedName, text);
  }

  static Compilation compile(JavaFileObject... sources) {
    return javac()
        .withProcessors(new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor())
        .withOptions("-Xlint:all", "-Xlint:-processing", "-Werror")
        .compile(sources);
  }

  /**
   * {@return a class loader that defines the classes {@code c} compiled, delegating to the test's
   * own loader for the rest (JUnit, the runtime)}
   */
  static ClassLoader loader(Compilation c) {
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject file : c.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        String name =
            file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", "").replace(".class", "");
        try (InputStream in = file.openInputStream()) {
          classes.put(name.replace('/', '.'), in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return new ClassLoader(ProcessorTestSupport.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
  }

  /**
   * Runs the selected test classes through the JUnit Platform launcher, without the implicit
   * configuration parameters of the test run itself, collecting the discovery issues in {@code
   * issues} and reporting execution to {@code listener}.
   */
  static void launch(
      java.util.List<? extends org.junit.platform.engine.DiscoverySelector> selectors,
      java.util.List<org.junit.platform.engine.DiscoveryIssue> issues,
      org.junit.platform.launcher.TestExecutionListener listener) {
    launch(selectors, Map.of(), issues, listener);
  }

  /**
   * Runs the selected test classes as {@link #launch(java.util.List, java.util.List,
   * org.junit.platform.launcher.TestExecutionListener)} does, with the configuration parameters
   * {@code parameters} (as junit-platform.properties would give them).
   */
  static void launch(
      java.util.List<? extends org.junit.platform.engine.DiscoverySelector> selectors,
      Map<String, String> parameters,
      java.util.List<org.junit.platform.engine.DiscoveryIssue> issues,
      org.junit.platform.launcher.TestExecutionListener listener) {
    var request =
        org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
            .selectors(selectors)
            .enableImplicitConfigurationParameters(false)
            .configurationParameters(parameters)
            .listeners(
                new org.junit.platform.launcher.LauncherDiscoveryListener() {
                  @Override
                  public void issueEncountered(
                      org.junit.platform.engine.UniqueId engineId,
                      org.junit.platform.engine.DiscoveryIssue issue) {
                    issues.add(issue);
                  }
                })
            .build();
    org.junit.platform.launcher.core.LauncherFactory.create().execute(request, listener);
  }

  /** {@return the 1-based line of the first line of {@code text} containing {@code marker}} */
  static long lineOf(String text, String marker) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line contains " + marker);
  }
}
