package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.lineOf;
import static io.kyoto.processor.ProcessorTestSupport.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per {@code @AsyncTest} error id. */
class AsyncTestErrorsTest {

  private static void assertError(String header, String body, String marker, String message) {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Flavor;
        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        %s {
        %s
        }
        """
            .formatted(header, body);
    JavaFileObject file = source("demo.Spec", text);
    Compilation c = compile(file);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining(message).inFile(file).onLine(lineOf(text, marker));
  }

  private static void assertMethodError(String body, String marker, String message) {
    assertError("class Spec", body, marker, message);
  }

  private static final String OK =
      """
        @AsyncTest
        Future<Void> works() { return Futures.ready(null); }
      """;

  @Test
  void test001Static() {
    assertMethodError(
        """
          @AsyncTest
          static Future<Void> run() { return Futures.ready(null); }
        """,
        "run()",
        "[KYOTO-TEST-001] the `@AsyncTest` method may not be static");
  }

  @Test
  void test002Private() {
    assertMethodError(
        """
          @AsyncTest
          private Future<Void> run() { return Futures.ready(null); }
        """,
        "run()",
        "[KYOTO-TEST-002] the `@AsyncTest` method may not be private");
  }

  @Test
  void test003Abstract() {
    assertError(
        "abstract class Spec",
        """
          @AsyncTest
          abstract Future<Void> run();
        """,
        "run()",
        "[KYOTO-TEST-003] the `@AsyncTest` method may not be abstract");
  }

  @Test
  void test004ReturnType() {
    assertMethodError(
        """
          @AsyncTest
          String run() { return ""; }
        """,
        "run()",
        "[KYOTO-TEST-004] the `@AsyncTest` method must return io.kyoto.runtime.Future, found"
            + " `java.lang.String`");
  }

  @Test
  void test005Parameters() {
    assertMethodError(
        """
          @AsyncTest
          Future<Void> run(String name, int n) { return Futures.ready(null); }
        """,
        "run(String name",
        "[KYOTO-TEST-005] the `@AsyncTest` method may not take parameters, found"
            + " (java.lang.String, int)");
  }

  @Test
  void test006FinalClass() {
    assertError(
        "final class Spec",
        OK,
        "final class Spec",
        "[KYOTO-TEST-006] a class with `@AsyncTest` methods must be a non-final, non-sealed,"
            + " non-private top-level or static nested class: the generated test extends it;"
            + " `Spec` is final");
  }

  @Test
  void test006InterfaceOrEnum() {
    assertError(
        "interface Spec",
        """
          @AsyncTest
          default Future<Void> works() { return Futures.ready(null); }
        """,
        "interface Spec",
        "the generated test extends it; `Spec` is an interface");
    assertError(
        "enum Spec",
        "  A;\n" + OK,
        "enum Spec",
        "the generated test extends it; `Spec` is an enum");
  }

  @Test
  void test006NestedInnerClassSaysWhatToDo() {
    // A JUnit user groups tests in @Nested inner classes; the generated subclass, a top-level
    // class, cannot extend an inner class.
    assertError(
        "class Outer",
        """
          @org.junit.jupiter.api.Nested
          class WhenEmpty {
            @AsyncTest
            Future<Void> works() { return Futures.ready(null); }
          }
        """,
        "class WhenEmpty",
        "`WhenEmpty` is a JUnit `@Nested` inner class; declare it `static` (and drop `@Nested`):"
            + " its generated test `Outer_WhenEmpty_AsyncTest` then runs as a test class of its"
            + " own");
  }

  @Test
  void test007NoConstructor() {
    assertMethodError(
        OK + "  private Spec() {}\n",
        "class Spec",
        "[KYOTO-TEST-007] a class with `@AsyncTest` methods needs a non-private no-argument"
            + " constructor");
  }

  @Test
  void test008ConcreteClassWithJupiterTests() {
    assertMethodError(
        OK + "  @org.junit.jupiter.api.Test void plain() {}\n",
        "void plain()",
        "[KYOTO-TEST-008] `Spec` has `@AsyncTest` methods and the JUnit test `plain`; the"
            + " generated subclass inherits it, so it would run twice. Make the class abstract");
  }

  @Test
  void test008AllowsJupiterTestsInAbstractClass() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec {
          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }

          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
          void plain(int n) {}
        }
        """;
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
  }

  @Test
  void test009NegativeTimeout() {
    assertMethodError(
        """
          @AsyncTest(timeout = -5)
          Future<Void> run() { return Futures.ready(null); }
        """,
        "timeout = -5",
        "[KYOTO-TEST-009] `timeout` must be positive, or 0 for none; found -5");
  }

  @Test
  void test010ThrowsThrowable() {
    assertMethodError(
        """
          @AsyncTest
          Future<Void> run() throws java.io.IOException, Throwable { return Futures.ready(null); }
        """,
        "run()",
        "[KYOTO-TEST-010] the `@AsyncTest` method may throw only exceptions (subclasses of"
            + " `Exception`), found `java.lang.Throwable`");
  }

  @Test
  void test011AbstractMethodLeft() {
    // An abstract base with an abstract factory (a contract suite): the generated test extends it
    // and cannot implement the factory.
    assertError(
        "abstract class Spec implements Runnable",
        """
          abstract String create();
          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }
        """,
        "abstract class Spec",
        "[KYOTO-TEST-011] `Spec` leaves `create()`, `run()` abstract: the generated test extends it"
            + " and cannot implement them; implement them, or declare the `@AsyncTest` methods in a"
            + " concrete subclass");
  }

  @Test
  void test012JupiterAnnotationNamingAPrivateType() {
    // The generated m_async carries the method's JUnit annotations; it cannot name a private
    // extension class of the user's class.
    assertMethodError(
        """
          private static final class Ext implements org.junit.jupiter.api.extension.Extension {}
          @org.junit.jupiter.api.extension.ExtendWith(Ext.class)
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.api.extension.ExtendWith",
        "[KYOTO-TEST-012] the generated test carries the JUnit annotation"
            + " `@org.junit.jupiter.api.extension.ExtendWith` and cannot name the private type"
            + " `demo.Spec.Ext` it uses; make `demo.Spec.Ext` package-private");
  }

  @Test
  void test012PrivateComposedAnnotationOnTheClass() {
    assertError(
        "class Outer",
        """
          @org.junit.jupiter.api.Disabled
          @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
          private @interface Off {}

          @Off
          static class Spec {
            @AsyncTest
            Future<Void> works() { return Futures.ready(null); }
          }
        """,
        "@Off",
        "[KYOTO-TEST-012] the generated test carries the JUnit annotation `@demo.Outer.Off` and"
            + " cannot name the private type `demo.Outer.Off` it uses; make `demo.Outer.Off`"
            + " package-private");
  }

  @Test
  void test013AsyncTestThatIsAlsoAJupiterTest() {
    // A user coming from JUnit tries to repeat or parameterize an async test; the old message
    // (TEST-008: "move the test to another class") did not say what was wrong.
    assertMethodError(
        """
          @org.junit.jupiter.api.RepeatedTest(5)
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.api.RepeatedTest(5)",
        "[KYOTO-TEST-013] the `@AsyncTest` method `run` is also a JUnit test"
            + " (`@org.junit.jupiter.api.RepeatedTest`): `@AsyncTest` generates its test, once;"
            + " repeated, parameterized and template tests of an async method are not supported");
  }

  @Test
  void test013AlsoInAnAbstractClass() {
    // There TEST-008 does not apply, and Jupiter skipped the non-void template: it ran once.
    assertError(
        "abstract class Spec",
        """
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.params.ParameterizedTest",
        "[KYOTO-TEST-013] the `@AsyncTest` method `run` is also a JUnit test"
            + " (`@org.junit.jupiter.params.ParameterizedTest`)");
  }

  @Test
  void test014LocalClass() {
    // javac does not show classes declared in a method body to processors (nor are they test
    // classes to JUnit): without this error the test would silently never run.
    assertMethodError(
        """
          void group() {
            class Local {
              @AsyncTest
              Future<Void> run() { return Futures.ready(null); }
            }
          }
        """,
        "run()",
        "[KYOTO-TEST-014] the `@AsyncTest` method may not be declared in a local or anonymous"
            + " class: annotation processors do not see the local class `Local`, so no test would"
            + " be generated for it; declare the method in a top-level or static nested class");
  }

  @Test
  void test014NestedInALocalClass() {
    assertMethodError(
        """
          void group() {
            class Local {
              static class Inner {
                @AsyncTest
                Future<Void> run() { return Futures.ready(null); }
              }
            }
          }
        """,
        "run()",
        "[KYOTO-TEST-014] the `@AsyncTest` method may not be declared in a local or anonymous"
            + " class: annotation processors do not see `Inner`, nested in the local class"
            + " `Local`, so no test would be generated for it; declare the method in a top-level or"
            + " static nested class");
  }

  @Test
  void test011ImplementedAbstractMethodsAreFine() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Base implements Runnable {
          abstract String create();
        }

        abstract class Spec extends Base {
          @Override public void run() {}
          @Override String create() { return ""; }
          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }
        }
        """;
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
  }

  @Test
  void optionsAreCheckedOnTestsToo() {
    assertMethodError(
        """
          @AsyncTest(startPaused = true, flavor = Flavor.MULTI_THREAD)
          Future<Void> run() { return Futures.ready(null); }
        """,
        "startPaused = true",
        "[KYOTO-OPT-004] The `startPaused` option requires the CURRENT_THREAD runtime flavor");
  }
}
