package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.lineOf;
import static io.kyoto.processor.ProcessorTestSupport.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per {@code @Select} error id. */
class SelectErrorsTest {

  private static void assertError(String text, String marker, String message) {
    JavaFileObject file = source("demo.Events", text);
    Compilation c = compile(file);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining(message).inFile(file).onLine(lineOf(text, marker));
  }

  private static String select(String body) {
    return """
        package demo;

        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Else;
        import io.kyoto.runtime.annotation.Select;

        @Select
        abstract class Events {
        %s
        }
        """
        .formatted(body);
  }

  @Test
  void select001TooManyBranches() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      body.append("  @Branch String b")
          .append(i)
          .append("(String v) { return v; } // b")
          .append(i)
          .append("\n");
    }
    assertError(
        select(body.toString()),
        "// b64",
        "[KYOTO-SELECT-001] a `@Select` type may have at most 64 branches, found 65");
  }

  @Test
  void select002NoBranches() {
    assertError(
        select("  @Else String idle() { return \"\"; }"),
        "@Select",
        "[KYOTO-SELECT-002] a `@Select` type needs at least one `@Branch` method");
  }

  @Test
  void select003DuplicateElse() {
    assertError(
        select(
            """
              @Branch String line(String v) { return v; }
              @Else String idle() { return ""; }
              @Else String other() { return ""; }
            """),
        "other()",
        "[KYOTO-SELECT-003] a `@Select` type may have only one `@Else` method: `Events` already"
            + " has `idle`");
  }

  @Test
  void select004ReturnType() {
    assertError(
        select(
            """
              @Branch String line(String v) { return v; }
              @Branch Integer count(Integer v) { return v; }
            """),
        "count(",
        "[KYOTO-SELECT-004] all branches of a select must return the same type: expected"
            + " `java.lang.String`, found `java.lang.Integer`");
  }

  @Test
  void select005Static() {
    assertError(
        select("  @Branch static String line(String v) { return v; }"),
        "line(",
        "[KYOTO-SELECT-005] a `@Branch` method may not be static");
  }

  @Test
  void select005Private() {
    assertError(
        select("  @Branch private String line(String v) { return v; }"),
        "line(",
        "[KYOTO-SELECT-005] a `@Branch` method may not be private");
  }

  @Test
  void select006BranchParameters() {
    assertError(
        select("  @Branch String line(String v, int w) { return v; }"),
        "line(",
        "[KYOTO-SELECT-006] a `@Branch` method takes one parameter, the value of its future, or"
            + " none to ignore the value, found (java.lang.String, int)");
  }

  @Test
  void select006ElseParameters() {
    assertError(
        select(
            """
              @Branch String line(String v) { return v; }
              @Else String idle(int x) { return ""; }
            """),
        "idle(",
        "[KYOTO-SELECT-006] an `@Else` method takes no parameters, found (int)");
  }

  @Test
  void select007DuplicateBranch() {
    assertError(
        select(
            """
              @Branch String line(String v) { return v; }
              @Branch String line(Integer v) { return ""; } // second
            """),
        "// second",
        "[KYOTO-SELECT-007] duplicate branch name `line`");
  }

  @Test
  void select008Type() {
    assertError(
        """
        package demo;

        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Select;

        class Events {
          @Select
          abstract class Inner {
            @Branch String line(String v) { return v; }
          }
        }
        """,
        "@Select",
        "[KYOTO-SELECT-008] a `@Select` type must be a non-private, non-generic class or"
            + " interface, top level or static nested; `demo.Events.Inner` is not");
  }

  @Test
  void select009OutsideSelect() {
    assertError(
        """
        package demo;

        import io.kyoto.runtime.annotation.Branch;

        class Events {
          @Branch String line(String v) { return v; }
        }
        """,
        "line(",
        "[KYOTO-SELECT-009] `@Branch` is only allowed in a type annotated `@Select`");
  }

  /**
   * A {@code @Select} javac cannot resolve (ambiguous between {@code io.kyoto.runtime.Select} and
   * the annotation, both imported on demand) is javac's error alone: the branches are not reported
   * as outside a {@code @Select} type as well (they were, once per branch).
   */
  @Test
  void anUnresolvedSelectIsReportedByJavacOnly() {
    String text =
        """
        package demo;

        import io.kyoto.runtime.*;
        import io.kyoto.runtime.annotation.*;

        @Select
        abstract class Events {
          @Branch Future<String> a() { return Futures.ready("a"); }
          @Branch Future<String> b() { return Futures.ready("b"); }
        }
        """;
    JavaFileObject file = source("demo.Events", text);
    Compilation c = compile(file);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("reference to Select is ambiguous").inFile(file);
  }

  @Test
  void select010Void() {
    assertError(
        select("  @Branch void line(String v) {}"),
        "line(",
        "[KYOTO-SELECT-010] a select handler must return a value, found `void`");
  }

  @Test
  void select011GenericHandler() {
    // The generated select names the branch's value type in a field: a method's type variable is
    // out of scope there, so the generated class would not compile.
    assertError(
        select("  @Branch <T> String line(T v) { return String.valueOf(v); }"),
        "line(",
        "[KYOTO-SELECT-011] a select handler may not declare type variables: the generated select"
            + " names its value types, found <T>");
  }

  @Test
  void select012PrivateValueType() {
    assertError(
        select(
            """
              private record Msg(String text) {}
              @Branch String line(java.util.List<Msg> v) { return ""; }
            """),
        "line(",
        "[KYOTO-SELECT-012] the type `demo.Events.Msg` is private: the generated select, a"
            + " class of its own in the same package, must name it");
  }

  @Test
  void select012PrivateReturnType() {
    assertError(
        select(
            """
              private record Msg(String text) {}
              @Branch Msg line(String v) { return new Msg(v); }
            """),
        "line(",
        "[KYOTO-SELECT-012] the type `demo.Events.Msg` is private");
  }

  @Test
  void select013ThrowsThrowable() {
    // poll(Context) may throw only an Exception: a handler declaring Throwable cannot be called.
    assertError(
        select(
            """
              @Branch String line(String v) throws java.io.IOException { return v; }
              @Else String idle() throws Throwable { return ""; }
            """),
        "idle(",
        "[KYOTO-SELECT-013] a select handler may throw only exceptions (subclasses of"
            + " `Exception`), found `java.lang.Throwable`: the generated future's poll cannot"
            + " throw it");
  }

  @Test
  void select014LocalClass() {
    // javac does not show classes declared in a method body to processors: without this error no
    // select is generated, and the only error is javac's "cannot find symbol" for its use.
    assertError(
        """
        package demo;

        import io.kyoto.runtime.Future;
        import io.kyoto.runtime.Futures;
        import io.kyoto.runtime.annotation.Branch;
        import io.kyoto.runtime.annotation.Select;

        final class Events {
          Future<String> next() {
            @Select
            class Local {
              @Branch String line(String v) { return v; }
            }
            return Events_Local_Select.of(new Local(), Futures.ready("x"));
          }
        }
        """,
        "@Select",
        "[KYOTO-SELECT-014] a `@Select` type may not be local, or nested in a local or anonymous"
            + " class: annotation processors do not see the local class `Local`, so no select would"
            + " be generated for it; declare it top level or static nested");
  }

  @Test
  void select014NestedInAnAnonymousClassQualifiedName() {
    assertError(
        """
        package demo;

        class Events {
          final Object handlers = new Object() {
            @io.kyoto.runtime.annotation.Select
            interface Local {
              @io.kyoto.runtime.annotation.Branch
              default String line(String v) { return v; }
            }
          };
        }
        """,
        "@io.kyoto.runtime.annotation.Select",
        "[KYOTO-SELECT-014] a `@Select` type may not be local, or nested in a local or anonymous"
            + " class: annotation processors do not see `Local`, nested in an anonymous class, so"
            + " no select would be generated for it; declare it top level or static nested");
  }

  @Test
  void select014LocalInterfaceOnDemandImport() {
    assertError(
        """
        package demo;

        import io.kyoto.runtime.annotation.*;

        class Events {
          void run() {
            @Select
            interface Local {
              @Branch default String line(String v) { return v; }
            }
          }
        }
        """,
        "@Select",
        "[KYOTO-SELECT-014] a `@Select` type may not be local, or nested in a local or anonymous"
            + " class: annotation processors do not see the local interface `Local`");
  }

  @Test
  void select009InAnAnonymousClass() {
    assertError(
        """
        package demo;

        import io.kyoto.runtime.annotation.Branch;

        class Events {
          final Object handlers = new Object() {
            @Branch String line(String v) { return v; }
          };
        }
        """,
        "@Branch",
        "[KYOTO-SELECT-009] `@Branch` is only allowed in a type annotated `@Select`");
  }

  @Test
  void anotherSelectAnnotationOnALocalClassIsNotReported() {
    // Processors see local classes' annotations as written, unresolved: a Select of the user's
    // own, single-type imported or in the same package, shadows io.kyoto.runtime.annotation.*.
    String imported =
        """
        package demo;

        import io.kyoto.runtime.annotation.*;
        import other.Select;

        class Events {
          void run() {
            @Select class Local {}
          }
        }
        """;
    String samePackage =
        """
        package demo;

        import io.kyoto.runtime.annotation.*;

        class Branches {
          void run() {
            @Select class Local {}
          }
        }
        """;
    Compilation c =
        compile(
            source("other.Select", "package other; public @interface Select {}"),
            source("demo.Select", "package demo; @interface Select {}"),
            source("demo.Events", imported),
            source("demo.Branches", samePackage));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void reportsAllErrorsOfOneType() {
    String text =
        select(
            """
              @Branch static String line(String v) { return v; }
              @Branch Integer count(int a, int b) { return 1; }
            """);
    Compilation c = compile(source("demo.Events", text));
    assertThat(c).failed();
    assertThat(c).hadErrorCount(3);
  }
}
