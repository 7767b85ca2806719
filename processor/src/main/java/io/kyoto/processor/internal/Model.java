package io.kyoto.processor.internal;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Helpers over the language model shared by the processors. */
public final class Model {
  private Model() {}

  /** The runtime's future type, by name. */
  public static final String FUTURE = "io.kyoto.runtime.Future";

  /**
   * {@return the {@code @Generated} annotation naming {@code processor}, without a date, or nothing
   * when the code generated for {@code origin} cannot name it} That annotation lives in module
   * {@code java.compiler}, which a named module (a JPMS application) usually does not read.
   *
   * @param elements the element utilities
   * @param origin the element the code is generated for
   * @param processor the generating processor's class
   */
  public static List<AnnotationSpec> generated(
      Elements elements, Element origin, Class<?> processor) {
    ModuleElement module = elements.getModuleOf(origin);
    if (module != null && !module.isUnnamed() && !reads(module, "java.compiler")) {
      return List.of();
    }
    return List.of(
        AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
            .addMember("value", "$S", processor.getName())
            .build());
  }

  /**
   * Whether {@code module} reads {@code name}: requires it, or requires a module that requires it
   * transitively.
   */
  private static boolean reads(ModuleElement module, String name) {
    ArrayDeque<ModuleElement> todo = new ArrayDeque<>();
    Set<ModuleElement> seen = new HashSet<>();
    for (ModuleElement.RequiresDirective r : ElementFilter.requiresIn(module.getDirectives())) {
      todo.add(r.getDependency());
    }
    while (!todo.isEmpty()) {
      ModuleElement m = todo.poll();
      if (!seen.add(m)) {
        continue;
      }
      if (m.getQualifiedName().contentEquals(name)) {
        return true;
      }
      for (ModuleElement.RequiresDirective r : ElementFilter.requiresIn(m.getDirectives())) {
        if (r.isTransitive()) {
          todo.add(r.getDependency());
        }
      }
    }
    return false;
  }

  /**
   * {@return {@code @SuppressWarnings({"deprecation", "removal"})}} Generated code names the user's
   * types and methods; when the user deprecated them, the warnings (errors under {@code -Werror})
   * would point at code the user did not write.
   */
  public static AnnotationSpec suppressDeprecation() {
    return AnnotationSpec.builder(SuppressWarnings.class)
        .addMember("value", "{$S, $S}", "deprecation", "removal")
        .build();
  }

  /**
   * {@return {@code @SuppressWarnings} for a generated {@code @AsyncTest} subclass} As {@link
   * #suppressDeprecation()}, plus what extending the user's class brings with it: {@code rawtypes}
   * and {@code unchecked} when that class is generic (the subclass extends it raw), {@code serial}
   * when it is {@code Serializable}.
   */
  public static AnnotationSpec suppressForSubclass() {
    return AnnotationSpec.builder(SuppressWarnings.class)
        .addMember(
            "value",
            "{$S, $S, $S, $S, $S}",
            "deprecation",
            "removal",
            "rawtypes",
            "unchecked",
            "serial")
        .build();
  }

  /**
   * {@return the mirror of the annotation named {@code annotation} on {@code element}, or null}
   *
   * @param element the element
   * @param annotation the annotation's qualified name
   */
  public static AnnotationMirror mirror(Element element, String annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) m.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotation)) {
        return m;
      }
    }
    return null;
  }

  /**
   * {@return the methods of {@code type} carrying {@code annotation}, in source order}
   *
   * @param type the type
   * @param annotation the annotation's qualified name
   */
  public static List<ExecutableElement> annotatedMethods(TypeElement type, String annotation) {
    return type.getEnclosedElements().stream()
        .filter(e -> e.getKind() == ElementKind.METHOD && mirror(e, annotation) != null)
        .map(ExecutableElement.class::cast)
        .toList();
  }

  /**
   * {@return whether {@code type} is, or has an erasure assignable to, the runtime's future}
   *
   * @param elements element utilities
   * @param types type utilities
   * @param type the type to test
   */
  public static boolean isFuture(Elements elements, Types types, TypeMirror type) {
    TypeElement future = elements.getTypeElement(FUTURE);
    return future != null
        && type.getKind() == TypeKind.DECLARED
        && types.isAssignable(types.erasure(type), types.erasure(future.asType()));
  }

  /**
   * {@return whether {@code type} and every type enclosing it can be named from its package: top
   * level or static nested, and not private}
   *
   * @param type the type
   */
  public static boolean reachable(TypeElement type) {
    for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      NestingKind nesting = t.getNestingKind();
      if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
        return false;
      }
      if (nesting == NestingKind.MEMBER
          && t.getKind() == ElementKind.CLASS
          && !t.getModifiers().contains(Modifier.STATIC)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return the first private type that {@code type} names, itself, an enclosing type, a type
   * argument, a wildcard bound or an array component, or null} Generated code in the same package
   * cannot name such a type.
   *
   * @param type the type to look into
   */
  public static TypeElement privateTypeIn(TypeMirror type) {
    switch (type) {
      case ArrayType array -> {
        return privateTypeIn(array.getComponentType());
      }
      case WildcardType wildcard -> {
        TypeMirror bound =
            wildcard.getExtendsBound() != null
                ? wildcard.getExtendsBound()
                : wildcard.getSuperBound();
        return bound == null ? null : privateTypeIn(bound);
      }
      case DeclaredType declared -> {
        for (Element e = declared.asElement();
            e instanceof TypeElement t;
            e = e.getEnclosingElement()) {
          if (t.getModifiers().contains(Modifier.PRIVATE)) {
            return t;
          }
        }
        for (TypeMirror argument : declared.getTypeArguments()) {
          TypeElement found = privateTypeIn(argument);
          if (found != null) {
            return found;
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * {@return the first type {@code method} declares in its {@code throws} clause that is checked
   * but not an {@link Exception}, such as {@code Throwable}, or null} Generated code calls the
   * method where only an {@code Exception} may be thrown ({@code Future.poll}, {@code
   * ThrowingSupplier.get}).
   *
   * @param elements element utilities
   * @param types type utilities
   * @param method the method
   */
  public static TypeMirror thrownNonException(
      Elements elements, Types types, ExecutableElement method) {
    TypeMirror exception = elements.getTypeElement("java.lang.Exception").asType();
    TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
    for (TypeMirror thrown : method.getThrownTypes()) {
      if (thrown.getKind() != TypeKind.ERROR
          && !types.isSubtype(thrown, exception)
          && !types.isSubtype(thrown, error)) {
        return thrown;
      }
    }
    return null;
  }

  /**
   * {@return the simple names of {@code type} and its enclosing types joined by {@code _}: {@code
   * Outer_Inner}}
   *
   * @param type the type
   */
  public static String flatName(TypeElement type) {
    return String.join("_", ClassName.get(type).simpleNames());
  }

  /**
   * {@return the parameter types of {@code method}, comma separated}
   *
   * @param method the method
   */
  public static String parameters(ExecutableElement method) {
    return method.getParameters().stream()
        .map(p -> p.asType().toString())
        .collect(Collectors.joining(", "));
  }
}
