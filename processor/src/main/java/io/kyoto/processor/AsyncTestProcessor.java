package io.kyoto.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.AnnotationSpec;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Processor;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Expands {@code @io.kyoto.runtime.annotation.AsyncTest} (tokio's {@code #[tokio::test]}) into a
 * JUnit Jupiter test class {@code <Type>_AsyncTest} that extends the user's class and declares one
 * {@code @Test} per annotated method; each builds a fresh runtime, blocks on the method's future
 * (with the optional timeout, through {@code Time.timeoutWithDump}, whose failure describes what
 * was pending) and closes the runtime.
 *
 * <p>The processor never claims the annotation, so other processors can see it too.
 */
@AutoService(Processor.class)
public final class AsyncTestProcessor extends TypeProcessor {
  static final String ANNOTATION = "io.kyoto.runtime.annotation.AsyncTest";

  private static final String TESTABLE = "org.junit.platform.commons.annotation.Testable";
  private static final String NESTED = "org.junit.jupiter.api.Nested";
  private static final ClassName TEST = ClassName.get("org.junit.jupiter.api", "Test");
  private static final ClassName DISPLAY_NAME =
      ClassName.get("org.junit.jupiter.api", "DisplayName");
  private static final ClassName TIME = ClassName.get("io.kyoto.runtime", "Time");
  private static final ClassName DURATION = ClassName.get("java.time", "Duration");

  /** Creates the processor; javac calls this through the service loader. */
  public AsyncTestProcessor() {
    super(ANNOTATION);
  }

  @Override
  protected void reportLocal(LocalDeclarations.Found found) {
    error(found, found.declaration(), Diagnostics.TEST_014_LOCAL_CLASS.formatted(found.where()));
  }

  @Override
  protected void processType(TypeElement type, boolean lastRound) {
    List<ExecutableElement> methods = annotatedMethodsOrDefer(type, ANNOTATION, lastRound);
    if (methods == null || methods.isEmpty()) {
      return;
    }
    List<Diagnostic> report = new ArrayList<>();
    validateClass(type, report);
    List<RuntimeOptions> options = new ArrayList<>();
    for (ExecutableElement method : methods) {
      options.add(validateMethod(method, report));
    }
    checkNameable(type, jupiterAnnotations(type, true), report);
    for (ExecutableElement method : methods) {
      checkNameable(method, jupiterAnnotations(method, false), report);
    }
    Diagnostics.print(processingEnv.getMessager(), report);
    if (report.isEmpty()) {
      write(type, methods, options);
    }
  }

  private void validateClass(TypeElement type, List<Diagnostic> report) {
    Set<Modifier> modifiers = type.getModifiers();
    String problem = null;
    if (type.getKind() != ElementKind.CLASS) {
      problem =
          switch (type.getKind()) {
            case INTERFACE -> "an interface";
            case ENUM -> "an enum";
            case ANNOTATION_TYPE -> "an annotation interface";
            default -> "a " + type.getKind().toString().toLowerCase(java.util.Locale.ROOT);
          };
    } else if (modifiers.contains(Modifier.FINAL)) {
      problem = "final";
    } else if (modifiers.contains(Modifier.SEALED)) {
      problem = "sealed";
    } else if (type.getNestingKind() == javax.lang.model.element.NestingKind.MEMBER
        && !modifiers.contains(Modifier.STATIC)
        && !modifiers.contains(Modifier.PRIVATE)
        && Model.mirror(type, NESTED) != null) {
      problem =
          "a JUnit `@Nested` inner class; declare it `static` (and drop `@Nested`): its generated"
              + " test `"
              + Model.flatName(type)
              + "_AsyncTest` then runs as a test class of its own";
    } else if (!Model.reachable(type)) {
      problem = "private, local or an inner (non-static) class";
    }
    if (problem != null) {
      report.add(
          new Diagnostic(
              Diagnostics.TEST_006_CLASS_NOT_EXTENDABLE.formatted(type.getSimpleName(), problem),
              type,
              null,
              null));
      return;
    }
    List<ExecutableElement> constructors = ElementFilter.constructorsIn(type.getEnclosedElements());
    boolean usable =
        constructors.stream()
            .anyMatch(
                c ->
                    c.getParameters().isEmpty()
                        && !c.getModifiers().contains(Modifier.PRIVATE)
                        && c.getThrownTypes().stream().noneMatch(this::isChecked));
    if (!usable) {
      report.add(new Diagnostic(Diagnostics.TEST_007_NO_CONSTRUCTOR, type, null, null));
    }
    if (modifiers.contains(Modifier.ABSTRACT)) {
      List<String> left = unimplemented(type);
      if (!left.isEmpty()) {
        report.add(
            new Diagnostic(
                Diagnostics.TEST_011_ABSTRACT_METHODS.formatted(
                    type.getSimpleName(), String.join(", ", left)),
                type,
                null,
                null));
      }
    } else {
      for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
        if (Model.mirror(m, ANNOTATION) != null) {
          continue; // a JUnit test annotation on an @AsyncTest method has its own error, TEST-013
        }
        for (AnnotationMirror a : m.getAnnotationMirrors()) {
          if (isTestable(a.getAnnotationType().asElement(), new HashSet<>())) {
            report.add(
                new Diagnostic(
                    Diagnostics.TEST_008_TESTS_RUN_TWICE.formatted(
                        type.getSimpleName(), m.getSimpleName()),
                    m,
                    a,
                    null));
          }
        }
      }
    }
  }

  /** The abstract methods {@code type} declares or inherits without implementing, sorted. */
  private List<String> unimplemented(TypeElement type) {
    var elements = processingEnv.getElementUtils();
    List<ExecutableElement> methods = ElementFilter.methodsIn(elements.getAllMembers(type));
    List<String> left = new ArrayList<>();
    for (ExecutableElement m : methods) {
      if (!m.getModifiers().contains(Modifier.ABSTRACT) || Model.mirror(m, ANNOTATION) != null) {
        continue; // an abstract @AsyncTest method has its own error, TEST-003
      }
      boolean implemented =
          methods.stream()
              .anyMatch(
                  c ->
                      c != m
                          && !c.getModifiers().contains(Modifier.ABSTRACT)
                          && elements.overrides(c, m, type));
      if (!implemented) {
        left.add("`" + m.getSimpleName() + "(" + Model.parameters(m) + ")`");
      }
    }
    left.sort(null);
    return left;
  }

  private boolean isChecked(TypeMirror thrown) {
    var types = processingEnv.getTypeUtils();
    var elements = processingEnv.getElementUtils();
    TypeMirror runtimeException = elements.getTypeElement("java.lang.RuntimeException").asType();
    TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
    return !types.isSubtype(thrown, runtimeException) && !types.isSubtype(thrown, error);
  }

  /** Whether {@code annotation} is JUnit's {@code @Testable} or meta-annotated with it. */
  private static boolean isTestable(Element annotation, Set<Element> seen) {
    return isMetaAnnotated(annotation, TESTABLE, seen);
  }

  /**
   * The JUnit annotations (or annotations composed of them) on {@code element} that the generated
   * code repeats, except the test kinds: on the class, those Java does not inherit but {@code
   * Nested}; on a method, all.
   */
  private static List<AnnotationMirror> jupiterAnnotations(Element element, boolean onClass) {
    List<AnnotationMirror> copied = new ArrayList<>();
    for (AnnotationMirror a : element.getAnnotationMirrors()) {
      Element annotation = a.getAnnotationType().asElement();
      if (isJupiter(annotation, new HashSet<>())
          && !isTestable(annotation, new HashSet<>())
          && (!onClass
              || (Model.mirror(annotation, "java.lang.annotation.Inherited") == null
                  // the generated class is top level, which @Nested may not mark
                  && !isMetaAnnotated(annotation, NESTED, new HashSet<>())))) {
        copied.add(a);
      }
    }
    return copied;
  }

  /** Reports each annotation in {@code copied} that names a type the generated code cannot. */
  private static void checkNameable(
      Element element, List<AnnotationMirror> copied, List<Diagnostic> report) {
    for (AnnotationMirror a : copied) {
      TypeElement hidden = privateTypeIn(a);
      if (hidden != null) {
        report.add(
            new Diagnostic(
                Diagnostics.TEST_012_PRIVATE_IN_ANNOTATION.formatted(
                    a.getAnnotationType(), hidden.getQualifiedName(), hidden.getQualifiedName()),
                element,
                a,
                null));
      }
    }
  }

  /** The first private type {@code a} names: its own type or a class or enum in its values. */
  private static TypeElement privateTypeIn(AnnotationMirror a) {
    TypeElement hidden = Model.privateTypeIn(a.getAnnotationType());
    for (AnnotationValue v : a.getElementValues().values()) {
      if (hidden == null) {
        hidden = privateTypeIn(v.getValue());
      }
    }
    return hidden;
  }

  private static TypeElement privateTypeIn(Object value) {
    return switch (value) {
      case TypeMirror t -> Model.privateTypeIn(t);
      case VariableElement enumConstant -> Model.privateTypeIn(enumConstant.asType());
      case AnnotationMirror nested -> privateTypeIn(nested);
      case List<?> values ->
          values.stream()
              .map(v -> privateTypeIn(((AnnotationValue) v).getValue()))
              .filter(java.util.Objects::nonNull)
              .findFirst()
              .orElse(null);
      default -> null;
    };
  }

  /** Whether {@code annotation} is a JUnit annotation or meta-annotated with one. */
  private static boolean isJupiter(Element annotation, Set<Element> seen) {
    if (!(annotation instanceof TypeElement type) || !seen.add(type)) {
      return false;
    }
    if (type.getQualifiedName().toString().startsWith("org.junit.")) {
      return true;
    }
    for (AnnotationMirror meta : type.getAnnotationMirrors()) {
      if (isJupiter(meta.getAnnotationType().asElement(), seen)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code annotation} is {@code name} or meta-annotated with it. */
  private static boolean isMetaAnnotated(Element annotation, String name, Set<Element> seen) {
    if (!(annotation instanceof TypeElement type) || !seen.add(type)) {
      return false;
    }
    if (type.getQualifiedName().contentEquals(name)) {
      return true;
    }
    for (AnnotationMirror meta : type.getAnnotationMirrors()) {
      if (isMetaAnnotated(meta.getAnnotationType().asElement(), name, seen)) {
        return true;
      }
    }
    return false;
  }

  private RuntimeOptions validateMethod(ExecutableElement method, List<Diagnostic> report) {
    Set<Modifier> modifiers = method.getModifiers();
    if (modifiers.contains(Modifier.STATIC)) {
      report.add(new Diagnostic(Diagnostics.TEST_001_STATIC, method, null, null));
    }
    if (modifiers.contains(Modifier.PRIVATE)) {
      report.add(new Diagnostic(Diagnostics.TEST_002_PRIVATE, method, null, null));
    }
    if (modifiers.contains(Modifier.ABSTRACT)) {
      report.add(new Diagnostic(Diagnostics.TEST_003_ABSTRACT, method, null, null));
    }
    TypeMirror thrown =
        Model.thrownNonException(
            processingEnv.getElementUtils(), processingEnv.getTypeUtils(), method);
    if (thrown != null) {
      report.add(new Diagnostic(Diagnostics.TEST_010_THROWS.formatted(thrown), method, null, null));
    }
    for (AnnotationMirror a : method.getAnnotationMirrors()) {
      if (isTestable(a.getAnnotationType().asElement(), new HashSet<>())) {
        report.add(
            new Diagnostic(
                Diagnostics.TEST_013_ALSO_A_TEST.formatted(
                    method.getSimpleName(), a.getAnnotationType()),
                method,
                a,
                null));
      }
    }
    TypeMirror returnType = method.getReturnType();
    if (!Model.isFuture(
        processingEnv.getElementUtils(), processingEnv.getTypeUtils(), returnType)) {
      report.add(
          new Diagnostic(
              Diagnostics.TEST_004_RETURN_TYPE.formatted(returnType), method, null, null));
    }
    if (!method.getParameters().isEmpty()) {
      report.add(
          new Diagnostic(
              Diagnostics.TEST_005_PARAMETERS.formatted(Model.parameters(method)),
              method,
              null,
              null));
    }
    return RuntimeOptions.read(
        processingEnv.getElementUtils(), method, Model.mirror(method, ANNOTATION), report);
  }

  private void write(
      TypeElement type, List<ExecutableElement> methods, List<RuntimeOptions> options) {
    ClassName user = ClassName.get(type);
    String name = Model.flatName(type) + "_AsyncTest";
    TypeSpec.Builder test =
        TypeSpec.classBuilder(name)
            .addJavadoc(
                "Runs the {@code @AsyncTest} methods of {@link $T} as JUnit Jupiter tests, each on a"
                    + " fresh runtime.\n",
                user)
            .addAnnotations(
                Model.generated(processingEnv.getElementUtils(), type, AsyncTestProcessor.class))
            .addAnnotation(Model.suppressForSubclass())
            .superclass(user)
            // The test extends the user's class: its member types (a record named Test, Time...)
            // would shadow the imports, so such names are written qualified.
            .avoidClashesWithNestedClasses(type)
            .addOriginatingElement(type);
    // Jupiter looks for the annotations that are not @Inherited (@Disabled, @DisplayName, the
    // @Enabled*/@Disabled* conditions) on the test class itself, which is this subclass.
    for (AnnotationMirror a : jupiterAnnotations(type, true)) {
      test.addAnnotation(AnnotationSpec.get(a));
    }
    test.addMethod(
        MethodSpec.constructorBuilder()
            .addJavadoc("Creates an instance of the test class; JUnit calls this for each test.\n")
            .build());
    // Names of the no-argument methods the test class inherits: a generated m_async() must not
    // override one of the user's own (a JUnit test named so would silently stop running).
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (javax.lang.model.element.Element e : processingEnv.getElementUtils().getAllMembers(type)) {
      if (e instanceof ExecutableElement m
          && m.getKind() == javax.lang.model.element.ElementKind.METHOD
          && m.getParameters().isEmpty()) {
        taken.add(m.getSimpleName().toString());
      }
    }
    for (int i = 0; i < methods.size(); i++) {
      ExecutableElement method = methods.get(i);
      RuntimeOptions o = options.get(i);
      String userName = method.getSimpleName().toString();
      String testName = userName + "_async";
      for (int k = 2; taken.contains(testName); k++) {
        testName = userName + "_async" + k;
      }
      taken.add(testName);
      // Lazy, so that the method runs inside the runtime: it may spawn tasks or bind sockets.
      CodeBlock call = CodeBlock.of("super.$N()", userName);
      if (o.timeoutMillis() > 0) {
        // On expiry the runtime describes the pending future and dumps the alive tasks into the
        // TimeoutException's message: "@AsyncTest Spec.m() timed out after N ms ...".
        call =
            CodeBlock.of(
                "$T.timeoutWithDump($T.ofMillis($L), $S, $L)",
                TIME,
                DURATION,
                o.timeoutMillis(),
                "@AsyncTest " + type.getSimpleName() + "." + userName + "()",
                call);
      }
      call = CodeBlock.of("$T.lazy(() -> $L)", RuntimeOptions.FUTURES, call);
      MethodSpec.Builder spec = MethodSpec.methodBuilder(testName).addAnnotation(TEST);
      // Jupiter reads annotations from the method it runs, this one: the user's @Disabled, @Tag,
      // @Timeout, @DisplayName... (or composed ones) on the @AsyncTest method must be here.
      boolean named = false;
      for (AnnotationMirror a : jupiterAnnotations(method, false)) {
        spec.addAnnotation(AnnotationSpec.get(a));
        named |=
            isMetaAnnotated(
                a.getAnnotationType().asElement(), DISPLAY_NAME.canonicalName(), new HashSet<>());
      }
      if (!named) {
        spec.addAnnotation(
            AnnotationSpec.builder(DISPLAY_NAME).addMember("value", "$S", userName + "()").build());
      }
      test.addMethod(
          spec.addJavadoc(
                  "Runs {@code $N()} on a fresh runtime$L.\n\n"
                      + "@throws Exception what the test's future fails with\n",
                  userName,
                  o.timeoutMillis() > 0 ? ", for at most " + o.timeoutMillis() + " ms" : "")
              .addException(Exception.class)
              .beginControlFlow("try ($T runtime = $L)", RuntimeOptions.RUNTIME, o.builder())
              .addStatement("runtime.blockOn($L)", call)
              .endControlFlow()
              .build());
    }
    try {
      JavaFile.builder(user.packageName(), test.build())
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
