package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unusual but legal sources: the generated code must compile without warnings. */
class LegalSourcesTest {

  @Test
  void asyncTestClassWithNestedTypesNamedLikeTheGeneratedCodesImports() {
    // The generated test extends Spec, so Spec's member types (and its superclass's) shadow the
    // generated file's imports.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        class Base {
          record Time(long at) {}
        }

        class Spec extends Base {
          record Test(String name) {}
          record Duration(long ms) {}
          static final class Runtime {}
          static final class DisplayName {}

          @AsyncTest(timeout = 1000)
          Future<Void> works() { return Futures.ready(null); }
        }
        """;
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
  }

  @Test
  void asyncMainTakingATypeAnnotatedStringArray() {
    // Checker Framework / JSpecify style: a TYPE_USE annotation on the element type or the array.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;
        import java.lang.annotation.ElementType;
        import java.lang.annotation.Target;

        class App {
          @Target(ElementType.TYPE_USE)
          @interface NonNull {}

          @AsyncMain
          static Future<Integer> run(@NonNull String @NonNull [] args) {
            return Futures.ready(args.length);
          }
        }
        """;
    assertThat(compile(source("demo.App", text))).succeededWithoutWarnings();
  }

  @Test
  void deprecatedUserCodeGivesNoWarningInGeneratedCode() {
    // A user deprecating an entry point, a test of a deprecated path or a handler must not see
    // deprecation warnings (errors under -Werror) in code they did not write.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;
        import io.kyoto.runtime.annotation.AsyncTest;
        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Select;

        @Deprecated(forRemoval = true)
        class Old {
          @AsyncMain
          static Future<Void> run() { return Futures.ready(null); }

          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }

          @Select
          static class Events {
            @Deprecated
            @Branch
            String line(String v) { return v; }
          }
        }
        """;
    assertThat(compile(source("demo.Old", text))).succeededWithoutWarnings();
  }

  @Test
  void aGenericOrSerializableAsyncTestClassGivesNoWarningInGeneratedCode() {
    // The generated subclass extends the user's class raw, and inherits Serializable: neither
    // may warn (an error under -Werror) in code the user did not write.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        class Spec<T> implements java.io.Serializable {
          private static final long serialVersionUID = 1L;

          transient T value;

          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }
        }
        """;
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
  }

  @Test
  void userTypesNamedLikeJavaLangTypesInTheSamePackageDoNotBreakGeneratedCode() {
    // An application package with its own Error record or System class: the generated code's
    // java.lang names must still mean java.lang.
    String types =
        """
        package demo;

        record Error(String message) {}
        """;
    String system =
        """
        package demo;

        final class System {
          private System() {}
        }
        """;
    String thread =
        """
        package demo;

        final class Thread {}
        """;
    String exception =
        """
        package demo;

        final class Exception {}
        """;
    String app =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;
        import io.kyoto.runtime.annotation.AsyncTest;
        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Select;

        class App {
          @AsyncMain
          static Future<Void> run() { return Futures.ready(null); }

          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }

          @Select
          interface Events {
            @Branch
            default String line(String v) { return v; }
          }
        }
        """;
    assertThat(
            compile(
                source("demo.Error", types),
                source("demo.System", system),
                source("demo.Thread", thread),
                source("demo.Exception", exception),
                source("demo.App", app)))
        .succeededWithoutWarnings();
  }

  @Test
  void aGeneratedTestMethodNeverOverridesAUserMethodOfTheSameName() {
    // The user already has t_async(): the generated test for t() must take another name, or it
    // would override (and so silently replace) the user's method.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        class Spec {
          @AsyncTest
          Future<Void> t() { return Futures.ready(null); }

          final String t_async() { return "mine"; }
        }
        """;
    Compilation c = compile(source("demo.Spec", text));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c)
        .generatedSourceFile("demo.Spec_AsyncTest")
        .contentsAsUtf8String()
        .contains("void t_async2() throws Exception");
  }

  @Test
  void generatedCodeCompilesInANamedModuleThatDoesNotReadJavaCompiler(@TempDir Path dir)
      throws Exception {
    // A JPMS application requires io.kyoto.runtime only; javax.annotation.processing.Generated
    // lives in java.compiler, which its module does not read.
    String module =
        """
        module demo.app {
          requires io.kyoto.runtime;
        }
        """;
    String app =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;
        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Select;

        public final class App {
          private App() {}

          @AsyncMain
          static Future<Integer> run(String[] args) { return Futures.ready(args.length); }

          @Select
          interface Events {
            @Branch
            default String line(String line) { return line; }
          }
        }
        """;
    String modulePath =
        Stream.of(io.kyoto.runtime.Future.class, io.kyoto.reactor.Poll.class)
            .map(c -> Path.of(uri(c)).toString())
            .collect(Collectors.joining(File.pathSeparator));
    // A real directory: compile-testing's in-memory file manager does not compile modules.
    Files.writeString(
        Files.createDirectories(dir.resolve("src")).resolve("module-info.java"), module);
    Path appFile = Files.createDirectories(dir.resolve("src/demo")).resolve("App.java");
    Files.writeString(appFile, app);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(
              null,
              files,
              diagnostics,
              List.of(
                  "-Xlint:all",
                  "-Xlint:-processing",
                  "-Werror",
                  "--module-path",
                  modulePath,
                  "-d",
                  dir.resolve("out").toString(),
                  "-s",
                  Files.createDirectories(dir.resolve("gen")).toString()),
              null,
              files.getJavaFileObjects(dir.resolve("src/module-info.java"), appFile));
      task.setProcessors(
          List.of(new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor()));
      boolean ok = task.call();
      assertEquals(List.of(), diagnostics.getDiagnostics().stream().map(Object::toString).toList());
      assertTrue(ok);
    }
    assertTrue(Files.exists(dir.resolve("out/demo/App_Main.class")));
    assertTrue(Files.exists(dir.resolve("out/demo/App_Events_Select.class")));
  }

  private static java.net.URI uri(Class<?> type) {
    try {
      return type.getProtectionDomain().getCodeSource().getLocation().toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void generatedCodePassesDoclintOnEveryAccessLevel() {
    // -Xdoclint:all checks private members too; the user documents theirs, and warnings in code
    // they did not write would fail their -Werror build.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;
        import io.kyoto.runtime.annotation.AsyncTest;
        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Else;
        import io.kyoto.runtime.annotation.Select;

        /** The application and its spec. */
        public class App {
          /** Creates it. */
          public App() {}

          /**
           * The program.
           *
           * @param args the arguments
           * @return the exit status
           */
          @AsyncMain
          static Future<Integer> run(String[] args) {
            return Futures.ready(0);
          }

          /**
           * A test.
           *
           * @return done
           */
          @AsyncTest(timeout = 1000)
          Future<Void> works() {
            return Futures.ready(null);
          }

          /** The events. */
          @Select
          public interface Events {
            /**
             * A line.
             *
             * @param line the line
             * @return it
             */
            @Branch
            default String line(String line) {
              return line;
            }

            /**
             * The end.
             *
             * @return "closed"
             */
            @Else
            default String closed() {
              return "closed";
            }
          }
        }
        """;
    Compilation c =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(
                new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor())
            .withOptions("-Xlint:all", "-Xlint:-processing", "-Xdoclint:all", "-Werror")
            .compile(source("demo.App", text));
    assertThat(c).succeededWithoutWarnings();
  }
}
