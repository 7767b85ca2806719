package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

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
}
