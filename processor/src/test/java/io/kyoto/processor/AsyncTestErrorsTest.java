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

  /** A concrete subclass of {@code demo.Spec}, in a file of its own. */
  private static final JavaFileObject IMPL =
      source("demo.Impl", "package demo;\n\nclass Impl extends Spec {}\n");

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
  void test005RetiredParametersAreDeclaredByTheGeneratedTest() {
    // KYOTO-TEST-005 ("may not take parameters") is retired: JUnit resolves the parameters of the
    // generated test (arguments of a template, TestInfo, @TempDir, an extension's), as it would
    // those of the user's own test, and reports at run time those it cannot.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        class Spec {
          @AsyncTest
          Future<Void> run(String name, int n) { return Futures.ready(null); }
        }
        """;
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
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
    assertThat(compile(source("demo.Spec", text), IMPL)).succeededWithoutWarnings();
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
  void test011NotReportedForAnAbstractBaseWhoseSubclassesImplementItsMethods() {
    // An abstract base with an abstract factory (a contract suite): it gets no test of its own;
    // its concrete subclass implements the factory and gets the test.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec implements Runnable {
          abstract String create();
          @AsyncTest
          Future<String> works() { return Futures.ready(create()); }
        }
        """;
    JavaFileObject impl =
        source(
            "demo.Impl",
            """
            package demo;

            class Impl extends Spec {
              @Override public void run() {}
              @Override String create() { return ""; }
            }
            """);
    Compilation c = compile(source("demo.Spec", text), impl);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("demo.Impl_AsyncTest");
    org.junit.jupiter.api.Assertions.assertTrue(
        c.generatedSourceFile("demo.Spec_AsyncTest").isEmpty());
  }

  @Test
  void test017AbstractClassWithoutSubclass() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec implements Runnable {
          abstract String create();
          @AsyncTest
          Future<Void> works() { return Futures.ready(null); }
        }
        """;
    JavaFileObject file = source("demo.Spec", text);
    Compilation c = compile(file);
    // Only the warning (an error under the test compiler's -Werror): no TEST-011.
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-TEST-017] `Spec` is abstract and no concrete subclass of it is compiled with"
                + " it: its `@AsyncTest` methods run only through the concrete subclasses compiled"
                + " with it (each gets its generated test, `<Subclass>_AsyncTest`), so none of them"
                + " runs; declare a concrete subclass in the same compilation")
        .inFile(file)
        .onLine(lineOf(text, "abstract class Spec"));
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("warnings found and -Werror specified");
  }

  @Test
  void test018FinalTestTemplate() {
    assertMethodError(
        """
          @AsyncTest
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(ints = 1)
          final Future<Void> run(int n) { return Futures.ready(null); }
        """,
        "final Future<Void> run",
        "[KYOTO-TEST-018] the `@AsyncTest` method `run` is a test template"
            + " (`@org.junit.jupiter.params.ParameterizedTest`) and may not be final: the generated"
            + " test class inherits it and cannot override it to hide"
            + " `@org.junit.jupiter.params.ParameterizedTest`, so JUnit would report on every run"
            + " that it must not return a value and will not be executed; remove `final`");
  }

  @Test
  void test018FinalTestTemplateInAnAbstractBase() {
    // Reported once, where it is declared, and no subclass gets a test.
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec {
          @AsyncTest
          @org.junit.jupiter.api.RepeatedTest(2)
          final Future<Void> run() { return Futures.ready(null); }
        }
        """;
    JavaFileObject file = source("demo.Spec", text);
    Compilation c = compile(file, IMPL);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "[KYOTO-TEST-018] the `@AsyncTest` method `run` is a test template"
                + " (`@org.junit.jupiter.api.RepeatedTest`) and may not be final")
        .inFile(file)
        .onLine(lineOf(text, "final Future<Void> run"));
  }

  @Test
  void finalPlainTestIsFine() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        class Spec {
          @AsyncTest
          final Future<Void> run() { return Futures.ready(null); }
        }
        """;
    assertThat(compile(source("demo.Spec", text))).succeededWithoutWarnings();
  }

  @Test
  void inheritedMethodErrorsAreReportedOnceWhereDeclared() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec {
          @AsyncTest
          static Future<Void> run() { return Futures.ready(null); }
        }
        """;
    JavaFileObject file = source("demo.Spec", text);
    Compilation c = compile(file, IMPL);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("[KYOTO-TEST-001] the `@AsyncTest` method may not be static")
        .inFile(file)
        .onLine(lineOf(text, "run()"));
  }

  @Test
  void concreteSubclassOfAnAbstractBaseFollowsTheUsualRules() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec {
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        }
        """;
    String impl =
        """
        package demo;

        final class Impl extends Spec {}
        """;
    JavaFileObject implFile = source("demo.Impl", impl);
    Compilation c = compile(source("demo.Spec", text), implFile);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "[KYOTO-TEST-006] a class with `@AsyncTest` methods must be a non-final, non-sealed,"
                + " non-private top-level or static nested class: the generated test extends it;"
                + " `Impl` is final")
        .inFile(implFile)
        .onLine(lineOf(impl, "final class Impl"));
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
        "[KYOTO-TEST-012] the generated test carries the annotation"
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
        "[KYOTO-TEST-012] the generated test carries the annotation `@demo.Outer.Off` and"
            + " cannot name the private type `demo.Outer.Off` it uses; make `demo.Outer.Off`"
            + " package-private");
  }

  @Test
  void test012PrivateTypeInAParameterAnnotation() {
    // The generated test repeats the parameter annotations too, such as a converter's.
    assertMethodError(
        """
          private static final class Upper
              extends org.junit.jupiter.params.converter.SimpleArgumentConverter {
            @Override
            protected Object convert(Object source, Class<?> target) { return source; }
          }
          @AsyncTest
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(strings = "a")
          Future<Void> run(
              @org.junit.jupiter.params.converter.ConvertWith(Upper.class) String s) {
            return Futures.ready(null);
          }
        """,
        "@org.junit.jupiter.params.converter.ConvertWith(Upper.class)",
        "[KYOTO-TEST-012] the generated test carries the annotation"
            + " `@org.junit.jupiter.params.converter.ConvertWith` and cannot name the private type"
            + " `demo.Spec.Upper` it uses; make `demo.Spec.Upper` package-private");
  }

  @Test
  void test012PrivateTypeInARuntimeAnnotationThatIsNotJUnits() {
    // Every annotation visible at run time is repeated (an extension may read it), JUnit's or not.
    assertMethodError(
        """
          @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
          @interface Fixture { Class<?> value(); }
          private static final class Secret {}
          @Fixture(Secret.class)
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        """,
        "@Fixture(Secret.class)",
        "[KYOTO-TEST-012] the generated test carries the annotation `@demo.Spec.Fixture` and"
            + " cannot name the private type `demo.Spec.Secret` it uses; make `demo.Spec.Secret`"
            + " package-private");
  }

  @Test
  void test013AsyncTestThatIsAlsoATest() {
    // @AsyncTest generates the @Test; the user's method, which returns a future, is no test.
    assertMethodError(
        """
          @org.junit.jupiter.api.Test
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.api.Test",
        "[KYOTO-TEST-013] the `@AsyncTest` method `run` is also a JUnit test"
            + " (`@org.junit.jupiter.api.Test`): `@AsyncTest` generates its test, a `@Test`, and"
            + " combines only with test templates such as `@ParameterizedTest` and `@RepeatedTest`;"
            + " remove `@org.junit.jupiter.api.Test`");
  }

  @Test
  void test013TestFactoryInAnAbstractClass() {
    // There TEST-008 does not apply; a test factory returns its dynamic tests, not a future.
    assertError(
        "abstract class Spec",
        """
          @org.junit.jupiter.api.TestFactory
          @AsyncTest
          Future<Void> run() { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.api.TestFactory",
        "[KYOTO-TEST-013] the `@AsyncTest` method `run` is also a JUnit test"
            + " (`@org.junit.jupiter.api.TestFactory`): `@AsyncTest` generates its test, a `@Test`,"
            + " and combines only with test templates such as `@ParameterizedTest` and"
            + " `@RepeatedTest`; remove `@org.junit.jupiter.api.TestFactory`");
  }

  @Test
  void test013TemplatesAreAcceptedEvenInAnAbstractClassWithJupiterTests() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.AsyncTest;

        abstract class Spec {
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
          @AsyncTest
          Future<Void> run(int n) { return Futures.ready(null); }

          @org.junit.jupiter.api.RepeatedTest(5)
          @AsyncTest
          Future<Void> again() { return Futures.ready(null); }

          @org.junit.jupiter.api.Test
          void plain() {}
        }
        """;
    assertThat(compile(source("demo.Spec", text), IMPL)).succeededWithoutWarnings();
  }

  @Test
  void test015TestAndParameterizedTest() {
    assertMethodError(
        """
          @AsyncTest
          @org.junit.jupiter.api.Test
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
          Future<Void> run(int n) { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.params.ParameterizedTest",
        "[KYOTO-TEST-015] the `@AsyncTest` method `run` is both `@org.junit.jupiter.api.Test` and"
            + " `@org.junit.jupiter.params.ParameterizedTest`: its generated test can be of one"
            + " kind only; keep one test template (such as `@ParameterizedTest` or"
            + " `@RepeatedTest`), or none for a plain `@Test`");
  }

  @Test
  void test015ParameterizedAndRepeated() {
    assertMethodError(
        """
          @AsyncTest
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
          @org.junit.jupiter.api.RepeatedTest(3)
          Future<Void> run(int n) { return Futures.ready(null); }
        """,
        "@org.junit.jupiter.api.RepeatedTest(3)",
        "[KYOTO-TEST-015] the `@AsyncTest` method `run` is both"
            + " `@org.junit.jupiter.params.ParameterizedTest` and"
            + " `@org.junit.jupiter.api.RepeatedTest`: its generated test can be of one kind only");
  }

  @Test
  void test016PrivateParameterType() {
    assertMethodError(
        """
          private enum Color { RED }
          @AsyncTest
          @org.junit.jupiter.params.ParameterizedTest
          @org.junit.jupiter.params.provider.NullSource
          Future<Void> run(Color color) { return Futures.ready(null); }
        """,
        "run(Color color)",
        "[KYOTO-TEST-016] the generated test declares the parameter `color` of `run` and cannot"
            + " name the private type `demo.Spec.Color` it uses; make `demo.Spec.Color`"
            + " package-private");
  }

  @Test
  void test016PrivateTypeInATypeArgumentOrABound() {
    assertMethodError(
        """
          private interface Secret {}
          @AsyncTest
          Future<Void> run(java.util.List<? extends Secret> secrets) { return Futures.ready(null); }
        """,
        "run(java.util.List",
        "[KYOTO-TEST-016] the generated test declares the parameter `secrets` of `run` and cannot"
            + " name the private type `demo.Spec.Secret` it uses");
    assertMethodError(
        """
          private interface Secret {}
          @AsyncTest
          <T extends Secret> Future<Void> run(T secret) { return Futures.ready(null); }
        """,
        "<T extends Secret>",
        "[KYOTO-TEST-016] the generated test declares the type parameter `T` of `run` and cannot"
            + " name the private type `demo.Spec.Secret` it uses; make `demo.Spec.Secret`"
            + " package-private");
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
    assertThat(compile(source("demo.Spec", text), IMPL)).succeededWithoutWarnings();
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
