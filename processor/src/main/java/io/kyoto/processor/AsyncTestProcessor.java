package io.kyoto.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import io.kyoto.processor.internal.Diagnostic;
import io.kyoto.processor.internal.Diagnostics;
import io.kyoto.processor.internal.DisplayNames;
import io.kyoto.processor.internal.LocalDeclarations;
import io.kyoto.processor.internal.Model;
import io.kyoto.processor.internal.RuntimeOptions;
import io.kyoto.processor.internal.TypeProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.StandardLocation;

/**
 * Expands {@code @io.kyoto.runtime.annotation.AsyncTest} (tokio's {@code #[tokio::test]}) into a
 * JUnit Jupiter test class {@code <Type>_AsyncTest} that extends the user's class and declares one
 * test per annotated method, a {@code @Test} or, when the method is also a test template
 * ({@code @ParameterizedTest}, {@code @RepeatedTest}...), that template, with the method's
 * parameters; each invocation builds a fresh runtime, blocks on the method's future (with the
 * optional timeout, through {@code Time.timeoutWithDump}, whose failure describes what was pending)
 * and shuts the runtime down: waiting for every blocking job if the test passed ({@code close()},
 * as dropping a tokio runtime), at most 1 s if it failed ({@code shutdownTimeout}), adding to the
 * failure, as suppressed, how many blocking threads were left running.
 *
 * <p>The tests of a class include the {@code @AsyncTest} methods it inherits, as JUnit's do: an
 * abstract class gets no test of its own, each concrete class compiled with it that extends it gets
 * one (and a warning says when there is none); an override replaces the inherited method.
 *
 * <p>The processor never claims the annotation, so other processors can see it too.
 */
@AutoService(Processor.class)
public final class AsyncTestProcessor extends TypeProcessor {
  static final String ANNOTATION = "io.kyoto.runtime.annotation.AsyncTest";

  /**
   * The processor option naming JUnit's default display name generator, as {@value
   * #DEFAULT_GENERATOR_PARAMETER} does; it overrides {@value #JUNIT_PROPERTIES}.
   */
  static final String DISPLAY_NAME_GENERATOR_OPTION = "kyoto.displayNameGenerator";

  /** JUnit's configuration parameter naming the default display name generator. */
  static final String DEFAULT_GENERATOR_PARAMETER = "junit.jupiter.displayname.generator.default";

  /** The class path resource JUnit reads its configuration parameters from. */
  static final String JUNIT_PROPERTIES = "junit-platform.properties";

  private static final String TESTABLE = "org.junit.platform.commons.annotation.Testable";
  private static final String NESTED = "org.junit.jupiter.api.Nested";
  private static final String TEST_TEMPLATE = "org.junit.jupiter.api.TestTemplate";
  private static final String METHOD_SOURCE = "org.junit.jupiter.params.provider.MethodSource";
  private static final String METHOD_SOURCES = "org.junit.jupiter.params.provider.MethodSources";
  private static final String FIELD_SOURCE = "org.junit.jupiter.params.provider.FieldSource";
  private static final String FIELD_SOURCES = "org.junit.jupiter.params.provider.FieldSources";

  /**
   * The names the body of a generated test uses besides its parameters: a parameter named so would
   * obscure the type (or package) the body names, and is renamed in the generated test.
   */
  private static final Set<String> BODY_NAMES =
      Set.of("Runtime", "Futures", "Time", "Duration", "io", "java");

  private static final ClassName TEST = ClassName.get("org.junit.jupiter.api", "Test");
  private static final ClassName DISPLAY_NAME =
      ClassName.get("org.junit.jupiter.api", "DisplayName");
  private static final ClassName TIME = ClassName.get("io.kyoto.runtime", "Time");
  private static final ClassName DURATION = ClassName.get("java.time", "Duration");

  /**
   * How long a failed test's runtime waits for its blocking jobs before leaving them behind (a
   * passed test's waits without limit, as dropping a tokio runtime does): a job cannot be
   * interrupted, and one that hangs (a read of a FIFO nobody writes, a long sleep) would otherwise
   * hold the failure, and the build, for as long as it runs.
   */
  static final long FAILURE_GRACE_MILLIS = 1_000;

  /** Creates the processor; javac calls this through the service loader. */
  public AsyncTestProcessor() {
    super(ANNOTATION);
  }

  @Override
  protected void reportLocal(LocalDeclarations.Found found) {
    error(found, found.declaration(), Diagnostics.TEST_014_LOCAL_CLASS.formatted(found.where()));
  }

  /** The qualified names of the classes this processor generated. */
  private final Set<String> generatedNames = new HashSet<>();

  /** The abstract classes with valid {@code @AsyncTest} methods, by qualified name. */
  private final Set<String> abstractBases = new TreeSet<>();

  /** The qualified names of the superclasses of the concrete classes compiled. */
  private final Set<String> subclassed = new HashSet<>();

  /** Computes JUnit's display names; created on first use, once the environment is known. */
  private DisplayNames displayNames;

  private DisplayNames displayNames() {
    if (displayNames == null) {
      displayNames =
          new DisplayNames(
              processingEnv.getElementUtils(),
              processingEnv.getTypeUtils(),
              defaultGenerator(),
              warning ->
                  processingEnv
                      .getMessager()
                      .printMessage(javax.tools.Diagnostic.Kind.WARNING, warning));
    }
    return displayNames;
  }

  /** {@return the processor's option, {@value #DISPLAY_NAME_GENERATOR_OPTION}} */
  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(DISPLAY_NAME_GENERATOR_OPTION);
  }

  /**
   * {@return the default display name generator configured for JUnit, or null for JUnit's own} The
   * option {@value #DISPLAY_NAME_GENERATOR_OPTION} if given, else the configuration parameter
   * {@value #DEFAULT_GENERATOR_PARAMETER} of the first {@value #JUNIT_PROPERTIES} found in the
   * class output (Maven copies the test resources into the test compilation's output before it
   * runs), then on the class path, as JUnit would find it on the test run's class path.
   */
  private DisplayNames.Configured defaultGenerator() {
    var options = processingEnv.getOptions();
    if (options.containsKey(DISPLAY_NAME_GENERATOR_OPTION)) {
      return new DisplayNames.Configured(
          options.get(DISPLAY_NAME_GENERATOR_OPTION), "`-A" + DISPLAY_NAME_GENERATOR_OPTION + "`");
    }
    for (var location : List.of(StandardLocation.CLASS_OUTPUT, StandardLocation.CLASS_PATH)) {
      Properties properties = new Properties();
      try (InputStream in =
          processingEnv.getFiler().getResource(location, "", JUNIT_PROPERTIES).openInputStream()) {
        properties.load(in);
      } catch (IOException | IllegalArgumentException e) {
        continue; // not there (or not a properties file): normal
      }
      String value = properties.getProperty(DEFAULT_GENERATOR_PARAMETER);
      return value == null
          ? null
          : new DisplayNames.Configured(
              value, "`" + DEFAULT_GENERATOR_PARAMETER + "` in " + JUNIT_PROPERTIES);
    }
    return null;
  }

  /**
   * {@return the concrete classes of the round that inherit {@code @AsyncTest} methods} They get a
   * generated test of their own, as JUnit runs the tests a class inherits; the classes that declare
   * {@code @AsyncTest} methods are expanded anyway.
   */
  @Override
  protected List<TypeElement> moreTypes(RoundEnvironment round) {
    List<TypeElement> all = new ArrayList<>();
    addTypes(ElementFilter.typesIn(round.getRootElements()), all);
    List<TypeElement> inheriting = new ArrayList<>();
    for (TypeElement type : all) {
      if (type.getKind() != ElementKind.CLASS
          || type.getModifiers().contains(Modifier.ABSTRACT)
          || generatedNames.contains(type.getQualifiedName().toString())) {
        continue;
      }
      for (TypeElement c = superclass(type); c != null; c = superclass(c)) {
        subclassed.add(c.getQualifiedName().toString());
      }
      if (effectiveMethods(type).stream().anyMatch(m -> !m.getEnclosingElement().equals(type))) {
        inheriting.add(type);
      }
    }
    return inheriting;
  }

  private static void addTypes(java.util.Collection<TypeElement> types, List<TypeElement> all) {
    for (TypeElement type : types) {
      all.add(type);
      addTypes(ElementFilter.typesIn(type.getEnclosedElements()), all);
    }
  }

  /**
   * On the last round, warns of the abstract classes whose {@code @AsyncTest} methods never run.
   */
  @Override
  protected void beforeTypes(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (!round.processingOver()) {
      return;
    }
    for (String name : abstractBases) {
      TypeElement base = processingEnv.getElementUtils().getTypeElement(name);
      if (base != null && !subclassed.contains(name)) {
        processingEnv
            .getMessager()
            .printMessage(
                javax.tools.Diagnostic.Kind.WARNING,
                Diagnostics.TEST_017_ABSTRACT_WITHOUT_SUBCLASS.formatted(base.getSimpleName()),
                base);
      }
    }
    abstractBases.clear();
  }

  /** {@return the superclass of {@code type}, or null for {@code Object} and the roots} */
  private static TypeElement superclass(TypeElement type) {
    if (type.getSuperclass() instanceof DeclaredType d
        && d.asElement() instanceof TypeElement s
        && !s.getQualifiedName().contentEquals("java.lang.Object")) {
      return s;
    }
    return null;
  }

  /**
   * {@return the {@code @AsyncTest} methods that apply to {@code type}: those it declares and those
   * it inherits from its superclasses and does not override, the superclasses' first} An override
   * replaces the method it overrides, and is a test only if it is an {@code @AsyncTest} itself.
   */
  private List<ExecutableElement> effectiveMethods(TypeElement type) {
    var elements = processingEnv.getElementUtils();
    List<ExecutableElement> effective = new ArrayList<>();
    List<ExecutableElement> derived = new ArrayList<>();
    for (TypeElement c = type; c != null; c = superclass(c)) {
      List<ExecutableElement> declared = ElementFilter.methodsIn(c.getEnclosedElements());
      List<ExecutableElement> found = new ArrayList<>();
      for (ExecutableElement m : declared) {
        if (Model.mirror(m, ANNOTATION) == null
            || (c != type && !isInherited(m, type))
            || derived.stream().anyMatch(d -> elements.overrides(d, m, type))) {
          continue;
        }
        found.add(m);
      }
      effective.addAll(0, found);
      derived.addAll(declared);
    }
    return effective;
  }

  /** Whether {@code type}, a subclass of the method's class, inherits {@code m}. */
  private boolean isInherited(ExecutableElement m, TypeElement type) {
    Set<Modifier> modifiers = m.getModifiers();
    if (modifiers.contains(Modifier.PRIVATE)) {
      return false;
    }
    if (modifiers.contains(Modifier.PUBLIC) || modifiers.contains(Modifier.PROTECTED)) {
      return true;
    }
    var elements = processingEnv.getElementUtils();
    return elements.getPackageOf(m).equals(elements.getPackageOf(type));
  }

  @Override
  protected void processType(TypeElement type, boolean lastRound) {
    if (type.getKind() == ElementKind.CLASS && type.getModifiers().contains(Modifier.ABSTRACT)) {
      processAbstract(type, lastRound);
      return;
    }
    List<ExecutableElement> methods = effectiveMethods(type);
    if (methods.isEmpty()) {
      return;
    }
    if (methods.stream().anyMatch(m -> m.getReturnType().getKind() == TypeKind.ERROR)) {
      if (!lastRound) {
        defer(type); // a return type may be generated by another processor this round
      }
      return;
    }
    List<Diagnostic> report = new ArrayList<>();
    validateClass(type, report);
    List<RuntimeOptions> options = new ArrayList<>();
    boolean inheritedErrors = false;
    for (ExecutableElement method : methods) {
      List<Diagnostic> own = new ArrayList<>();
      options.add(validateMethod(method, own));
      checkMethodNameable(method, own);
      if (method.getEnclosingElement().equals(type)) {
        report.addAll(own);
      } else if (!own.isEmpty()) {
        if (isSource((TypeElement) method.getEnclosingElement())) {
          // Reported where the method is declared, when its class is expanded.
          inheritedErrors = true;
        } else {
          // A method of a compiled superclass (from a jar): reported on the class inheriting it.
          own.forEach(d -> report.add(new Diagnostic(d.message(), type, null, null)));
        }
      }
    }
    checkNameable(type, jupiterAnnotations(type), report);
    Diagnostics.print(processingEnv.getMessager(), report);
    if (report.isEmpty() && !inheritedErrors) {
      write(type, methods, options);
    }
  }

  /**
   * Validates the {@code @AsyncTest} methods of the abstract class {@code type}, which gets no test
   * of its own: its concrete subclasses compiled with it each get one, which runs them.
   */
  private void processAbstract(TypeElement type, boolean lastRound) {
    List<ExecutableElement> methods = annotatedMethodsOrDefer(type, ANNOTATION, lastRound);
    if (methods == null || methods.isEmpty()) {
      return;
    }
    List<Diagnostic> report = new ArrayList<>();
    for (ExecutableElement method : methods) {
      validateMethod(method, report);
      checkMethodNameable(method, report);
    }
    Diagnostics.print(processingEnv.getMessager(), report);
    if (report.isEmpty()) {
      abstractBases.add(type.getQualifiedName().toString());
    }
  }

  private void checkMethodNameable(ExecutableElement method, List<Diagnostic> report) {
    checkNameable(method, copiedAnnotations(method, ElementType.METHOD), report);
    for (VariableElement parameter : method.getParameters()) {
      checkNameable(parameter, copiedAnnotations(parameter, ElementType.PARAMETER), report);
    }
  }

  /** Whether {@code type} is compiled from source in this compilation. */
  private boolean isSource(TypeElement type) {
    Element top = type;
    while (top.getEnclosingElement() instanceof TypeElement outer) {
      top = outer;
    }
    javax.tools.FileObject file = processingEnv.getElementUtils().getFileObjectOf(top);
    return file != null && file.getName().endsWith(".java");
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
          continue; // an @AsyncTest method's test kind is checked on its own, TEST-013 and 015
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

  /** Whether {@code annotation} is JUnit's {@code @TestTemplate} or meta-annotated with it. */
  private static boolean isTemplate(Element annotation) {
    return isMetaAnnotated(annotation, TEST_TEMPLATE, new HashSet<>());
  }

  /**
   * The JUnit annotations (or annotations composed of them) on the class {@code type} that the
   * generated class repeats: those Java does not inherit, but {@code Nested} and the test kinds.
   */
  private static List<AnnotationMirror> jupiterAnnotations(TypeElement type) {
    List<AnnotationMirror> copied = new ArrayList<>();
    for (AnnotationMirror a : type.getAnnotationMirrors()) {
      Element annotation = a.getAnnotationType().asElement();
      if (isJupiter(annotation, new HashSet<>())
          && !isTestable(annotation, new HashSet<>())
          && Model.mirror(annotation, "java.lang.annotation.Inherited") == null
          // the generated class is top level, which @Nested may not mark
          && !isMetaAnnotated(annotation, NESTED, new HashSet<>())) {
        copied.add(a);
      }
    }
    return copied;
  }

  /**
   * The annotations of the {@code @AsyncTest} method or of one of its parameters ({@code target}
   * says which) that the generated test repeats on its own method or parameter, where JUnit and its
   * extensions read them: those retained at run time (reflection sees no others), applicable to
   * {@code target}, neither {@code @AsyncTest} nor one of {@code java.lang} ({@code @Deprecated},
   * {@code @SafeVarargs}: the generated test overrides nothing, is not deprecated, and not final).
   * The method's test template ({@code @ParameterizedTest}...) is among them.
   */
  private List<AnnotationMirror> copiedAnnotations(Element element, ElementType target) {
    List<AnnotationMirror> copied = new ArrayList<>();
    for (AnnotationMirror a : element.getAnnotationMirrors()) {
      if (!(a.getAnnotationType().asElement() instanceof TypeElement annotation)
          || annotation.getQualifiedName().contentEquals(ANNOTATION)
          || processingEnv
              .getElementUtils()
              .getPackageOf(annotation)
              .getQualifiedName()
              .contentEquals("java.lang")) {
        continue;
      }
      Retention retention = annotation.getAnnotation(Retention.class);
      Target targets = annotation.getAnnotation(Target.class);
      if (retention != null
          && retention.value() == RetentionPolicy.RUNTIME
          && (targets == null || Arrays.asList(targets.value()).contains(target))) {
        copied.add(a);
      }
    }
    return copied;
  }

  /**
   * {@return {@code a} as the generated test repeats it} As is, except a {@code @MethodSource} or
   * {@code @FieldSource} without a name (or, for methods, with a blank one): JUnit then looks for
   * the factory named after the test method, which is the generated one; it is given the name of
   * the user's method, {@code factory}, explicitly.
   */
  private static AnnotationSpec copy(AnnotationMirror a, String factory) {
    String name = ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().toString();
    return switch (name) {
      case METHOD_SOURCE -> namedSource(a, factory, true);
      case FIELD_SOURCE -> namedSource(a, factory, false);
      case METHOD_SOURCES, FIELD_SOURCES -> {
        // The container of repeated sources: rewrite each.
        AnnotationSpec.Builder container = AnnotationSpec.builder(ClassName.get(type(a)));
        for (AnnotationValue v : values(a)) {
          container.addMember("value", "$L", copy((AnnotationMirror) v.getValue(), factory));
        }
        yield container.build();
      }
      default -> AnnotationSpec.get(a);
    };
  }

  private static AnnotationSpec namedSource(AnnotationMirror a, String factory, boolean blank) {
    List<String> names = values(a).stream().map(v -> (String) v.getValue()).toList();
    List<String> rewritten =
        names.isEmpty()
            ? List.of(factory)
            : names.stream().map(n -> blank && n.isBlank() ? factory : n).toList();
    AnnotationSpec original = AnnotationSpec.get(a);
    if (rewritten.equals(names)) {
      return original;
    }
    AnnotationSpec.Builder copy = AnnotationSpec.builder(ClassName.get(type(a)));
    for (String n : rewritten) {
      copy.addMember("value", "$S", n);
    }
    original
        .members()
        .forEach(
            (member, values) -> {
              if (!member.equals("value")) {
                values.forEach(v -> copy.addMember(member, v));
              }
            });
    return copy.build();
  }

  private static TypeElement type(AnnotationMirror a) {
    return (TypeElement) a.getAnnotationType().asElement();
  }

  /** The explicit {@code value} array of {@code a}, empty when it has none. */
  private static List<? extends AnnotationValue> values(AnnotationMirror a) {
    for (var entry : a.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals("value")
          && entry.getValue().getValue() instanceof List<?> list) {
        return list.stream().map(AnnotationValue.class::cast).toList();
      }
    }
    return List.of();
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
    // The generated test is a @Test, or the method's test template (a @ParameterizedTest...).
    List<AnnotationMirror> kinds = new ArrayList<>();
    for (AnnotationMirror a : method.getAnnotationMirrors()) {
      if (isTestable(a.getAnnotationType().asElement(), new HashSet<>())) {
        kinds.add(a);
      }
    }
    if (kinds.size() > 1) {
      report.add(
          new Diagnostic(
              Diagnostics.TEST_015_TWO_TEST_KINDS.formatted(
                  method.getSimpleName(),
                  kinds.get(0).getAnnotationType(),
                  kinds.get(1).getAnnotationType()),
              method,
              kinds.get(1),
              null));
    } else if (kinds.size() == 1
        && isTemplate(kinds.get(0).getAnnotationType().asElement())
        && modifiers.contains(Modifier.FINAL)) {
      AnnotationMirror kind = kinds.get(0);
      report.add(
          new Diagnostic(
              Diagnostics.TEST_018_FINAL_TEMPLATE.formatted(
                  method.getSimpleName(), kind.getAnnotationType(), kind.getAnnotationType()),
              method,
              null,
              null));
    } else if (kinds.size() == 1 && !isTemplate(kinds.get(0).getAnnotationType().asElement())) {
      AnnotationMirror kind = kinds.get(0);
      report.add(
          new Diagnostic(
              Diagnostics.TEST_013_ALSO_A_TEST.formatted(
                  method.getSimpleName(), kind.getAnnotationType(), kind.getAnnotationType()),
              method,
              kind,
              null));
    }
    TypeMirror returnType = method.getReturnType();
    if (!Model.isFuture(
        processingEnv.getElementUtils(), processingEnv.getTypeUtils(), returnType)) {
      report.add(
          new Diagnostic(
              Diagnostics.TEST_004_RETURN_TYPE.formatted(returnType), method, null, null));
    }
    // The generated test declares the method's parameters (and type parameters) and must name
    // their types; extending a generic class raw, it declares their erasures.
    boolean raw = isRaw((TypeElement) method.getEnclosingElement());
    if (!raw) {
      for (TypeParameterElement variable : method.getTypeParameters()) {
        for (TypeMirror bound : variable.getBounds()) {
          TypeElement hidden = Model.privateTypeIn(bound);
          if (hidden != null) {
            report.add(privateInSignature("type parameter", variable, method, hidden));
            break;
          }
        }
      }
    }
    for (VariableElement parameter : method.getParameters()) {
      TypeElement hidden = Model.privateTypeIn(declared(parameter.asType(), raw));
      if (hidden != null) {
        report.add(privateInSignature("parameter", parameter, method, hidden));
      }
    }
    return RuntimeOptions.read(
        processingEnv.getElementUtils(), method, Model.mirror(method, ANNOTATION), report);
  }

  /**
   * The generated test of {@code method}: a {@code @Test}, or the method's {@code template}, with
   * the method's annotations and parameters, that runs it on a fresh runtime per invocation,
   * displayed as {@code displayName} unless the method names itself.
   */
  private MethodSpec testMethod(
      TypeElement type,
      ExecutableElement method,
      String testName,
      String displayName,
      RuntimeOptions o,
      boolean template,
      boolean raw,
      ExecutableType member) {
    String userName = method.getSimpleName().toString();
    List<? extends VariableElement> parameters = method.getParameters();
    // As JUnit's standard generator would display the user's method: m(int, TestInfo).
    String label = displayNames().standard(method);
    // The generated parameters keep the user's names, which JUnit shows ({argumentsWithNames}),
    // unless one would obscure a name the body uses.
    Set<String> names = new HashSet<>();
    parameters.forEach(p -> names.add(p.getSimpleName().toString()));
    List<String> arguments = new ArrayList<>();
    for (VariableElement p : parameters) {
      String name = p.getSimpleName().toString();
      if (BODY_NAMES.contains(name)) {
        while (BODY_NAMES.contains(name) || names.contains(name)) {
          name += "_";
        }
        names.add(name);
      }
      arguments.add(name);
    }
    String runtime = "runtime";
    while (names.contains(runtime)) {
      runtime += "_";
    }
    String failure = "failure";
    while (names.contains(failure)) {
      failure += "_";
    }
    // Lazy, so that the method runs inside the runtime: it may spawn tasks or bind sockets.
    CodeBlock call = CodeBlock.of("super.$N($L)", userName, String.join(", ", arguments));
    if (o.timeoutMillis() > 0) {
      // On expiry the runtime describes the pending future and dumps the alive tasks into the
      // TimeoutException's message: "@AsyncTest Spec.m() timed out after N ms ...".
      call =
          CodeBlock.of(
              "$T.timeoutWithDump($T.ofMillis($L), $S, $L)",
              TIME,
              DURATION,
              o.timeoutMillis(),
              "@AsyncTest " + type.getSimpleName() + "." + label,
              call);
    }
    call = CodeBlock.of("$T.lazy(() -> $L)", RuntimeOptions.FUTURES, call);
    MethodSpec.Builder spec = MethodSpec.methodBuilder(testName);
    if (!template) {
      spec.addAnnotation(TEST);
    }
    // Jupiter reads annotations from the method it runs, this one: the user's test template and
    // argument sources, @Disabled, @Tag, @Timeout, @DisplayName... (or composed ones) on the
    // @AsyncTest method must be here.
    for (AnnotationMirror a : copiedAnnotations(method, ElementType.METHOD)) {
      spec.addAnnotation(copy(a, userName));
    }
    if (!isNamed(method)) {
      // As JUnit would display the user's method in the user's class, with its generator.
      spec.addAnnotation(
          AnnotationSpec.builder(DISPLAY_NAME).addMember("value", "$S", displayName).build());
    }
    if (!raw) {
      method.getTypeParameters().forEach(v -> spec.addTypeVariable(TypeVariableName.get(v)));
    }
    spec.addJavadoc(
        "Runs {@code $L} on a fresh runtime$L$L.\n",
        label,
        template ? " per invocation" : "",
        o.timeoutMillis() > 0 ? ", for at most " + o.timeoutMillis() + " ms" : "");
    if (!parameters.isEmpty()) {
      spec.addJavadoc("\n");
    }
    for (int i = 0; i < parameters.size(); i++) {
      VariableElement p = parameters.get(i);
      ParameterSpec.Builder parameter =
          ParameterSpec.builder(
              TypeName.get(
                  member != null ? member.getParameterTypes().get(i) : declared(p.asType(), raw)),
              arguments.get(i));
      for (AnnotationMirror a : copiedAnnotations(p, ElementType.PARAMETER)) {
        parameter.addAnnotation(AnnotationSpec.get(a));
      }
      spec.addParameter(parameter.build());
      spec.addJavadoc("@param $L passed on to {@code $L}\n", arguments.get(i), userName);
    }
    return spec.varargs(method.isVarArgs())
        .addJavadoc(
            parameters.isEmpty()
                ? "\n@throws Exception what the test's future fails with\n"
                : "@throws Exception what the test's future fails with\n")
        .addException(Exception.class)
        .addStatement("$T $N = $L", RuntimeOptions.RUNTIME, runtime, o.builder())
        .beginControlFlow("try")
        .addStatement("$N.blockOn($L)", runtime, call)
        .nextControlFlow("catch ($T $N)", Throwable.class, failure)
        // The test failed (its timeout, an assertion): a blocking job that hangs must not hold the
        // failure, nor the build, so the wait for the blocking jobs is bounded; those still running
        // are left behind, and said so next to the failure, which stays the one thrown.
        .addComment(
            "Failed: waits at most $L ms for the blocking jobs, then leaves them",
            FAILURE_GRACE_MILLIS)
        .beginControlFlow(
            "if (!$N.shutdownTimeout($T.ofMillis($L)))", runtime, DURATION, FAILURE_GRACE_MILLIS)
        .addStatement(
            "$N.addSuppressed(new $T($S + $N.metrics().numBlockingThreads() + $S))",
            failure,
            IllegalStateException.class,
            "The runtime did not stop within "
                + FAILURE_GRACE_MILLIS
                + " ms after the test failed: ",
            runtime,
            " blocking-pool thread(s) still running their jobs, left behind (a spawnBlocking job"
                + " cannot be interrupted)")
        .endControlFlow()
        .addStatement("throw $N", failure)
        .endControlFlow()
        .addComment("Passed: waits for every blocking job, as dropping a tokio runtime does")
        .addStatement("$N.close()", runtime)
        .build();
  }

  /**
   * {@return an override of the test template {@code method} without its annotations, or null if
   * the generated code cannot name its types} The generated class inherits the method, and JUnit,
   * finding a test template that returns a value, reports a discovery issue ("must not return a
   * value. It will not be executed") on every run; an override hides it from JUnit, which looks for
   * annotations on the overriding method only.
   */
  private MethodSpec hidingOverride(
      ExecutableElement method, String testName, boolean raw, ExecutableType member) {
    var types = processingEnv.getTypeUtils();
    TypeMirror returned =
        member != null ? member.getReturnType() : declared(method.getReturnType(), raw);
    if (Model.privateTypeIn(returned) != null) {
      returned = types.erasure(returned); // Future<Secret> -> Future, with an unchecked conversion
    }
    if (Model.privateTypeIn(returned) != null) {
      return null;
    }
    MethodSpec.Builder spec =
        MethodSpec.methodBuilder(method.getSimpleName().toString())
            .addJavadoc(
                "Hides the JUnit annotations of the inherited {@code $N}, a test template that"
                    + " returns a value,\nwhich JUnit would report as not executable: its test is"
                    + " {@code $N}.\n",
                method.getSimpleName(),
                testName)
            .addAnnotation(Override.class)
            .returns(TypeName.get(returned));
    for (Modifier m : method.getModifiers()) {
      if (m == Modifier.PUBLIC || m == Modifier.PROTECTED) {
        spec.addModifiers(m);
      }
    }
    if (!raw) {
      method.getTypeParameters().forEach(v -> spec.addTypeVariable(TypeVariableName.get(v)));
    }
    List<? extends TypeMirror> thrownTypes =
        member != null ? member.getThrownTypes() : method.getThrownTypes();
    for (TypeMirror thrown : thrownTypes) {
      TypeMirror t = member != null ? thrown : declared(thrown, raw);
      if (Model.privateTypeIn(t) != null) {
        return null;
      }
      spec.addException(TypeName.get(t));
    }
    List<String> arguments = new ArrayList<>();
    List<? extends VariableElement> parameters = method.getParameters();
    for (int i = 0; i < parameters.size(); i++) {
      VariableElement p = parameters.get(i);
      TypeMirror t = member != null ? member.getParameterTypes().get(i) : declared(p.asType(), raw);
      spec.addParameter(TypeName.get(t), p.getSimpleName().toString());
      arguments.add(p.getSimpleName().toString());
    }
    return spec.varargs(method.isVarArgs())
        .addStatement("return super.$N($L)", method.getSimpleName(), String.join(", ", arguments))
        .build();
  }

  /**
   * Whether the user's method names itself: one of the annotations its generated test copies is
   * {@code @DisplayName} or composed of it.
   */
  private boolean isNamed(ExecutableElement method) {
    return copiedAnnotations(method, ElementType.METHOD).stream()
        .anyMatch(
            a ->
                isMetaAnnotated(
                    a.getAnnotationType().asElement(),
                    DISPLAY_NAME.canonicalName(),
                    new HashSet<>()));
  }

  private static Diagnostic privateInSignature(
      String what, Element element, ExecutableElement method, TypeElement hidden) {
    return new Diagnostic(
        Diagnostics.TEST_016_PRIVATE_IN_SIGNATURE.formatted(
            what,
            element.getSimpleName(),
            method.getSimpleName(),
            hidden.getQualifiedName(),
            hidden.getQualifiedName()),
        element,
        null,
        null);
  }

  /**
   * Whether the generated subclass of {@code type} extends it raw, so that it sees the erasures of
   * the members it inherits: {@code type} is generic.
   */
  private static boolean isRaw(TypeElement type) {
    return !type.getTypeParameters().isEmpty();
  }

  /** {@code type} as the generated code declares it: its erasure when the superclass is raw. */
  private TypeMirror declared(TypeMirror type, boolean raw) {
    return raw ? processingEnv.getTypeUtils().erasure(type) : type;
  }

  /** {@return {@code name(erasure, ...)}, to tell methods apart as the JVM does} */
  private String erasedSignature(CharSequence name, List<? extends VariableElement> parameters) {
    var types = processingEnv.getTypeUtils();
    return name
        + parameters.stream()
            .map(p -> types.erasure(p.asType()).toString())
            .collect(Collectors.joining(",", "(", ")"));
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
    boolean classNamed = false;
    for (AnnotationMirror a : jupiterAnnotations(type)) {
      if (((TypeElement) a.getAnnotationType().asElement())
          .getQualifiedName()
          .contentEquals(DISPLAY_NAME.canonicalName())) {
        continue; // written below, with the name JUnit would give the user's class
      }
      test.addAnnotation(AnnotationSpec.get(a));
      classNamed |=
          isMetaAnnotated(
              a.getAnnotationType().asElement(), DISPLAY_NAME.canonicalName(), new HashSet<>());
    }
    // Displayed as JUnit would display the user's class (its @DisplayName, or the name its
    // display name generator gives it), not as Spec_AsyncTest; so are its tests, below. A
    // generator of the user's own cannot run here: the standard names stand in, with a warning.
    TypeElement custom = null;
    String customSource = null;
    List<String> standardNames = new ArrayList<>();
    List<String> unnamed = new ArrayList<>();
    boolean classUnnamed = false;
    if (!classNamed) {
      String className;
      try {
        className = displayNames().ofClass(type);
      } catch (DisplayNames.CustomGenerator e) {
        custom = e.generator();
        customSource = e.source();
        className = displayNames().standard(type);
        standardNames.add("`" + className + "`");
        classUnnamed = true;
      }
      test.addAnnotation(
          AnnotationSpec.builder(DISPLAY_NAME).addMember("value", "$S", className).build());
    }
    test.addMethod(
        MethodSpec.constructorBuilder()
            .addJavadoc("Creates an instance of the test class; JUnit calls this for each test.\n")
            .build());
    // Signatures of the methods the test class inherits: a generated m_async(...) must not
    // override one of the user's own (a JUnit test named so would silently stop running), nor
    // clash with one by erasure. Generated names are kept distinct too (no overloads).
    boolean raw = isRaw(type);
    Set<String> inherited = new HashSet<>();
    for (Element e : processingEnv.getElementUtils().getAllMembers(type)) {
      if (e instanceof ExecutableElement m && m.getKind() == ElementKind.METHOD) {
        inherited.add(erasedSignature(m.getSimpleName(), m.getParameters()));
      }
    }
    Set<String> generated = new HashSet<>();
    for (int i = 0; i < methods.size(); i++) {
      ExecutableElement method = methods.get(i);
      String userName = method.getSimpleName().toString();
      String testName = userName + "_async";
      for (int k = 2;
          generated.contains(testName)
              || inherited.contains(erasedSignature(testName, method.getParameters()));
          k++) {
        testName = userName + "_async" + k;
      }
      generated.add(testName);
      boolean template =
          method.getAnnotationMirrors().stream()
              .anyMatch(a -> isTemplate(a.getAnnotationType().asElement()));
      // An inherited method's signature as a member of the class: Base<T>.m(T) is Sub.m(String).
      ExecutableType member =
          raw || method.getEnclosingElement().equals(type)
              ? null
              : (ExecutableType)
                  processingEnv.getTypeUtils().asMemberOf((DeclaredType) type.asType(), method);
      String displayName = displayNames().standard(method);
      if (!isNamed(method)) {
        try {
          displayName = displayNames().ofMethod(type, method);
        } catch (DisplayNames.CustomGenerator e) {
          custom = e.generator();
          customSource = e.source();
          standardNames.add("`" + displayName + "`");
          unnamed.add("`" + userName + "`");
        }
      }
      test.addMethod(
          testMethod(type, method, testName, displayName, options.get(i), template, raw, member));
      if (template && !method.getModifiers().contains(Modifier.FINAL)) {
        MethodSpec hiding = hidingOverride(method, testName, raw, member);
        if (hiding != null) {
          test.addMethod(hiding);
        }
      }
    }
    if (custom != null) {
      List<String> where = new ArrayList<>();
      if (!unnamed.isEmpty()) {
        where.add(
            "the `@AsyncTest` method"
                + (unnamed.size() > 1 ? "s " : " ")
                + String.join(", ", unnamed));
      }
      if (classUnnamed) {
        where.add("the class `" + type.getSimpleName() + "`");
      }
      processingEnv
          .getMessager()
          .printMessage(
              javax.tools.Diagnostic.Kind.WARNING,
              Diagnostics.TEST_019_CUSTOM_DISPLAY_NAME_GENERATOR.formatted(
                  type.getSimpleName(),
                  custom.getQualifiedName(),
                  customSource,
                  String.join(", ", standardNames),
                  String.join(" and on ", where)),
              type);
    }
    generatedNames.add((user.packageName().isEmpty() ? "" : user.packageName() + ".") + name);
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
