package io.kyoto.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles sources with both Kyoto processors. */
final class ProcessorTestSupport {
  private ProcessorTestSupport() {}

  static JavaFileObject source(String qualifiedName, String text) {
    return JavaFileObjects.forSourceString(qualifiedName, text);
  }

  static Compilation compile(JavaFileObject... sources) {
    return javac()
        .withProcessors(new AsyncMainProcessor(), new AsyncTestProcessor(), new SelectProcessor())
        .withOptions("-Xlint:all", "-Xlint:-processing", "-Werror")
        .compile(sources);
  }

  /** {@return the 1-based line of the first line of {@code text} containing {@code marker}} */
  static long lineOf(String text, String marker) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line contains " + marker);
  }
}
