package io.kyoto.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.kyoto.processor.internal.Diagnostic;
import io.kyoto.processor.internal.Diagnostics;
import io.kyoto.processor.internal.LocalDeclarations;
import io.kyoto.processor.internal.Model;
import io.kyoto.processor.internal.RuntimeOptions;
import io.kyoto.processor.internal.TypeProcessor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Processor;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * Expands {@code @io.kyoto.runtime.annotation.AsyncMain} (tokio's {@code #[tokio::main]}) into a
 * launcher class {@code <Type>_Main} in the method's package, whose {@code main(String[])} builds a
 * runtime, blocks on the method's future, closes the runtime and sets the exit status.
 *
 * <p>The processor never claims the annotation, so other processors can see it too.
 */
@AutoService(Processor.class)
public final class AsyncMainProcessor extends TypeProcessor {
  static final String ANNOTATION = "io.kyoto.runtime.annotation.AsyncMain";

  /** Creates the processor; javac calls this through the service loader. */
  public AsyncMainProcessor() {
    super(ANNOTATION);
  }

  @Override
  protected void reportLocal(LocalDeclarations.Found found) {
    error(found, found.declaration(), Diagnostics.MAIN_008_LOCAL_CLASS.formatted(found.where()));
  }

  @Override
  protected void processType(TypeElement type, boolean lastRound) {
    List<ExecutableElement> methods = annotatedMethodsOrDefer(type, ANNOTATION, lastRound);
    if (methods == null || methods.isEmpty()) {
      return;
    }
    List<Diagnostic> report = new ArrayList<>();
    for (int i = 1; i < methods.size(); i++) {
      report.add(
          new Diagnostic(
              Diagnostics.MAIN_006_DUPLICATE.formatted(
                  type.getSimpleName(), methods.get(0).getSimpleName()),
              methods.get(i),
              Model.mirror(methods.get(i), ANNOTATION),
              null));
    }
    ExecutableElement method = methods.get(0);
    RuntimeOptions options = validate(type, method, report);
    Diagnostics.print(processingEnv.getMessager(), report);
    if (report.isEmpty()) {
      write(type, method, options);
    }
  }

  private RuntimeOptions validate(
      TypeElement type, ExecutableElement method, List<Diagnostic> report) {
    AnnotationMirror mirror = Model.mirror(method, ANNOTATION);
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      report.add(new Diagnostic(Diagnostics.MAIN_001_NOT_STATIC, method, null, null));
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      report.add(new Diagnostic(Diagnostics.MAIN_002_PRIVATE, method, null, null));
    }
    TypeMirror thrown =
        Model.thrownNonException(
            processingEnv.getElementUtils(), processingEnv.getTypeUtils(), method);
    if (thrown != null) {
      report.add(new Diagnostic(Diagnostics.MAIN_007_THROWS.formatted(thrown), method, null, null));
    }
    TypeMirror returnType = method.getReturnType();
    if (!Model.isFuture(
        processingEnv.getElementUtils(), processingEnv.getTypeUtils(), returnType)) {
      report.add(
          new Diagnostic(
              Diagnostics.MAIN_003_RETURN_TYPE.formatted(returnType), method, null, null));
    }
    if (!takesArgs(method) && !method.getParameters().isEmpty()) {
      report.add(
          new Diagnostic(
              Diagnostics.MAIN_004_PARAMETERS.formatted(Model.parameters(method)),
              method,
              null,
              null));
    }
    if (!Model.reachable(type)) {
      report.add(
          new Diagnostic(
              Diagnostics.MAIN_005_ENCLOSING_TYPE.formatted(type.getQualifiedName()),
              method,
              null,
              null));
    }
    return RuntimeOptions.read(processingEnv.getElementUtils(), method, mirror, report);
  }

  private boolean takesArgs(ExecutableElement method) {
    // By element, not by toString: a TYPE_USE annotation (@NonNull String[]) shows in toString.
    return method.getParameters().size() == 1
        && method.getParameters().get(0).asType() instanceof ArrayType array
        && array.getComponentType() instanceof DeclaredType component
        && component.asElement() instanceof TypeElement element
        && element.getQualifiedName().contentEquals("java.lang.String");
  }

  private void write(TypeElement type, ExecutableElement method, RuntimeOptions options) {
    ClassName user = ClassName.get(type);
    String name = Model.flatName(type) + "_Main";
    // Lazy, so that the method itself runs inside the runtime (as tokio's main body does): it may
    // spawn tasks or bind sockets before returning its future.
    CodeBlock call =
        CodeBlock.of(
            "$T.lazy(() -> $T.$N($L))",
            RuntimeOptions.FUTURES,
            user,
            method.getSimpleName().toString(),
            takesArgs(method) ? "args" : "");
    MethodSpec main =
        MethodSpec.methodBuilder("main")
            .addJavadoc(
                "Runs {@link $T#$L} to completion on a new runtime, then exits with status 1 if it"
                    + " failed, or with its value if that is an {@link Integer}.\n\n"
                    + "@param args the command-line arguments\n",
                user,
                method.getSimpleName() + (takesArgs(method) ? "(String[])" : "()"))
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(ArrayTypeName.of(String.class), "args")
            .addStatement("$T result", Object.class)
            .beginControlFlow("try ($T runtime = $L)", RuntimeOptions.RUNTIME, options.builder())
            .addStatement("result = runtime.blockOn($L)", call)
            .nextControlFlow("catch ($T failure)", Throwable.class)
            .addStatement("failure.printStackTrace()")
            .addStatement("$T.exit(1)", System.class)
            .addStatement("return")
            .endControlFlow()
            .beginControlFlow("if (result instanceof $T status)", Integer.class)
            .addStatement("$T.exit(status)", System.class)
            .endControlFlow()
            .build();
    TypeSpec launcher =
        TypeSpec.classBuilder(name)
            .addJavadoc(
                "The launcher of {@link $T}'s {@code @AsyncMain} method: run it with {@code java"
                    + " $L}.\n",
                user,
                user.packageName().isEmpty() ? name : user.packageName() + "." + name)
            .addAnnotations(
                Model.generated(processingEnv.getElementUtils(), method, AsyncMainProcessor.class))
            .addAnnotation(Model.suppressDeprecation())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addOriginatingElement(type)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addJavadoc("Not instantiable.\n")
                    .addModifiers(Modifier.PRIVATE)
                    .build())
            .addMethod(main)
            .build();
    try {
      JavaFile.builder(user.packageName(), launcher)
          // Import java.lang types explicitly: a single-type import shadows a type of the same
          // name in the user's package (an Error record, a System class); java.lang's does not.
          .skipJavaLangImports(false)
          .indent("  ")
          .build()
          .writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      processingEnv
          .getMessager()
          .printMessage(
              javax.tools.Diagnostic.Kind.ERROR,
              Diagnostics.GEN_001_WRITE_FAILED.formatted(name, e.getMessage()),
              type);
    }
  }
}
