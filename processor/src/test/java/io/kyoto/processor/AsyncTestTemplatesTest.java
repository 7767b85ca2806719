package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.aggregator.AggregateWith;
import org.junit.jupiter.params.converter.ConvertWith;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forms of {@code @AsyncTest} methods with parameters: test templates
 * ({@code @ParameterizedTest} with its argument sources, {@code @RepeatedTest}, any
 * {@code @TestTemplate}) and plain tests taking parameters JUnit resolves. Their generated tests
 * must be the same kind of test, with the same annotations (but the ones that must not be repeated)
 * and the same parameters. {@link AsyncTestTemplateRunTest} runs such tests.
 */
class AsyncTestTemplatesTest {

  static final String SPEC =
      """
      package demo;

      import io.kyoto.runtime.Flavor;
      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.annotation.AsyncTest;
      import java.lang.annotation.ElementType;
      import java.lang.annotation.Retention;
      import java.lang.annotation.RetentionPolicy;
      import java.lang.annotation.Target;
      import java.nio.file.Path;
      import java.util.List;
      import java.util.Map;
      import org.junit.jupiter.api.RepeatedTest;
      import org.junit.jupiter.api.RepetitionInfo;
      import org.junit.jupiter.api.TestInfo;
      import org.junit.jupiter.api.TestReporter;
      import org.junit.jupiter.api.TestTemplate;
      import org.junit.jupiter.api.extension.ExtendWith;
      import org.junit.jupiter.api.extension.Extension;
      import org.junit.jupiter.api.extension.ParameterContext;
      import org.junit.jupiter.api.io.TempDir;
      import org.junit.jupiter.params.ParameterizedTest;
      import org.junit.jupiter.params.aggregator.AggregateWith;
      import org.junit.jupiter.params.aggregator.ArgumentsAccessor;
      import org.junit.jupiter.params.aggregator.ArgumentsAggregator;
      import org.junit.jupiter.params.converter.ConvertWith;
      import org.junit.jupiter.params.converter.SimpleArgumentConverter;
      import org.junit.jupiter.params.provider.CsvSource;
      import org.junit.jupiter.params.provider.EnumSource;
      import org.junit.jupiter.params.provider.FieldSource;
      import org.junit.jupiter.params.provider.MethodSource;
      import org.junit.jupiter.params.provider.NullAndEmptySource;
      import org.junit.jupiter.params.provider.NullSource;
      import org.junit.jupiter.params.provider.ValueSource;

      class Spec {
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.METHOD)
        @ParameterizedTest(name = "small {0}")
        @ValueSource(ints = {1, 2})
        @interface SmallInts {}

        /** Not JUnit's, but visible at run time: an extension may read it from the test. */
        @Retention(RetentionPolicy.RUNTIME)
        @Target({ElementType.METHOD, ElementType.PARAMETER})
        @interface Fixture {
          String value();
        }

        /** Retained in the class file only: nothing at run time sees it. */
        @Retention(RetentionPolicy.CLASS)
        @Target(ElementType.METHOD)
        @interface Lint {}

        static final class Upper extends SimpleArgumentConverter {
          @Override
          protected Object convert(Object source, Class<?> targetType) {
            return source.toString().toUpperCase(java.util.Locale.ROOT);
          }
        }

        static final class Joiner implements ArgumentsAggregator {
          @Override
          public Object aggregateArguments(ArgumentsAccessor arguments, ParameterContext context) {
            return arguments.getString(0) + arguments.getString(1);
          }
        }

        static final class Provider implements Extension {}

        static List<Map<String, Integer>> sourced() {
          return List.of();
        }

        static List<Map<String, Integer>> other() {
          return List.of();
        }

        static final List<String> fields = List.of("a");

        @AsyncTest
        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3})
        Future<Void> values(int n) {
          return Futures.ready(null);
        }

        @AsyncTest(timeout = 1_000)
        @ParameterizedTest(name = "{0} and {1}")
        @CsvSource({"a,1", "b,2"})
        @Fixture("csv")
        @Lint
        @Deprecated
        public Future<Void> csv(@ConvertWith(Upper.class) @Fixture("s") String s, final int n) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @EnumSource(Flavor.class)
        @NullSource
        Future<Void> flavors(Flavor flavor) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = "x")
        Future<Void> strings(String s) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @MethodSource
        @MethodSource({"other", " "})
        Future<Void> sourced(List<Map<String, Integer>> values) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @FieldSource
        Future<Void> fields(String s) {
          return Futures.ready(null);
        }

        @AsyncTest
        @SmallInts
        Future<Void> composed(int n) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @CsvSource("a,b")
        Future<Void> aggregated(@AggregateWith(Joiner.class) String joined) {
          return Futures.ready(null);
        }

        @AsyncTest
        @RepeatedTest(value = 3, name = "{currentRepetition}/{totalRepetitions}")
        protected Future<Integer> repeated(RepetitionInfo info) throws java.io.IOException {
          return Futures.ready(info.getCurrentRepetition());
        }

        @AsyncTest
        Future<Void> resolved(TestInfo info, TestReporter reporter, @TempDir Path dir) {
          return Futures.ready(null);
        }

        @AsyncTest
        @TestTemplate
        @ExtendWith(Provider.class)
        Future<Void> templated() {
          return Futures.ready(null);
        }

        @AsyncTest(timeout = 1_000)
        @ParameterizedTest
        @ValueSource(strings = "x")
        Future<Void> obscuring(
            String runtime, @TempDir Path Time, TestInfo Futures, int io, String failure) {
          return ready();
        }

        static Future<Void> ready() {
          return Futures.ready(null);
        }

        @AsyncTest
        @SafeVarargs
        final Future<Void> varargs(TestInfo info, List<String>... rest) {
          return Futures.ready(null);
        }

        @AsyncTest
        @ParameterizedTest
        @ValueSource(ints = 1)
        <T extends Number & Comparable<T>> Future<Void> generic(T n) {
          return Futures.ready(null);
        }
      }
      """;

  /** A generic class: the generated test extends it raw, and declares erased parameters. */
  static final String BOX =
      """
      package demo;

      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.annotation.AsyncTest;
      import java.util.List;
      import org.junit.jupiter.params.ParameterizedTest;
      import org.junit.jupiter.params.provider.ValueSource;

      class Box<T extends CharSequence> {
        @AsyncTest
        @ParameterizedTest
        @ValueSource(strings = "x")
        Future<T> boxed(T value, List<T> all) {
          return Futures.ready(value);
        }
      }
      """;

  static Class<?> generated;
  static Class<?> box;
  static String text;

  @BeforeAll
  static void compileSpec() throws Exception {
    Compilation c = compile(source("demo.Spec", SPEC), source("demo.Box", BOX));
    assertThat(c).succeededWithoutWarnings();
    ClassLoader loader = ProcessorTestSupport.loader(c);
    generated = loader.loadClass("demo.Spec_AsyncTest");
    box = loader.loadClass("demo.Box_AsyncTest");
    try (InputStream in =
        c.generatedSourceFile("demo.Spec_AsyncTest").orElseThrow().openInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Method method(String name, Class<?>... parameters) throws NoSuchMethodException {
    return generated.getDeclaredMethod(name, parameters);
  }

  static List<String> annotationNames(Method m) {
    return Arrays.stream(m.getAnnotations())
        .map(a -> a.annotationType().getSimpleName())
        .sorted()
        .toList();
  }

  @Test
  void parameterizedTestIsATemplateWithTheSourceAndTheParameters() throws Exception {
    Method m = method("values_async", int.class);
    assertEquals(List.of("DisplayName", "ParameterizedTest", "ValueSource"), annotationNames(m));
    assertNull(m.getAnnotation(Test.class), "a template that is also a @Test runs twice");
    assertArrayEquals(new int[] {1, 2, 3}, m.getAnnotation(ValueSource.class).ints());
    // As JUnit displays the user's method (the generated one is named m_async).
    assertEquals("values(int)", m.getAnnotation(DisplayName.class).value());
    assertEquals(void.class, m.getReturnType());
  }

  @Test
  void theTemplatesAttributesAndRuntimeAnnotationsAreCopied() throws Exception {
    Method m = method("csv_async", String.class, int.class);
    assertEquals("{0} and {1}", m.getAnnotation(ParameterizedTest.class).name());
    assertArrayEquals(new String[] {"a,1", "b,2"}, m.getAnnotation(CsvSource.class).value());
    assertEquals(
        List.of("CsvSource", "DisplayName", "Fixture", "ParameterizedTest"), annotationNames(m));
    // @Deprecated (java.lang's) and a class-retained annotation are not repeated.
    assertFalse(text.contains("@Lint"), text);
    assertFalse(text.contains("@Deprecated"), text);
    Annotation[][] parameters = m.getParameterAnnotations();
    assertEquals(
        List.of("ConvertWith", "Fixture"),
        Arrays.stream(parameters[0]).map(a -> a.annotationType().getSimpleName()).toList());
    assertEquals(
        "demo.Spec$Upper", ((ConvertWith) parameters[0][0]).value().getName(), "the converter");
    assertEquals(0, parameters[1].length);
  }

  @Test
  void sourcesOfEveryKindAreCopied() throws Exception {
    Method flavors = method("flavors_async", io.kyoto.runtime.Flavor.class);
    assertEquals(io.kyoto.runtime.Flavor.class, flavors.getAnnotation(EnumSource.class).value());
    assertNotNull(flavors.getAnnotation(NullSource.class));
    Method strings = method("strings_async", String.class);
    assertNotNull(strings.getAnnotation(NullAndEmptySource.class));
    assertArrayEquals(new String[] {"x"}, strings.getAnnotation(ValueSource.class).strings());
    Method aggregated = method("aggregated_async", String.class);
    assertEquals(
        "demo.Spec$Joiner",
        ((AggregateWith) aggregated.getParameterAnnotations()[0][0]).value().getName());
  }

  @Test
  void sourcesNamingNoFactoryNameTheUsersMethod() throws Exception {
    // JUnit looks for a factory named after the test method, the generated sourced_async: the
    // copies name the user's method, whose factory the user wrote.
    Method sourced = method("sourced_async", List.class);
    assertEquals(
        List.of(List.of("sourced"), List.of("other", "sourced")),
        Arrays.stream(sourced.getAnnotationsByType(MethodSource.class))
            .map(s -> List.of(s.value()))
            .toList());
    Method fields = method("fields_async", String.class);
    assertArrayEquals(new String[] {"fields"}, fields.getAnnotation(FieldSource.class).value());
  }

  @Test
  void genericParameterTypesAreKept() throws Exception {
    Method sourced = method("sourced_async", List.class);
    assertEquals(
        "java.util.List<java.util.Map<java.lang.String, java.lang.Integer>>",
        sourced.getGenericParameterTypes()[0].getTypeName());
    Method generic = method("generic_async", Number.class);
    assertEquals(1, generic.getTypeParameters().length);
    assertEquals(
        "[class java.lang.Number, java.lang.Comparable<T>]",
        Arrays.toString(generic.getTypeParameters()[0].getBounds()));
  }

  @Test
  void aComposedTemplateIsCopiedAsIs() throws Exception {
    Method m = method("composed_async", int.class);
    assertEquals(List.of("DisplayName", "SmallInts"), annotationNames(m));
    assertNull(m.getAnnotation(Test.class));
  }

  @Test
  void repeatedTestIsCopiedWithItsRepetitionInfo() throws Exception {
    Method m = method("repeated_async", RepetitionInfo.class);
    RepeatedTest repeated = m.getAnnotation(RepeatedTest.class);
    assertEquals(3, repeated.value());
    assertEquals("{currentRepetition}/{totalRepetitions}", repeated.name());
    assertEquals(List.of("DisplayName", "RepeatedTest"), annotationNames(m));
    assertEquals("repeated(RepetitionInfo)", m.getAnnotation(DisplayName.class).value());
  }

  @Test
  void anyTestTemplateIsCopied() throws Exception {
    Method m = method("templated_async");
    assertEquals(List.of("DisplayName", "ExtendWith", "TestTemplate"), annotationNames(m));
    assertNotNull(m.getAnnotation(TestTemplate.class));
    assertEquals("demo.Spec$Provider", m.getAnnotation(ExtendWith.class).value()[0].getName());
  }

  @Test
  void aPlainTestDeclaresTheParametersJUnitResolves() throws Exception {
    Method m = method("resolved_async", TestInfo.class, TestReporter.class, Path.class);
    assertEquals(List.of("DisplayName", "Test"), annotationNames(m));
    assertEquals(
        "resolved(TestInfo, TestReporter, Path)", m.getAnnotation(DisplayName.class).value());
    assertNotNull(m.getParameters()[2].getAnnotation(TempDir.class));
  }

  @Test
  void varargsStayVarargs() throws Exception {
    Method m = method("varargs_async", TestInfo.class, List[].class);
    assertTrue(m.isVarArgs());
    // @SafeVarargs is an error on a method that is not final (nor static, nor private).
    assertFalse(text.contains("@SafeVarargs"), text);
    assertEquals("varargs(TestInfo, List[])", m.getAnnotation(DisplayName.class).value());
    assertEquals(
        "java.util.List<java.lang.String>[]", m.getGenericParameterTypes()[1].getTypeName());
  }

  @Test
  void parametersNamedLikeWhatTheBodyUsesAreRenamedThere() {
    // A parameter named Time would obscure the type Time the timeout calls, "runtime" and
    // "failure" would clash with the runtime variable and the caught failure: the generated code
    // compiled, and reads so.
    assertTrue(
        text.contains(
            "void obscuring_async(String runtime, @TempDir Path Time_, TestInfo Futures_, int io_,\n"
                + "      String failure)"),
        text);
    assertTrue(text.contains("Runtime runtime_ = "), text);
    assertTrue(text.contains("} catch (Throwable failure_) {"), text);
    assertTrue(text.contains("super.obscuring(runtime, Time_, Futures_, io_, failure)"), text);
  }

  @Test
  void templatesAreHiddenFromJUnitByAnOverrideWithoutAnnotations() throws Exception {
    // The generated class inherits the user's template, which returns a future: JUnit would
    // report it as a test template that "must not return a value".
    Method values = method("values", int.class);
    assertEquals(0, values.getAnnotations().length);
    assertEquals("io.kyoto.runtime.Future", values.getReturnType().getName());
    Method csv = method("csv", String.class, int.class);
    assertTrue(Modifier.isPublic(csv.getModifiers()));
    assertEquals(0, csv.getParameterAnnotations()[0].length);
    Method repeated = method("repeated", RepetitionInfo.class);
    assertTrue(Modifier.isProtected(repeated.getModifiers()));
    assertArrayEquals(new Class<?>[] {IOException.class}, repeated.getExceptionTypes());
    // A plain test has no template to hide (a final template is an error, KYOTO-TEST-018).
    assertThrows(
        NoSuchMethodException.class,
        () -> method("resolved", TestInfo.class, TestReporter.class, Path.class));
  }

  @Test
  void aGenericClassesTestDeclaresErasedParameters() throws Exception {
    Method m = box.getDeclaredMethod("boxed_async", CharSequence.class, List.class);
    assertEquals("boxed(CharSequence, List)", m.getAnnotation(DisplayName.class).value());
    assertEquals("java.util.List", m.getGenericParameterTypes()[1].getTypeName());
  }
}
