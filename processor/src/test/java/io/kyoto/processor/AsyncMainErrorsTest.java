package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.lineOf;
import static io.kyoto.processor.ProcessorTestSupport.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per {@code @AsyncMain} error id (and the shared runtime-option ids). */
class AsyncMainErrorsTest {

  private static void assertError(String body, String marker, String message) {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Flavor;
        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;

        public class App {
        %s
        }
        """
            .formatted(body);
    JavaFileObject file = source("demo.App", text);
    Compilation c = compile(file);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining(message).inFile(file).onLine(lineOf(text, marker));
  }

  @Test
  void main001NotStatic() {
    assertError(
        """
          @AsyncMain
          Future<Void> run() { return Futures.ready(null); }
        """,
        "run()",
        "[KYOTO-MAIN-001] the `@AsyncMain` method must be static");
  }

  @Test
  void main002Private() {
    assertError(
        """
          @AsyncMain
          private static Future<Void> run() { return Futures.ready(null); }
        """,
        "run()",
        "[KYOTO-MAIN-002] the `@AsyncMain` method may not be private");
  }

  @Test
  void main003ReturnType() {
    assertError(
        """
          @AsyncMain
          static void run() {}
        """,
        "run()",
        "[KYOTO-MAIN-003] the `@AsyncMain` method must return io.kyoto.runtime.Future, found"
            + " `void`");
  }

  @Test
  void main004Parameters() {
    assertError(
        """
          @AsyncMain
          static Future<Void> run(int port) { return Futures.ready(null); }
        """,
        "run(int port)",
        "[KYOTO-MAIN-004] the `@AsyncMain` method must take no parameters or a single `String[]`,"
            + " found (int)");
  }

  @Test
  void main005EnclosingType() {
    assertError(
        """
          class Inner {
            @AsyncMain
            static Future<Void> run() { return Futures.ready(null); }
          }
        """,
        "run()",
        "[KYOTO-MAIN-005] the `@AsyncMain` method must be declared in a top-level or static nested"
            + " type that is not private, found `demo.App.Inner`");
  }

  @Test
  void main006Duplicate() {
    assertError(
        """
          @AsyncMain
          static Future<Void> run() { return Futures.ready(null); }
          @AsyncMain // second
          static Future<Void> other() { return Futures.ready(null); }
        """,
        "// second",
        "[KYOTO-MAIN-006] only one `@AsyncMain` method is allowed per type: `App` already has"
            + " `run`");
  }

  @Test
  void opt001WorkerThreadsWithCurrentThread() {
    assertError(
        """
          @AsyncMain(flavor = Flavor.CURRENT_THREAD, workerThreads = 2)
          static Future<Void> run() { return Futures.ready(null); }
        """,
        "workerThreads = 2",
        "[KYOTO-OPT-001] The `workerThreads` option requires the MULTI_THREAD runtime flavor. Use"
            + " `flavor = Flavor.MULTI_THREAD`");
  }

  @Test
  void opt002WorkerThreadsZero() {
    assertError(
        """
          @AsyncMain(workerThreads = 0)
          static Future<Void> run() { return Futures.ready(null); }
        """,
        "workerThreads = 0",
        "[KYOTO-OPT-002] `workerThreads` may not be 0");
  }

  @Test
  void opt003WorkerThreadsNegative() {
    assertError(
        """
          @AsyncMain(workerThreads = -3)
          static Future<Void> run() { return Futures.ready(null); }
        """,
        "workerThreads = -3",
        "[KYOTO-OPT-003] `workerThreads` must be positive, found -3");
  }

  @Test
  void opt004StartPausedWithMultiThread() {
    assertError(
        """
          @AsyncMain(startPaused = true)
          static Future<Void> run() { return Futures.ready(null); }
        """,
        "startPaused = true",
        "[KYOTO-OPT-004] The `startPaused` option requires the CURRENT_THREAD runtime flavor. Use"
            + " `flavor = Flavor.CURRENT_THREAD`");
  }

  @Test
  void main007ThrowsThrowable() {
    // The launcher calls the method inside Futures.lazy, whose supplier may throw only Exception.
    assertError(
        """
          @AsyncMain
          static Future<Void> run() throws Throwable { return Futures.ready(null); }
        """,
        "run()",
        "[KYOTO-MAIN-007] the `@AsyncMain` method may throw only exceptions (subclasses of"
            + " `Exception`), found `java.lang.Throwable`");
  }

  @Test
  void main008LocalClass() {
    // javac does not show classes declared in a method body to processors: without this error the
    // method would be silently ignored, and no launcher generated.
    assertError(
        """
          static void launch() {
            class Local {
              @AsyncMain
              static Future<Void> run() { return Futures.ready(null); }
            }
          }
        """,
        "run()",
        "[KYOTO-MAIN-008] the `@AsyncMain` method may not be declared in a local or anonymous"
            + " class: annotation processors do not see the local class `Local`, so no launcher"
            + " would be generated for it; declare the method in a top-level or static nested"
            + " type");
  }

  @Test
  void main008AnonymousClass() {
    assertError(
        """
          final Object app = new Object() {
            @AsyncMain
            Future<Void> run() { return Futures.ready(null); }
          };
        """,
        "run()",
        "[KYOTO-MAIN-008] the `@AsyncMain` method may not be declared in a local or anonymous"
            + " class: annotation processors do not see an anonymous class, so no launcher would be"
            + " generated for it; declare the method in a top-level or static nested type");
  }

  @Test
  void reportsEveryErrorOfAnElementAndGoesOnWithOthers() {
    String bad =
        """
        package demo;

        import io.kyoto.runtime.annotation.AsyncMain;

        class Bad {
          @AsyncMain(workerThreads = 0)
          private void run(int x) {}
        }
        """;
    String good =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncMain;

        class Good {
          @AsyncMain
          static Future<Void> run() { return Futures.ready(null); }
        }
        """;
    Compilation c = compile(source("demo.Bad", bad), source("demo.Good", good));
    assertThat(c).failed();
    assertThat(c).hadErrorCount(5);
    for (String id : new String[] {"MAIN-001", "MAIN-002", "MAIN-003", "MAIN-004", "OPT-002"}) {
      assertThat(c).hadErrorContaining("[KYOTO-" + id + "]");
    }
  }
}
