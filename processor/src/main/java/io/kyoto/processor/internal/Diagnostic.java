package io.kyoto.processor.internal;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;

/**
 * One compile error found by a validator, attached to the most precise place known: an element,
 * optionally one of its annotations, optionally one value of that annotation.
 *
 * @param message the full message, starting with its {@code [KYOTO-...]} id
 * @param element the element
 * @param mirror the annotation on {@code element}, or null
 * @param value the annotation value in {@code mirror}, or null
 */
public record Diagnostic(
    String message, Element element, AnnotationMirror mirror, AnnotationValue value) {

  /** Prints this error. */
  void printTo(Messager messager) {
    if (value != null) {
      messager.printMessage(Kind.ERROR, message, element, mirror, value);
    } else if (mirror != null) {
      messager.printMessage(Kind.ERROR, message, element, mirror);
    } else {
      messager.printMessage(Kind.ERROR, message, element);
    }
  }
}
