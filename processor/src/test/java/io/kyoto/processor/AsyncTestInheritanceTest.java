package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @AsyncTest} methods a concrete class inherits: from a concrete base compiled with it or
 * separately (from a jar), and from an abstract base in another package. {@link
 * AsyncTestInheritanceRunTest} runs the tests of the subclasses of an abstract base.
 */
class AsyncTestInheritanceTest {

  static final JavaFileObject BASE =
      source(
          "demo.Base",
          """
          package demo;

          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Futures;
          import io.kyoto.runtime.annotation.AsyncTest;
          import org.junit.jupiter.params.ParameterizedTest;
          import org.junit.jupiter.params.provider.ValueSource;

          class Base {
            @AsyncTest
            Future<Void> plain() {
              return Futures.ready(null);
            }

            @AsyncTest
            @ParameterizedTest
            @ValueSource(ints = {1, 2})
            Future<Integer> template(int n) {
              return Futures.ready(n);
            }
          }
          """);

  static final JavaFileObject SUB =
      source(
          "demo.Sub",
          """
          package demo;

          class Sub extends Base {}
          """);

  static String text(Compilation c, String name) {
    try (InputStream in = c.generatedSourceFile(name).orElseThrow().openInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aConcreteBaseAndItsSubclassCompiledTogetherEachGetATest() {
    Compilation c = compile(BASE, SUB);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("demo.Base_AsyncTest");
    String sub = text(c, "demo.Sub_AsyncTest");
    assertTrue(sub.contains("class Sub_AsyncTest extends Sub"), sub);
    assertTrue(sub.contains("void plain_async()"), sub);
    assertTrue(sub.contains("void template_async(int n)"), sub);
    // Only the user's classes get tests: not the generated Base_AsyncTest, which inherits too.
    assertFalse(c.generatedSourceFile("demo.Base_AsyncTest_AsyncTest").isPresent());
    assertFalse(c.generatedSourceFile("demo.Sub_AsyncTest_AsyncTest").isPresent());
  }

  @Test
  void aSubclassOfAConcreteBaseFromAJarGetsATest(@TempDir Path jar) throws IOException {
    Compilation first = compile(BASE);
    assertThat(first).succeededWithoutWarnings();
    for (JavaFileObject file : first.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        Path target = jar.resolve(file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", ""));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
    List<File> classpath = new ArrayList<>();
    classpath.add(jar.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classpath.add(new File(entry));
    }
    Compilation c =
        javac()
            .withProcessors(
                new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor())
            .withOptions("-Xlint:all", "-Xlint:-processing", "-Werror")
            .withClasspath(classpath)
            .compile(SUB);
    assertThat(c).succeededWithoutWarnings();
    String sub = text(c, "demo.Sub_AsyncTest");
    assertTrue(sub.contains("void plain_async()"), sub);
    // Compiled without -parameters, the class file keeps no parameter names.
    assertTrue(sub.contains("void template_async(int arg0)"), sub);
    assertTrue(sub.contains("Future<Integer> template(int arg0)"), sub);
  }

  @Test
  void aSubclassInAnotherPackageInheritsTheProtectedTests() {
    JavaFileObject base =
        source(
            "demo.Contract",
            """
            package demo;

            import io.kyoto.runtime.Future;
            import io.kyoto.runtime.Futures;
            import io.kyoto.runtime.annotation.AsyncTest;

            public abstract class Contract {
              @AsyncTest
              protected Future<Void> shared() {
                return Futures.ready(null);
              }

              @AsyncTest
              Future<Void> packagePrivate() {
                return Futures.ready(null);
              }
            }
            """);
    JavaFileObject impl =
        source(
            "other.Impl",
            """
            package other;

            class Impl extends demo.Contract {}
            """);
    Compilation c = compile(base, impl);
    assertThat(c).succeededWithoutWarnings();
    String text = text(c, "other.Impl_AsyncTest");
    assertTrue(text.contains("void shared_async()"), text);
    // Not a member of Impl: Impl_AsyncTest could not call it.
    assertFalse(text.contains("packagePrivate"), text);
  }
}
