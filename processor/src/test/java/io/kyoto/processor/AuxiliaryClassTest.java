package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/**
 * KYOTO-GEN-001: a type the processors expand that is an auxiliary class (declared in a file named
 * after another type) gets a warning that says what to do, instead of only javac's cryptic {@code
 * [auxiliaryclass]} lint warning on the generated file.
 */
class AuxiliaryClassTest {
  @Test
  void aSelectDeclaredInAnotherTypesFileIsNamedWithTheFix() {
    Compilation c =
        compile(
            source(
                "demo.Main",
                """
                package demo;

                import io.kyoto.runtime.annotation.Branch;
                import io.kyoto.runtime.annotation.Select;

                public class Main {}

                @Select
                class Events {
                  @Branch String line(String v) { return v; }
                }
                """));
    // The test compiler runs with -Werror, as many builds do: javac's own [auxiliaryclass]
    // warnings on the generated file fail it, and ours comes first and says what to change.
    assertThat(c).failed();
    assertThat(c)
        .hadWarningContaining(
            "[KYOTO-GEN-001] `Events` is declared in `Main.java`, a file named after another type:"
                + " the generated code refers to it from its own file, which javac reports as"
                + " [auxiliaryclass] (an error under -Werror). Declare `Events` in `Events.java`, or"
                + " nest it (static) in `Main`");
  }

  @Test
  void aTypeInItsOwnFileOrNestedInOneGetsNoWarning() {
    Compilation c =
        compile(
            source(
                "demo.Main",
                """
                package demo;

                import io.kyoto.runtime.annotation.Branch;
                import io.kyoto.runtime.annotation.Select;

                public class Main {
                  @Select
                  static class Events {
                    @Branch String line(String v) { return v; }
                  }
                }
                """));
    assertThat(c).succeededWithoutWarnings();
  }
}
