package io.kyoto.processor.internal;

import java.util.List;
import javax.annotation.processing.Messager;

/**
 * Every message the Kyoto processors report, each with a stable id ({@code [KYOTO-MAIN-001]}) that
 * tests and documentation can rely on. The wording follows tokio-macros where tokio has the same
 * error.
 */
public final class Diagnostics {
  private Diagnostics() {}

  // Shared by every processor.

  /**
   * A warning: the annotated type (or the top-level type around it) is an auxiliary class, declared
   * in a file named after another type.
   */
  public static final String GEN_001_AUXILIARY_CLASS =
      "[KYOTO-GEN-001] `%s` is declared in `%s`, a file named after another type: the generated"
          + " code refers to it from its own file, which javac reports as [auxiliaryclass] (an"
          + " error under -Werror). Declare `%s` in `%s.java`, or nest it (static) in `%s`";

  // Runtime options, shared by @AsyncMain and @AsyncTest.

  /** {@code workerThreads} set explicitly on a current-thread runtime. */
  public static final String OPT_001_WORKER_THREADS_FLAVOR =
      "[KYOTO-OPT-001] The `workerThreads` option requires the MULTI_THREAD runtime flavor. Use"
          + " `flavor = Flavor.MULTI_THREAD`";

  /** {@code workerThreads} set explicitly to zero. */
  public static final String OPT_002_WORKER_THREADS_ZERO =
      "[KYOTO-OPT-002] `workerThreads` may not be 0: the number of worker threads cannot be zero";

  /** {@code workerThreads} negative. */
  public static final String OPT_003_WORKER_THREADS_NEGATIVE =
      "[KYOTO-OPT-003] `workerThreads` must be positive, found %d";

  /** {@code startPaused = true} on a multi-thread runtime. */
  public static final String OPT_004_START_PAUSED_FLAVOR =
      "[KYOTO-OPT-004] The `startPaused` option requires the CURRENT_THREAD runtime flavor. Use"
          + " `flavor = Flavor.CURRENT_THREAD`";

  // @AsyncMain.

  /** An instance method. */
  public static final String MAIN_001_NOT_STATIC =
      "[KYOTO-MAIN-001] the `@AsyncMain` method must be static: the generated launcher calls it"
          + " without an instance";

  /** A private method. */
  public static final String MAIN_002_PRIVATE =
      "[KYOTO-MAIN-002] the `@AsyncMain` method may not be private: the generated launcher in the"
          + " same package calls it";

  /** A return type that is not a future. */
  public static final String MAIN_003_RETURN_TYPE =
      "[KYOTO-MAIN-003] the `@AsyncMain` method must return io.kyoto.runtime.Future, found `%s`";

  /** Parameters other than none or {@code String[]}. */
  public static final String MAIN_004_PARAMETERS =
      "[KYOTO-MAIN-004] the `@AsyncMain` method must take no parameters or a single `String[]`,"
          + " found (%s)";

  /** A method in a class the launcher cannot reach. */
  public static final String MAIN_005_ENCLOSING_TYPE =
      "[KYOTO-MAIN-005] the `@AsyncMain` method must be declared in a top-level or static nested"
          + " type that is not private, found `%s`";

  /** A second entry point in one type. */
  public static final String MAIN_006_DUPLICATE =
      "[KYOTO-MAIN-006] only one `@AsyncMain` method is allowed per type: `%s` already has `%s`";

  /** A checked throwable that is not an exception. */
  public static final String MAIN_007_THROWS =
      "[KYOTO-MAIN-007] the `@AsyncMain` method may throw only exceptions (subclasses of"
          + " `Exception`), found `%s`: the launcher calls it where only an Exception may be"
          + " thrown";

  /** A method in a local or anonymous class, which processors do not see. */
  public static final String MAIN_008_LOCAL_CLASS =
      "[KYOTO-MAIN-008] the `@AsyncMain` method may not be declared in a local or anonymous class:"
          + " annotation processors do not see %s, so no launcher would be generated for it;"
          + " declare the method in a top-level or static nested type";

  // @AsyncTest.

  /** A static method. */
  public static final String TEST_001_STATIC =
      "[KYOTO-TEST-001] the `@AsyncTest` method may not be static: the generated test calls it on"
          + " the test instance";

  /** A private method. */
  public static final String TEST_002_PRIVATE =
      "[KYOTO-TEST-002] the `@AsyncTest` method may not be private: the generated subclass calls it";

  /** An abstract method. */
  public static final String TEST_003_ABSTRACT =
      "[KYOTO-TEST-003] the `@AsyncTest` method may not be abstract";

  /** A return type that is not a future. */
  public static final String TEST_004_RETURN_TYPE =
      "[KYOTO-TEST-004] the `@AsyncTest` method must return io.kyoto.runtime.Future, found `%s`";

  // [KYOTO-TEST-005] ("the `@AsyncTest` method may not take parameters") is retired: the generated
  // test declares the method's parameters and passes them on. Do not reuse the id.

  /** A class that cannot be extended by the generated test. */
  public static final String TEST_006_CLASS_NOT_EXTENDABLE =
      "[KYOTO-TEST-006] a class with `@AsyncTest` methods must be a non-final, non-sealed,"
          + " non-private top-level or static nested class: the generated test extends it;"
          + " `%s` is %s";

  /** No usable no-argument constructor. */
  public static final String TEST_007_NO_CONSTRUCTOR =
      "[KYOTO-TEST-007] a class with `@AsyncTest` methods needs a non-private no-argument"
          + " constructor that throws no checked exception: the generated test extends it";

  /** A concrete class that also has ordinary Jupiter tests. */
  public static final String TEST_008_TESTS_RUN_TWICE =
      "[KYOTO-TEST-008] `%s` has `@AsyncTest` methods and the JUnit test `%s`; the generated"
          + " subclass inherits it, so it would run twice. Make the class abstract, or move the"
          + " test to another class";

  /** A negative timeout. */
  public static final String TEST_009_TIMEOUT_NEGATIVE =
      "[KYOTO-TEST-009] `timeout` must be positive, or 0 for none; found %d";

  /** A checked throwable that is not an exception. */
  public static final String TEST_010_THROWS =
      "[KYOTO-TEST-010] the `@AsyncTest` method may throw only exceptions (subclasses of"
          + " `Exception`), found `%s`: the generated test calls it where only an Exception may be"
          + " thrown";

  /**
   * An abstract method the generated subclass would have to implement. Kept for a concrete class,
   * which cannot leave one: an abstract class gets no generated test of its own (its concrete
   * subclasses do, see TEST-017), so it is no longer reported for it.
   */
  public static final String TEST_011_ABSTRACT_METHODS =
      "[KYOTO-TEST-011] `%s` leaves %s abstract: the generated test extends it and cannot"
          + " implement them; implement them, or declare the `@AsyncTest` methods in a concrete"
          + " subclass";

  /**
   * An annotation the generated test repeats (of the class, the method or one of its parameters)
   * names a private type.
   */
  public static final String TEST_012_PRIVATE_IN_ANNOTATION =
      "[KYOTO-TEST-012] the generated test carries the annotation `@%s` and cannot name the"
          + " private type `%s` it uses; make `%s` package-private";

  /**
   * An @AsyncTest method that is also a JUnit test of a kind the generated test cannot be: a
   * {@code @Test} (which it generates itself), a {@code @TestFactory}, anything {@code @Testable}
   * that is not a test template.
   */
  public static final String TEST_013_ALSO_A_TEST =
      "[KYOTO-TEST-013] the `@AsyncTest` method `%s` is also a JUnit test (`@%s`): `@AsyncTest`"
          + " generates its test, a `@Test`, and combines only with test templates such as"
          + " `@ParameterizedTest` and `@RepeatedTest`; remove `@%s`";

  /** A method in a local or anonymous class, which processors (and JUnit) do not see. */
  public static final String TEST_014_LOCAL_CLASS =
      "[KYOTO-TEST-014] the `@AsyncTest` method may not be declared in a local or anonymous class:"
          + " annotation processors do not see %s, so no test would be generated for it; declare"
          + " the method in a top-level or static nested class";

  /** An @AsyncTest method with two test kinds ({@code @Test} and a template, or two templates). */
  public static final String TEST_015_TWO_TEST_KINDS =
      "[KYOTO-TEST-015] the `@AsyncTest` method `%s` is both `@%s` and `@%s`: its generated test"
          + " can be of one kind only; keep one test template (such as `@ParameterizedTest` or"
          + " `@RepeatedTest`), or none for a plain `@Test`";

  /** A parameter or type parameter of an @AsyncTest method that names a private type. */
  public static final String TEST_016_PRIVATE_IN_SIGNATURE =
      "[KYOTO-TEST-016] the generated test declares the %s `%s` of `%s` and cannot name the"
          + " private type `%s` it uses; make `%s` package-private";

  /**
   * A warning: an abstract class with {@code @AsyncTest} methods, which gets no test of its own,
   * and no concrete subclass of it in the compilation.
   */
  public static final String TEST_017_ABSTRACT_WITHOUT_SUBCLASS =
      "[KYOTO-TEST-017] `%s` is abstract and no concrete subclass of it is compiled with it: its"
          + " `@AsyncTest` methods run only through the concrete subclasses compiled with it (each"
          + " gets its generated test, `<Subclass>_AsyncTest`), so none of them runs; declare a"
          + " concrete subclass in the same compilation";

  /** A final @AsyncTest method that is a test template, which the generated test cannot hide. */
  public static final String TEST_018_FINAL_TEMPLATE =
      "[KYOTO-TEST-018] the `@AsyncTest` method `%s` is a test template (`@%s`) and may not be"
          + " final: the generated test class inherits it and cannot override it to hide `@%s`, so"
          + " JUnit would report on every run that it must not return a value and will not be"
          + " executed; remove `final`";

  /**
   * A warning: the class of {@code @AsyncTest} methods is displayed by a display name generator of
   * the user's own (set by an annotation, or as the default in {@code junit-platform.properties} or
   * by {@code -Akyoto.displayNameGenerator}), which the processor cannot run to name the generated
   * tests.
   */
  public static final String TEST_019_CUSTOM_DISPLAY_NAME_GENERATOR =
      "[KYOTO-TEST-019] `%s` uses the display name generator `%s` (set by %s), which the processor"
          + " cannot run at compile time to name the generated tests as JUnit would: they are"
          + " displayed with JUnit's standard names instead (%s); put `@DisplayName` on %s to"
          + " choose their names";

  /**
   * A warning: the default display name generator configured ({@code
   * junit.jupiter.displayname.generator.default} in {@code junit-platform.properties}, or {@code
   * -Akyoto.displayNameGenerator}) names no generator JUnit can instantiate, so JUnit, and the
   * processor, fall back to {@code Standard}.
   */
  public static final String TEST_020_DEFAULT_DISPLAY_NAME_GENERATOR =
      "[KYOTO-TEST-020] %s sets the default display name generator to `%s`, %s: JUnit cannot use"
          + " it and falls back to `DisplayNameGenerator.Standard`, which names the generated tests"
          + " of the classes without `@DisplayNameGeneration`; give the binary name of a concrete"
          + " class implementing `DisplayNameGenerator`, such as"
          + " `org.junit.jupiter.api.DisplayNameGenerator$ReplaceUnderscores`";

  // @Select.

  /** More branches than the enabled mask holds. */
  public static final String SELECT_001_TOO_MANY_BRANCHES =
      "[KYOTO-SELECT-001] a `@Select` type may have at most 64 branches, found %d";

  /** No branch at all. */
  public static final String SELECT_002_NO_BRANCHES =
      "[KYOTO-SELECT-002] a `@Select` type needs at least one `@Branch` method";

  /** A second else method. */
  public static final String SELECT_003_DUPLICATE_ELSE =
      "[KYOTO-SELECT-003] a `@Select` type may have only one `@Else` method: `%s` already has `%s`";

  /** A handler whose return type differs from the first branch's. */
  public static final String SELECT_004_RETURN_TYPE =
      "[KYOTO-SELECT-004] all branches of a select must return the same type: expected `%s`,"
          + " found `%s`";

  /** A static or private handler. */
  public static final String SELECT_005_MODIFIERS =
      "[KYOTO-SELECT-005] a `@%s` method may not be %s: the generated select calls it on the"
          + " handlers instance";

  /** A branch with more than one parameter, or an else with parameters. */
  public static final String SELECT_006_PARAMETERS = "[KYOTO-SELECT-006] %s, found (%s)";

  /** Two branches with one name. */
  public static final String SELECT_007_DUPLICATE_BRANCH =
      "[KYOTO-SELECT-007] duplicate branch name `%s`: branch names must be unique in a `@Select`"
          + " type";

  /** A type the generated select cannot name. */
  public static final String SELECT_008_TYPE =
      "[KYOTO-SELECT-008] a `@Select` type must be a non-private, non-generic class or interface,"
          + " top level or static nested; `%s` is not";

  /** A branch or else method outside a select type. */
  public static final String SELECT_009_OUTSIDE_SELECT =
      "[KYOTO-SELECT-009] `@%s` is only allowed in a type annotated `@Select`";

  /** A void handler. */
  public static final String SELECT_010_VOID =
      "[KYOTO-SELECT-010] a select handler must return a value, found `void`";

  /** A generic handler: the generated select cannot name its type variables. */
  public static final String SELECT_011_TYPE_VARIABLES =
      "[KYOTO-SELECT-011] a select handler may not declare type variables: the generated select"
          + " names its value types, found <%s>";

  /** A handler whose parameter or return type mentions a private type. */
  public static final String SELECT_012_PRIVATE_TYPE =
      "[KYOTO-SELECT-012] the type `%s` is private: the generated select, a class of its own in"
          + " the same package, must name it";

  /** A handler declaring a checked throwable that is not an exception. */
  public static final String SELECT_013_THROWS =
      "[KYOTO-SELECT-013] a select handler may throw only exceptions (subclasses of `Exception`),"
          + " found `%s`: the generated future's poll cannot throw it";

  /** A local type, or a type nested in a local or anonymous class, which processors do not see. */
  public static final String SELECT_014_LOCAL_TYPE =
      "[KYOTO-SELECT-014] a `@Select` type may not be local, or nested in a local or anonymous"
          + " class: annotation processors do not see %s, so no select would be generated for it;"
          + " declare it top level or static nested";

  /** A generated file that could not be written. */
  public static final String GEN_001_WRITE_FAILED =
      "[KYOTO-GEN-002] could not write the generated class `%s`: %s";

  /** Prints every diagnostic in {@code report}. */
  public static void print(Messager messager, List<Diagnostic> report) {
    for (Diagnostic d : report) {
      d.printTo(messager);
    }
  }
}
