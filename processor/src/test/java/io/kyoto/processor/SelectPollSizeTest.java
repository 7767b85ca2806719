package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated {@code poll()} stays within HotSpot's inlining limit for hot methods ({@code
 * -XX:FreqInlineSize}, 325 bytecodes on x86-64 and AArch64) for selects of up to six branches (five
 * with {@code disableOnNull}), so C2 can inline it into the awaiting code and scalar-replace the
 * select: an awaited select then allocates nothing ({@code SelectJmh.generated}, 0 B/op). A
 * 344-byte {@code poll()} for four branches once made that benchmark allocate 116 B/op and run
 * twice as long.
 */
class SelectPollSizeTest {
  private static final int FREQ_INLINE_SIZE = 325;

  private static int pollSize(int branches, boolean disableOnNull) throws Exception {
    StringBuilder src =
        new StringBuilder(
            """
            package demo;

            import io.kyoto.runtime.annotation.Branch;
            import io.kyoto.runtime.annotation.Select;

            @Select
            public class Many {
            """);
    for (int i = 0; i < branches; i++) {
      src.append(
          disableOnNull
              ? "  @Branch(disableOnNull = true) Integer b" + i + "(Integer v) { return v; }\n"
              : "  @Branch Integer b" + i + "(Integer v) { return v; }\n");
    }
    src.append("}\n");
    Compilation c = compile(source("demo.Many", src.toString()));
    assertThat(c).succeededWithoutWarnings();
    JavaFileObject file =
        c.generatedFile(javax.tools.StandardLocation.CLASS_OUTPUT, "demo/Many_Select.class")
            .orElseThrow();
    byte[] bytes;
    try (InputStream in = file.openInputStream()) {
      bytes = in.readAllBytes();
    }
    ClassModel model = ClassFile.of().parse(bytes);
    for (MethodModel m : model.methods()) {
      if (m.methodName().equalsString("poll")
          && m.methodType().stringValue().startsWith("(Lio/kyoto/runtime/Context;)")) {
        CodeModel code = m.code().orElseThrow();
        return ((java.lang.classfile.attribute.CodeAttribute) code).codeLength();
      }
    }
    throw new AssertionError("no poll(Context) in Many_Select");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void pollFitsTheInliningLimit(int branches) throws Exception {
    int size = pollSize(branches, false);
    assertTrue(
        size <= FREQ_INLINE_SIZE,
        branches + " branches: poll() is " + size + " bytes, over " + FREQ_INLINE_SIZE);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void pollWithDisableOnNullBranchesFitsTheInliningLimit(int branches) throws Exception {
    int size = pollSize(branches, true);
    assertTrue(
        size <= FREQ_INLINE_SIZE,
        branches + " branches: poll() is " + size + " bytes, over " + FREQ_INLINE_SIZE);
  }
}
