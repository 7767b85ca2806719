package io.kyoto.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * A method whose return type another processor generates in the first round is deferred, then
 * expanded once the type exists.
 */
class DeferralTest {
  /** Generates {@code demo.LaterFuture}, a subtype of the runtime's future, in round one. */
  static final class LaterFutureProcessor extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        try (Writer w =
            processingEnv.getFiler().createSourceFile("demo.LaterFuture").openWriter()) {
          w.write(
              "package demo;\n"
                  + "public interface LaterFuture<T> extends io.kyoto.runtime.Future<T> {}\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void defersTypesNotGeneratedYet() {
    Compilation c =
        javac()
            .withProcessors(
                new AsyncMainProcessor(), new AsyncTestProcessor(), new LaterFutureProcessor())
            .compile(
                JavaFileObjects.forSourceString(
                    "demo.App",
                    """
                    package demo;

                    import io.kyoto.runtime.annotation.AsyncMain;
                    import io.kyoto.runtime.annotation.AsyncTest;

                    public class App {
                      @AsyncMain
                      static LaterFuture<Integer> run() {
                        return null;
                      }

                      @AsyncTest
                      LaterFuture<Void> later() {
                        return null;
                      }
                    }
                    """));
    assertThat(c).succeeded();
    assertThat(c.generatedSourceFile("demo.App_Main").isPresent()).isTrue();
    assertThat(c.generatedSourceFile("demo.App_AsyncTest").isPresent()).isTrue();
  }

  @Test
  void aTypeThatNeverExistsIsLeftToJavacsOwnError() {
    // A typo in a return or parameter type: javac says "cannot find symbol"; a Kyoto error
    // claiming the method does not return a Future (or that handlers disagree) only misleads.
    Compilation c =
        ProcessorTestSupport.compile(
            JavaFileObjects.forSourceString(
                "demo.App",
                """
                package demo;

                import io.kyoto.runtime.Future;
                import io.kyoto.runtime.annotation.AsyncMain;
                import io.kyoto.runtime.annotation.AsyncTest;
                import io.kyoto.runtime.annotation.Branch;
                import io.kyoto.runtime.annotation.Select;

                public class App {
                  @AsyncMain
                  static Fuutre<Integer> run() {
                    return null;
                  }

                  @AsyncTest
                  Fuutre<Void> later() {
                    return null;
                  }

                  @Select
                  interface Events {
                    @Branch
                    default Strin line(String line) { return null; }

                    @Branch
                    default String other(Strng other) { return other; }
                  }
                }
                """));
    assertThat(c).failed();
    List<String> kyoto =
        c.errors().stream().map(d -> d.getMessage(null)).filter(m -> m.contains("KYOTO")).toList();
    assertThat(kyoto).isEmpty();
    assertThat(c.errors().stream().allMatch(d -> d.getMessage(null).contains("cannot find symbol")))
        .isTrue();
  }
}
