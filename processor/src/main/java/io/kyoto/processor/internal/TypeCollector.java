package io.kyoto.processor.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Gathers, round after round, the types that declare methods with one annotation, sorted by name so
 * that output is deterministic; types whose signatures mention types not generated yet are deferred
 * to the next round by name.
 */
public final class TypeCollector {
  private final String annotation;
  private final Set<String> deferred = new TreeSet<>();

  /**
   * Creates a collector.
   *
   * @param annotation the annotation's qualified name
   */
  public TypeCollector(String annotation) {
    this.annotation = annotation;
  }

  /**
   * {@return this round's types: annotated types and the enclosing types of annotated methods, plus
   * those deferred, sorted by name}
   *
   * @param elements element utilities
   * @param annotations the round's annotations
   * @param round the round
   */
  public List<TypeElement> collect(
      Elements elements, Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Set<TypeElement> types = new LinkedHashSet<>();
    for (String name : deferred) {
      TypeElement type = elements.getTypeElement(name);
      if (type != null) {
        types.add(type);
      }
    }
    deferred.clear();
    for (TypeElement a : annotations) {
      if (!a.getQualifiedName().contentEquals(annotation)) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(a)) {
        if (e instanceof TypeElement type) {
          types.add(type); // a type-level annotation (@Select)
        } else if (e.getEnclosingElement() instanceof TypeElement type) {
          types.add(type); // a method annotation: its type (@AsyncMain, @AsyncTest)
        }
      }
    }
    List<TypeElement> sorted = new ArrayList<>(types);
    sorted.sort(Comparator.comparing(t -> t.getQualifiedName().toString()));
    return sorted;
  }

  /**
   * Retries {@code type} next round.
   *
   * @param type a type whose methods mention types not generated yet
   */
  public void defer(TypeElement type) {
    deferred.add(type.getQualifiedName().toString());
  }
}
