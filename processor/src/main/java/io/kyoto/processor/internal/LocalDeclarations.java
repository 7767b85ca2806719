package io.kyoto.processor.internal;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Finds annotations on local and anonymous classes, and on their members, in the source trees of a
 * round. Annotation processors never see those: {@code RoundEnvironment.getElementsAnnotatedWith}
 * does not look into method bodies or initializers, so without this an annotated local class is
 * silently skipped, and the user only learns of it from a missing generated class.
 *
 * <p>The trees are not attributed yet when processors run, so an annotation is recognized by its
 * name as written: fully qualified, or a simple name that the compilation unit imports
 * (single-type, on-demand or module import) or that is declared in its own package.
 */
public final class LocalDeclarations {
  private LocalDeclarations() {}

  /**
   * One annotation found in a local context.
   *
   * @param annotation the annotation's qualified name
   * @param tree the annotation as written
   * @param declaration the annotated class or method
   * @param unit the compilation unit
   * @param where what the processor does not see, for messages: the annotated class itself ({@code
   *     the local class `Ev`}), or the class declaring the annotated method ({@code an anonymous
   *     class})
   * @param classAnnotations for an annotated method, the annotations (among those looked for) on
   *     its class; for an annotated class, on its enclosing local class, if any
   */
  public record Found(
      String annotation,
      AnnotationTree tree,
      Tree declaration,
      CompilationUnitTree unit,
      String where,
      Set<String> classAnnotations) {}

  /**
   * {@return the annotations named {@code annotations} on local and anonymous classes, and on
   * classes and methods declared in them, in the compilation units of {@code roots}, in source
   * order}
   *
   * @param trees the compiler's trees
   * @param elements element utilities
   * @param roots the round's root elements
   * @param annotations the qualified names of the annotations to look for
   */
  public static List<Found> find(
      Trees trees, Elements elements, Set<? extends Element> roots, Set<String> annotations) {
    Set<CompilationUnitTree> units = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Found> found = new ArrayList<>();
    for (Element root : roots) {
      if (!(root instanceof TypeElement)) {
        continue;
      }
      TreePath path = trees.getPath(root);
      if (path == null || !units.add(path.getCompilationUnit())) {
        continue; // from a class file, or a unit already scanned
      }
      new Scanner(elements, annotations, path.getCompilationUnit(), found)
          .scan(path.getCompilationUnit(), null);
    }
    return found;
  }

  private static final class Scanner extends TreePathScanner<Void, Void> {
    private final Elements elements;
    private final Set<String> annotations;
    private final CompilationUnitTree unit;
    private final List<Found> found;

    /** What the innermost enclosing class is, when it is in a local context; else null. */
    private String local;

    /** The annotations looked for on the innermost enclosing local-context class. */
    private Set<String> localAnnotations = Set.of();

    Scanner(
        Elements elements, Set<String> annotations, CompilationUnitTree unit, List<Found> found) {
      this.elements = elements;
      this.annotations = annotations;
      this.unit = unit;
      this.found = found;
    }

    @Override
    public Void visitClass(ClassTree c, Void unused) {
      Tree parent = getCurrentPath().getParentPath().getLeaf();
      boolean member = parent instanceof ClassTree || parent instanceof CompilationUnitTree;
      String where;
      if (!member) {
        where =
            c.getSimpleName().isEmpty()
                ? "an anonymous class"
                : "the local " + kind(c) + " `" + c.getSimpleName() + "`";
      } else if (local != null) {
        where = "`" + c.getSimpleName() + "`, nested in " + local;
      } else {
        where = null;
      }
      Set<String> own = Set.of();
      if (where != null) {
        own = collect(c.getModifiers(), c, where, localAnnotations);
      }
      String outerLocal = local;
      Set<String> outerAnnotations = localAnnotations;
      local = where;
      localAnnotations = own;
      try {
        return super.visitClass(c, unused);
      } finally {
        local = outerLocal;
        localAnnotations = outerAnnotations;
      }
    }

    @Override
    public Void visitMethod(MethodTree m, Void unused) {
      if (local != null) {
        collect(m.getModifiers(), m, local, localAnnotations);
      }
      return super.visitMethod(m, unused);
    }

    /** Records the annotations looked for on {@code declaration}; {@return their names} */
    private Set<String> collect(
        ModifiersTree modifiers, Tree declaration, String where, Set<String> classAnnotations) {
      Set<String> names = new LinkedHashSet<>();
      for (AnnotationTree a : modifiers.getAnnotations()) {
        String name = resolve(a.getAnnotationType());
        if (name != null) {
          names.add(name);
          found.add(new Found(name, a, declaration, unit, where, classAnnotations));
        }
      }
      return names;
    }

    /** {@return the qualified name among those looked for that {@code type} names, or null} */
    private String resolve(Tree type) {
      String written = type.toString();
      if (annotations.contains(written)) {
        return written;
      }
      if (!(type instanceof IdentifierTree)) {
        return null;
      }
      for (String name : annotations) {
        int dot = name.lastIndexOf('.');
        if (name.substring(dot + 1).equals(written)
            && imports(name.substring(0, dot), name.substring(dot + 1), name)) {
          return name;
        }
      }
      return null;
    }

    /** {@return whether the simple name {@code simple} names {@code qualified} in the unit} */
    private boolean imports(String pkg, String simple, String qualified) {
      String own = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
      boolean onDemand = false;
      for (ImportTree i : unit.getImports()) {
        if (i.isStatic()) {
          continue;
        }
        String imported = i.getQualifiedIdentifier().toString();
        if (i.isModule()) {
          onDemand |= inModule(imported, qualified);
        } else if (imported.equals(qualified)) {
          return true;
        } else if (imported.endsWith("." + simple)) {
          return false; // a single-type import of another type of that name
        } else if (imported.equals(pkg + ".*")) {
          onDemand = true;
        }
      }
      if (own.equals(pkg)) {
        return true;
      }
      // A type of that name in the unit's own package shadows an on-demand import.
      return onDemand
          && elements.getTypeElement(own.isEmpty() ? simple : own + "." + simple) == null;
    }

    private boolean inModule(String module, String qualified) {
      TypeElement type = elements.getTypeElement(qualified);
      if (type == null) {
        return false;
      }
      ModuleElement m = elements.getModuleOf(type);
      return m != null && m.getQualifiedName().contentEquals(module);
    }

    private static String kind(ClassTree c) {
      return switch (c.getKind()) {
        case INTERFACE -> "interface";
        case ENUM -> "enum";
        case RECORD -> "record";
        case ANNOTATION_TYPE -> "annotation interface";
        default -> "class";
      };
    }
  }
}
