package io.kyoto.processor.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Computes at compile time the display names JUnit Jupiter (6.x) gives a top-level or {@code
 * static} nested test class and its test methods, for the display name generators JUnit ships
 * ({@code Standard}, {@code Simple}, {@code ReplaceUnderscores}, {@code IndicativeSentences}).
 *
 * <p>It follows Jupiter's {@code DisplayNameUtils} and {@code DisplayNameGenerator}: a
 * {@code @DisplayName} wins; otherwise the generator named by the first
 * {@code @DisplayNameGeneration} found on the class (directly, as a meta-annotation such as
 * {@code @IndicativeSentencesGeneration}, on the interfaces it implements, then on its
 * superclasses, the annotation being {@code @Inherited}) names it, and the default generator when
 * there is none. Enclosing classes are not searched: Jupiter searches them only for {@code @Nested}
 * inner classes.
 *
 * <p>The default generator is the one the configuration parameter {@code
 * junit.jupiter.displayname.generator.default} names, when the caller found it (the processor reads
 * {@code junit-platform.properties} on the compiler's paths, or its option {@code
 * -Akyoto.displayNameGenerator}; see {@link Configured}), else JUnit's own default, {@code
 * Standard}. As Jupiter's {@code InstantiatingConfigurationParameterConverter}, which loads the
 * class with {@code Class.forName} and instantiates it, the value is the stripped binary name of a
 * class ({@code org.junit.jupiter.api.DisplayNameGenerator$ReplaceUnderscores}; the canonical name,
 * with a dot before the nested class's name, does not load); a value naming no class JUnit could
 * instantiate as a generator (empty, not found, not a {@code DisplayNameGenerator}, abstract, a
 * non-static inner class, without a no-argument constructor) leaves {@code Standard}, with a
 * warning. {@code IndicativeSentences} as the default uses its defaults: the separator {@code ", "}
 * and {@code Standard} for the fragments. System properties and the configuration parameters given
 * to the launcher otherwise (Surefire's {@code configurationParameters}, for instance) are not
 * visible to the compiler.
 *
 * <p>A generator of the user's own cannot be run at compile time: computing a name that needs one
 * throws {@link CustomGenerator}, which tells where it was set.
 */
public final class DisplayNames {
  private static final String API = "org.junit.jupiter.api.";
  private static final String DISPLAY_NAME = API + "DisplayName";
  private static final String GENERATION = API + "DisplayNameGeneration";
  private static final String INDICATIVE_GENERATION = API + "IndicativeSentencesGeneration";
  private static final String GENERATOR = API + "DisplayNameGenerator";
  private static final String FRAGMENT = GENERATOR + ".IndicativeSentences.SentenceFragment";

  /** {@code IndicativeSentencesGeneration.DEFAULT_SEPARATOR}. */
  private static final String DEFAULT_SEPARATOR = ", ";

  /** The generators JUnit ships, which this class runs; {@code CUSTOM} for any other. */
  private enum Kind {
    STANDARD,
    SIMPLE,
    REPLACE_UNDERSCORES,
    INDICATIVE_SENTENCES,
    CUSTOM
  }

  /**
   * A generator: one JUnit ships, or the user's class {@code custom}, with where it is set (for a
   * custom one, {@code `@DisplayNameGeneration`}...).
   */
  private record Generator(Kind kind, TypeElement custom, String source) {
    static final Generator STANDARD = new Generator(Kind.STANDARD, null, null);
    static final Generator INDICATIVE_SENTENCES =
        new Generator(Kind.INDICATIVE_SENTENCES, null, null);
  }

  /**
   * The value of the configuration parameter {@code junit.jupiter.displayname.generator.default},
   * as the caller found it.
   *
   * @param value the value, as written
   * @param source where it is set, for the messages: {@code `-Akyoto.displayNameGenerator`}
   */
  public record Configured(String value, String source) {}

  /** Thrown when a name depends on a generator of the user's own, which only JUnit can run. */
  public static final class CustomGenerator extends Exception {
    private static final long serialVersionUID = 1L;

    /** The generator class. */
    private final transient TypeElement generator;

    /** Where it is set. */
    private final String source;

    CustomGenerator(Generator generator) {
      super(generator.custom().getQualifiedName().toString(), null, false, false);
      this.generator = generator.custom();
      this.source = generator.source();
    }

    /** {@return the generator class} */
    public TypeElement generator() {
      return generator;
    }

    /**
     * {@return where the generator is set, for a message: {@code `@DisplayNameGeneration`}, {@code
     * `@IndicativeSentencesGeneration`}, or where the default is configured}
     */
    public String source() {
      return source;
    }
  }

  private final Elements elements;
  private final Types types;

  /** The configured default generator, or null for JUnit's own. */
  private final Configured configured;

  /** Receives the warning about a default generator that names no usable class. */
  private final Consumer<String> warnings;

  /** The default generator, resolved on first use; null until then. */
  private Generator defaultGenerator;

  /**
   * Creates the calculator, with JUnit's own default generator, {@code Standard}.
   *
   * @param elements the element utilities
   * @param types the type utilities
   */
  public DisplayNames(Elements elements, Types types) {
    this(elements, types, null, w -> {});
  }

  /**
   * Creates the calculator.
   *
   * @param elements the element utilities
   * @param types the type utilities
   * @param configured the configured default generator, or null for JUnit's own
   * @param warnings receives, once, the warning ({@code [KYOTO-TEST-020]}) about a configured
   *     default that names no generator JUnit could use, when the default is first needed
   */
  public DisplayNames(
      Elements elements, Types types, Configured configured, Consumer<String> warnings) {
    this.elements = elements;
    this.types = types;
    this.configured = configured;
    this.warnings = warnings;
  }

  /**
   * {@return the display name JUnit gives {@code testClass}} Its {@code @DisplayName}, unless
   * blank, else its generator's name for it.
   *
   * @param testClass a top-level or {@code static} nested test class
   * @throws CustomGenerator if the name depends on a generator of the user's own
   */
  public String ofClass(TypeElement testClass) throws CustomGenerator {
    AnnotationMirror named = find(testClass, DISPLAY_NAME);
    if (named != null) {
      String value = string(named, "value");
      if (!value.isBlank()) {
        return value.strip();
      }
    }
    return forClass(generatorOf(testClass), testClass);
  }

  /**
   * {@return the display name JUnit's generator for {@code testClass} gives {@code method}, run as
   * a test of {@code testClass}} The method's own {@code @DisplayName} is not considered: the
   * caller copies it.
   *
   * @param testClass the test class, which declares or inherits {@code method}
   * @param method the test method
   * @throws CustomGenerator if the name depends on a generator of the user's own
   */
  public String ofMethod(TypeElement testClass, ExecutableElement method) throws CustomGenerator {
    return forMethod(generatorOf(testClass), testClass, method);
  }

  /**
   * {@return the display name of {@code method} by JUnit's standard generator: its name and the
   * simple names of its parameter types, {@code m(int, TestInfo)}}
   *
   * @param method the method
   */
  public String standard(ExecutableElement method) {
    return method.getSimpleName() + parameterTypes(method);
  }

  /**
   * {@return the name of {@code testClass} by JUnit's standard generator: its binary name without
   * the package, {@code Outer$Spec}}
   *
   * @param testClass the class
   */
  public String standard(TypeElement testClass) {
    String binary = elements.getBinaryName(testClass).toString();
    return binary.substring(binary.lastIndexOf('.') + 1);
  }

  /** The generator {@code testClass} is named by: found on it, or the default. */
  private Generator generatorOf(TypeElement testClass) {
    AnnotationMirror generation = find(testClass, GENERATION);
    return generation == null
        ? defaultGenerator()
        : generator(classValue(generation, "value"), "`@DisplayNameGeneration`");
  }

  /** The generator {@code type} names, set by {@code source}. */
  private Generator generator(TypeMirror type, String source) {
    if (!(type instanceof DeclaredType declared)
        || !(declared.asElement() instanceof TypeElement element)) {
      // Not resolved: unknowable here, as a generator of the user's own.
      return new Generator(Kind.CUSTOM, elements.getTypeElement(GENERATOR), source);
    }
    String name = element.getQualifiedName().toString();
    return switch (name) {
      case GENERATOR + ".Standard" -> Generator.STANDARD;
      case GENERATOR + ".Simple" -> new Generator(Kind.SIMPLE, null, null);
      case GENERATOR + ".ReplaceUnderscores" -> new Generator(Kind.REPLACE_UNDERSCORES, null, null);
      case GENERATOR + ".IndicativeSentences" -> Generator.INDICATIVE_SENTENCES;
      default -> new Generator(Kind.CUSTOM, element, source);
    };
  }

  /**
   * The default generator: the configured one, when it names a generator JUnit can instantiate,
   * else {@code Standard}, as JUnit falls back to it; resolved once, warning once.
   */
  private Generator defaultGenerator() {
    if (defaultGenerator == null) {
      defaultGenerator = Generator.STANDARD; // JUnit's own
      if (configured != null) {
        String value = configured.value() == null ? "" : configured.value().strip();
        TypeElement type = value.isEmpty() ? null : binaryNamed(value);
        String problem = type == null ? missing(value) : unusable(type);
        if (problem == null) {
          defaultGenerator = generator(type.asType(), configured.source());
        } else {
          warnings.accept(
              Diagnostics.TEST_020_DEFAULT_DISPLAY_NAME_GENERATOR.formatted(
                  configured.source(), value, problem));
        }
      }
    }
    return defaultGenerator;
  }

  /**
   * {@return the class {@code Class.forName(binaryName)} would load, or null} The binary name of a
   * nested class has a {@code $} before its simple name, but so may a top-level class's: each way
   * of reading the {@code $}s is tried, the type found checked by its binary name.
   */
  private TypeElement binaryNamed(String binaryName) {
    List<Integer> dollars = new ArrayList<>();
    for (int i = binaryName.indexOf('$'); i >= 0; i = binaryName.indexOf('$', i + 1)) {
      dollars.add(i);
    }
    if (dollars.size() > 8) {
      dollars = dollars.subList(0, 8); // beyond, the rest stay as written
    }
    for (int mask = 0; mask < 1 << dollars.size(); mask++) {
      char[] canonical = binaryName.toCharArray();
      for (int d = 0; d < dollars.size(); d++) {
        if ((mask & 1 << d) != 0) {
          canonical[dollars.get(d)] = '.';
        }
      }
      TypeElement type = typeElement(new String(canonical));
      if (type != null && elements.getBinaryName(type).contentEquals(binaryName)) {
        return type;
      }
    }
    return null;
  }

  private TypeElement typeElement(String canonicalName) {
    try {
      return elements.getTypeElement(canonicalName);
    } catch (RuntimeException e) {
      return null; // not a name javac can look up
    }
  }

  /** Why no class is named {@code value}, for the warning. */
  private String missing(String value) {
    if (value.isEmpty()) {
      return "an empty value";
    }
    TypeElement canonical = typeElement(value);
    if (canonical != null) {
      return "a canonical name (JUnit loads a class by its binary name, here `"
          + elements.getBinaryName(canonical)
          + "`)";
    }
    return "which names no class the compiler can find";
  }

  /** Why JUnit cannot use {@code type} as a generator, for the warning; null if it can. */
  private String unusable(TypeElement type) {
    String named = "`" + elements.getBinaryName(type) + "`";
    TypeElement generator = elements.getTypeElement(GENERATOR);
    if (generator != null
        && !types.isAssignable(types.erasure(type.asType()), types.erasure(generator.asType()))) {
      return named + ", which is not a `DisplayNameGenerator`";
    }
    if ((type.getKind() != ElementKind.CLASS && type.getKind() != ElementKind.RECORD)
        || type.getModifiers().contains(Modifier.ABSTRACT)) {
      return named + ", which JUnit cannot instantiate: it is not a concrete class";
    }
    if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      return named + ", which JUnit cannot instantiate: it is an inner (non-static) class";
    }
    if (ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .noneMatch(c -> c.getParameters().isEmpty())) {
      return named + ", which JUnit cannot instantiate: it has no constructor without parameters";
    }
    return null;
  }

  /** {@code generator.generateDisplayNameForClass(testClass)}. */
  private String forClass(Generator generator, TypeElement testClass) throws CustomGenerator {
    return switch (generator.kind()) {
      case STANDARD, SIMPLE -> standard(testClass);
      case REPLACE_UNDERSCORES -> standard(testClass).replace('_', ' ');
      case INDICATIVE_SENTENCES -> {
        String fragment = sentenceFragment(testClass);
        yield fragment != null ? fragment : forClass(sentenceGenerator(testClass), testClass);
      }
      case CUSTOM -> throw new CustomGenerator(generator);
    };
  }

  /** {@code generator.generateDisplayNameForMethod(List.of(), testClass, method)}. */
  private String forMethod(Generator generator, TypeElement testClass, ExecutableElement method)
      throws CustomGenerator {
    return switch (generator.kind()) {
      case STANDARD -> standard(method);
      case SIMPLE -> simple(method);
      case REPLACE_UNDERSCORES -> simple(method).replace('_', ' ');
      case INDICATIVE_SENTENCES -> {
        String beginning = sentenceBeginning(testClass) + separator(testClass);
        String fragment = sentenceFragment(method);
        yield beginning
            + (fragment != null
                ? fragment
                : forMethod(sentenceGenerator(testClass), testClass, method));
      }
      case CUSTOM -> throw new CustomGenerator(generator);
    };
  }

  /** {@code Simple}'s name of {@code method}: {@code m}, or {@code m (int, TestInfo)}. */
  private String simple(ExecutableElement method) {
    String name = method.getSimpleName().toString();
    return method.getParameters().isEmpty() ? name : name + " " + parameterTypes(method);
  }

  /**
   * The beginning of the sentences {@code IndicativeSentences} writes for a top-level (or static
   * nested) test class: its {@code @DisplayName} (even blank), its {@code @SentenceFragment}, else
   * the name the class's generator gives it, or {@code IndicativeSentences}'s own.
   */
  private String sentenceBeginning(TypeElement testClass) throws CustomGenerator {
    AnnotationMirror named = find(testClass, DISPLAY_NAME);
    String fragment = named != null ? string(named, "value").strip() : sentenceFragment(testClass);
    if (fragment != null) {
      return fragment;
    }
    // The class's generator, unless it is IndicativeSentences (whose name for the class is the
    // fragment generator's).
    AnnotationMirror generation = find(testClass, GENERATION);
    Generator generator =
        generation == null
            ? Generator.INDICATIVE_SENTENCES
            : generator(classValue(generation, "value"), "`@DisplayNameGeneration`");
    return forClass(generator, testClass);
  }

  /** The separator of {@code @IndicativeSentencesGeneration}, or its default. */
  private String separator(TypeElement testClass) {
    AnnotationMirror generation = find(testClass, INDICATIVE_GENERATION);
    return generation == null ? DEFAULT_SEPARATOR : string(generation, "separator");
  }

  /**
   * The generator of the sentence fragments: that of {@code @IndicativeSentencesGeneration}, unless
   * it is {@code IndicativeSentences} itself, else {@code Standard}.
   */
  private Generator sentenceGenerator(TypeElement testClass) {
    AnnotationMirror generation = find(testClass, INDICATIVE_GENERATION);
    if (generation == null) {
      return Generator.STANDARD;
    }
    Generator generator =
        generator(classValue(generation, "generator"), "`@IndicativeSentencesGeneration`");
    return generator.kind() == Kind.INDICATIVE_SENTENCES ? Generator.STANDARD : generator;
  }

  /** The stripped value of the {@code @SentenceFragment} on {@code element}, or null. */
  private String sentenceFragment(Element element) {
    AnnotationMirror fragment = find(element, FRAGMENT);
    return fragment == null ? null : string(fragment, "value").strip();
  }

  /** {@return {@code (int, TestInfo)}: the simple names of the erased parameter types} */
  public String parameterTypes(ExecutableElement method) {
    return method.getParameters().stream()
        .map(p -> simpleName(p.asType()))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  /** {@return the erasure of {@code type} as {@link Class#getSimpleName()} writes it} */
  private String simpleName(TypeMirror type) {
    TypeMirror erased = types.erasure(type);
    return switch (erased) {
      case ArrayType array -> simpleName(array.getComponentType()) + "[]";
      case DeclaredType declared -> declared.asElement().getSimpleName().toString();
      default -> erased.toString();
    };
  }

  /**
   * {@return the annotation {@code name} on {@code element}, as JUnit's {@code
   * AnnotationSupport.findAnnotation} finds it, or null} Directly present; else meta-present on a
   * directly present annotation; for a class or interface, else on the interfaces it implements,
   * then, for an {@code @Inherited} annotation, on its superclass; else meta-present on an
   * annotation present on it (inherited ones included). Only annotations retained at run time
   * count: JUnit reads them by reflection.
   */
  private AnnotationMirror find(Element element, String name) {
    TypeElement annotation = elements.getTypeElement(name);
    if (annotation == null) {
      return null; // JUnit is not on the class path: nothing carries its annotations
    }
    boolean inherited = Model.mirror(annotation, "java.lang.annotation.Inherited") != null;
    return find(element, name, inherited, new HashSet<>());
  }

  private AnnotationMirror find(
      Element element, String name, boolean inherited, Set<TypeElement> visited) {
    List<? extends AnnotationMirror> declared = element.getAnnotationMirrors();
    for (AnnotationMirror a : declared) {
      if (type(a).getQualifiedName().contentEquals(name)) {
        return a;
      }
    }
    AnnotationMirror meta = findMeta(declared, name, inherited, visited);
    if (meta != null) {
      return meta;
    }
    if (element instanceof TypeElement type
        && (type.getKind().isClass() || type.getKind().isInterface())) {
      for (TypeMirror implemented : type.getInterfaces()) {
        if (implemented instanceof DeclaredType d
            && d.asElement() instanceof TypeElement ifc
            && !ifc.getQualifiedName().contentEquals("java.lang.annotation.Annotation")) {
          AnnotationMirror found = find(ifc, name, inherited, visited);
          if (found != null) {
            return found;
          }
        }
      }
      if (inherited
          && type.getSuperclass() instanceof DeclaredType d
          && d.asElement() instanceof TypeElement superclass
          && !superclass.getQualifiedName().contentEquals("java.lang.Object")) {
        AnnotationMirror found = find(superclass, name, inherited, visited);
        if (found != null) {
          return found;
        }
      }
    }
    return findMeta(elements.getAllAnnotationMirrors(element), name, inherited, visited);
  }

  /** The annotation {@code name} meta-present on one of {@code candidates}, or null. */
  private AnnotationMirror findMeta(
      List<? extends AnnotationMirror> candidates,
      String name,
      boolean inherited,
      Set<TypeElement> visited) {
    for (AnnotationMirror candidate : candidates) {
      TypeElement type = type(candidate);
      // JUnit keeps the annotations it visited; what a type's meta-annotations hold does not
      // depend on the values of an instance, so keeping the types visited finds the same.
      if (isRuntimeVisible(type)
          && !elements.getPackageOf(type).getQualifiedName().contentEquals("java.lang.annotation")
          && visited.add(type)) {
        AnnotationMirror found = find(type, name, inherited, visited);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean isRuntimeVisible(TypeElement annotation) {
    java.lang.annotation.Retention retention =
        annotation.getAnnotation(java.lang.annotation.Retention.class);
    return retention != null && retention.value() == java.lang.annotation.RetentionPolicy.RUNTIME;
  }

  private static TypeElement type(AnnotationMirror a) {
    return (TypeElement) a.getAnnotationType().asElement();
  }

  private AnnotationValue value(AnnotationMirror a, String member) {
    for (var entry : elements.getElementValuesWithDefaults(a).entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(member)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private String string(AnnotationMirror a, String member) {
    AnnotationValue v = value(a, member);
    return v != null && v.getValue() instanceof String s ? s : "";
  }

  private TypeMirror classValue(AnnotationMirror a, String member) {
    AnnotationValue v = value(a, member);
    return v != null && v.getValue() instanceof TypeMirror t ? t : null;
  }
}
