package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JUnit Jupiter reads its annotations from the generated {@code m_async} method, not from the
 * user's {@code @AsyncTest} method: the Jupiter annotations a user writes there (and composed
 * annotations built from them) must be on the generated method. {@link AsyncTestTemplatesTest}
 * covers test templates and parameters.
 */
class AsyncTestJupiterAnnotationsTest {

  static final String SPEC =
      """
      package demo;

      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.Futures;
      import io.kyoto.runtime.annotation.AsyncTest;
      import java.lang.annotation.ElementType;
      import java.lang.annotation.Retention;
      import java.lang.annotation.RetentionPolicy;
      import java.lang.annotation.Target;
      import java.util.concurrent.TimeUnit;
      import org.junit.jupiter.api.Disabled;
      import org.junit.jupiter.api.DisplayName;
      import org.junit.jupiter.api.Tag;
      import org.junit.jupiter.api.Timeout;

      abstract class Base {
        abstract Future<Void> overridden();
      }

      class Spec extends Base {
        @Target(ElementType.METHOD)
        @Retention(RetentionPolicy.RUNTIME)
        @Tag("slow")
        @interface Slow {}

        @Disabled("not ready yet")
        @AsyncTest
        Future<Void> disabled() { throw new AssertionError("a @Disabled test ran"); }

        @DisplayName("a friendly name")
        @Tag("fast")
        @Timeout(value = 3, unit = TimeUnit.SECONDS)
        @AsyncTest
        Future<Void> named() { return Futures.ready(null); }

        @Slow
        @AsyncTest
        Future<Void> composed() { return Futures.ready(null); }

        @Override
        @AsyncTest
        Future<Void> overridden() { return Futures.ready(null); }
      }
      """;

  static final String OFF =
      """
      package demo;

      import io.kyoto.runtime.Future;
      import io.kyoto.runtime.annotation.AsyncTest;
      import org.junit.jupiter.api.Disabled;
      import org.junit.jupiter.api.DisplayName;
      import org.junit.jupiter.api.Tag;

      @Disabled("the whole class is not ready")
      @DisplayName("Off suite")
      @Tag("off")
      @SuppressWarnings("unused")
      class Off {
        @AsyncTest
        Future<Void> shouldNotRun() { throw new AssertionError("a test of a @Disabled class ran"); }

        @org.junit.jupiter.api.Nested
        static class Group {
          @AsyncTest
          Future<Void> grouped() { return io.kyoto.runtime.Futures.ready(null); }
        }
      }
      """;

  static Class<?> generated;
  static Class<?> off;
  static Class<?> group;

  @org.junit.jupiter.api.BeforeAll
  static void compileSpec() throws Exception {
    Compilation c = compile(source("demo.Spec", SPEC), source("demo.Off", OFF));
    assertThat(c).succeededWithoutWarnings();
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
    ClassLoader loader =
        new ClassLoader(AsyncTestJupiterAnnotationsTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
          }
        };
    generated = loader.loadClass("demo.Spec_AsyncTest");
    off = loader.loadClass("demo.Off_AsyncTest");
    group = loader.loadClass("demo.Off_Group_AsyncTest");
  }

  static Method method(String name) throws NoSuchMethodException {
    return generated.getDeclaredMethod(name);
  }

  @Test
  void disabledOnTheUsersMethodDisablesTheGeneratedTest() throws Exception {
    Disabled disabled = method("disabled_async").getAnnotation(Disabled.class);
    assertNotNull(disabled, "@Disabled was not copied: the test would run");
    assertEquals("not ready yet", disabled.value());
    assertNotNull(method("disabled_async").getAnnotation(Test.class));
  }

  @Test
  void theUsersDisplayNameTagAndTimeoutApply() throws Exception {
    Method m = method("named_async");
    assertEquals("a friendly name", m.getAnnotation(DisplayName.class).value());
    assertEquals("fast", m.getAnnotation(Tag.class).value());
    Timeout timeout = m.getAnnotation(Timeout.class);
    assertNotNull(timeout, "@Timeout was not copied");
    assertEquals(3, timeout.value());
    assertEquals(TimeUnit.SECONDS, timeout.unit());
  }

  @Test
  void composedAnnotationsAreCopiedAndDefaultDisplayNameStays() throws Exception {
    Method m = method("composed_async");
    assertEquals(
        "[Slow]",
        Arrays.toString(
            Arrays.stream(m.getAnnotations())
                .map(a -> a.annotationType().getSimpleName())
                .filter(n -> n.equals("Slow"))
                .toArray()));
    assertEquals("composed()", m.getAnnotation(DisplayName.class).value());
  }

  @Test
  void overrideIsNotCopied() throws Exception {
    // @Override on the user's method must not reach m_async, which overrides nothing (nor would
    // JUnit see it: it is not retained at run time, unlike the annotations that are copied).
    Method m = method("overridden_async");
    assertArrayEquals(
        new String[] {"DisplayName", "Test"},
        Arrays.stream(m.getAnnotations())
            .map(a -> a.annotationType().getSimpleName())
            .sorted()
            .toArray(String[]::new));
    assertNull(m.getAnnotation(Disabled.class));
  }

  @Test
  void theClassesJupiterAnnotationsThatAreNotInheritedApplyToTheGeneratedClass() {
    // Jupiter looks for @Disabled and @DisplayName on the test class itself (they are not
    // @Inherited), and the test class is the generated subclass.
    Disabled disabled = off.getAnnotation(Disabled.class);
    assertNotNull(disabled, "@Disabled on the class was not copied: its tests would run");
    assertEquals("the whole class is not ready", disabled.value());
    assertEquals("Off suite", off.getAnnotation(DisplayName.class).value());
    // @Tag is @Inherited: it applies already, and is not repeated.
    assertEquals("off", off.getAnnotation(Tag.class).value());
    assertNull(off.getDeclaredAnnotation(Tag.class));
    assertNull(generated.getAnnotation(Disabled.class));
  }

  @Test
  void nestedIsNotCopiedToTheTopLevelGeneratedClass() {
    // JUnit warns "Top-level class ... must not be annotated with @Nested" and may stop running
    // such classes; the generated test of a static nested class is top level.
    assertNull(group.getAnnotation(org.junit.jupiter.api.Nested.class));
  }
}
