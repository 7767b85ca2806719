package io.kyoto.processor.internal;

import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;

/**
 * The skeleton the three Kyoto processors share: each round, collect the types that use the
 * processor's main annotation (plus the ones deferred from earlier rounds), in name order, and
 * expand them one by one; never claim the annotations, so other processors see them too.
 *
 * <p>Each processor also reports its annotations where no processor can see them: on local and
 * anonymous classes and their members (see {@link LocalDeclarations}). For that it declares {@code
 * "*"}: javac runs a processor only when a type it supports is found on an element it can see, so
 * that a compilation whose only Kyoto annotation is on a local class would otherwise not run it at
 * all.
 */
public abstract class TypeProcessor extends AbstractProcessor {
  private final Set<String> supported;
  private final TypeCollector collector;
  private final Set<String> warnedAuxiliary = new java.util.HashSet<>();

  /** The compiler's trees, or null when the compiler is not javac (local classes go unchecked). */
  private Trees trees;

  /**
   * Creates the skeleton.
   *
   * @param annotation the qualified name of the annotation whose users are collected
   * @param others further annotations this processor reads (validated by {@link #beforeTypes})
   */
  protected TypeProcessor(String annotation, String... others) {
    this.collector = new TypeCollector(annotation);
    String[] all = new String[others.length + 1];
    all[0] = annotation;
    System.arraycopy(others, 0, all, 1, others.length);
    this.supported = Set.of(all);
  }

  /**
   * {@return {@code "*"}} See the class comment: the processor must also run when its annotations
   * are only on local classes, which javac does not count. It claims nothing, and {@link #process}
   * keeps only its own annotations.
   */
  @Override
  public final Set<String> getSupportedAnnotationTypes() {
    return Set.of("*");
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    try {
      trees = Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      trees = null; // not javac, or javac behind a wrapper: the trees are not available
    }
  }

  @Override
  public final SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public final boolean process(Set<? extends TypeElement> all, RoundEnvironment round) {
    Set<TypeElement> annotations = new LinkedHashSet<>();
    for (TypeElement a : all) {
      if (supported.contains(a.getQualifiedName().toString())) {
        annotations.add(a);
      }
    }
    if (trees != null) {
      for (LocalDeclarations.Found found :
          LocalDeclarations.find(
              trees, processingEnv.getElementUtils(), round.getRootElements(), supported)) {
        reportLocal(found);
      }
    }
    beforeTypes(annotations, round);
    Set<TypeElement> types =
        new LinkedHashSet<>(collector.collect(processingEnv.getElementUtils(), annotations, round));
    types.addAll(moreTypes(round));
    List<TypeElement> sorted = new java.util.ArrayList<>(types);
    sorted.sort(java.util.Comparator.comparing(t -> t.getQualifiedName().toString()));
    for (TypeElement type : sorted) {
      warnIfAuxiliary(type);
      processType(type, round.processingOver());
    }
    return false;
  }

  /**
   * Warns (once per type) when {@code type} sits in an auxiliary class: a top-level type declared
   * in a file named after another type, which generated code in another file may not refer to
   * without javac's {@code [auxiliaryclass]} lint warning.
   */
  private void warnIfAuxiliary(TypeElement type) {
    Element top = type;
    while (top.getEnclosingElement() instanceof TypeElement outer) {
      top = outer;
    }
    if (!warnedAuxiliary.add(top.toString())) {
      return;
    }
    javax.tools.FileObject file = processingEnv.getElementUtils().getFileObjectOf(top);
    if (file == null || !file.getName().endsWith(".java")) {
      return; // from a class file, or a source the compiler does not name
    }
    String name = file.getName();
    String fileName = name.substring(name.lastIndexOf('/') + 1);
    String simple = top.getSimpleName().toString();
    if (!fileName.equals(simple + ".java")) {
      String primary = fileName.substring(0, fileName.length() - ".java".length());
      processingEnv
          .getMessager()
          .printMessage(
              javax.tools.Diagnostic.Kind.WARNING,
              Diagnostics.GEN_001_AUXILIARY_CLASS.formatted(
                  simple, fileName, simple, simple, primary),
              type);
    }
  }

  /**
   * Reports one of the processor's annotations on a local or anonymous class, or on a member of
   * one: javac does not show those to processors, so nothing would be generated for it.
   *
   * @param found the annotation
   */
  protected abstract void reportLocal(LocalDeclarations.Found found);

  /**
   * Reports an error at {@code tree}, a part of {@code found}'s compilation unit.
   *
   * @param found where the tree is
   * @param tree the tree to point at
   * @param message the message
   */
  protected final void error(LocalDeclarations.Found found, Tree tree, String message) {
    trees.printMessage(javax.tools.Diagnostic.Kind.ERROR, message, tree, found.unit());
  }

  /**
   * Runs first in every round, before the types are expanded; does nothing by default.
   *
   * @param annotations the round's annotations
   * @param round the round
   */
  protected void beforeTypes(Set<? extends TypeElement> annotations, RoundEnvironment round) {}

  /**
   * {@return further types to expand this round, besides those that use the annotation; none by
   * default} They are expanded with the others, in name order, each once.
   *
   * @param round the round
   */
  protected List<TypeElement> moreTypes(RoundEnvironment round) {
    return List.of();
  }

  /**
   * Validates and expands one type.
   *
   * @param type the type
   * @param lastRound whether this is the last round (nothing can be deferred any more)
   */
  protected abstract void processType(TypeElement type, boolean lastRound);

  /**
   * Looks again at {@code type} in the next round: a type it mentions may be generated by another
   * processor in this one.
   *
   * @param type the type
   */
  protected final void defer(TypeElement type) {
    collector.defer(type);
  }

  /**
   * {@return the methods of {@code type} carrying {@code annotation}, or null when the type was
   * deferred because a method's return type does not exist yet (it may be generated by another
   * processor), or, on the last round, skipped for that reason: javac reports the missing type
   * itself, and a Kyoto error saying the method does not return a future would only mislead}
   *
   * @param type the type
   * @param annotation the method annotation's qualified name
   * @param lastRound whether this is the last round
   */
  protected final List<ExecutableElement> annotatedMethodsOrDefer(
      TypeElement type, String annotation, boolean lastRound) {
    List<ExecutableElement> methods = Model.annotatedMethods(type, annotation);
    if (methods.stream().anyMatch(m -> m.getReturnType().getKind() == TypeKind.ERROR)) {
      if (!lastRound) {
        defer(type);
      }
      return null;
    }
    return methods;
  }
}
