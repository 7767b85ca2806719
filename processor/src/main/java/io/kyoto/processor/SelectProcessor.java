package io.kyoto.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import io.kyoto.processor.internal.Diagnostic;
import io.kyoto.processor.internal.Diagnostics;
import io.kyoto.processor.internal.LocalDeclarations;
import io.kyoto.processor.internal.Model;
import io.kyoto.processor.internal.TypeProcessor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Expands {@code @io.kyoto.runtime.annotation.Select} (tokio's {@code select!}) into a future
 * {@code <Type>_Select} in the type's package: one field per branch future, a {@code long} mask of
 * disabled branches, and a {@code poll} that polls each branch future directly and calls the user's
 * handler methods without reflection or per-poll allocation.
 *
 * <p>The processor never claims the annotations, so other processors can see them too.
 */
@AutoService(Processor.class)
public final class SelectProcessor extends TypeProcessor {
  static final String SELECT = "io.kyoto.runtime.annotation.Select";
  static final String BRANCH = "io.kyoto.runtime.annotation.Branch";
  static final String ELSE = "io.kyoto.runtime.annotation.Else";

  private static final ClassName FUTURE = ClassName.get("io.kyoto.runtime", "Future");
  private static final ClassName POLL = ClassName.get("io.kyoto.runtime", "Poll");
  private static final ClassName CONTEXT = ClassName.get("io.kyoto.runtime", "Context");
  private static final ClassName RUNTIME_SELECT = ClassName.get("io.kyoto.runtime", "Select");
  private static final int MAX_BRANCHES = 64;

  /**
   * The failure of a select whose branch future completed with null when its handler takes a
   * primitive: branch, select type, primitive, boxed type.
   */
  static final String NULL_INTO_PRIMITIVE =
      "branch `%s` of the select `%s` completed with null, which its handler's `%s` parameter"
          + " cannot take: declare the parameter `%s` to receive null, or use `@Branch(disableOnNull"
          + " = true)` to disable the branch on null (a closed channel's `recv()` completes with"
          + " null)";

  /** Creates the processor; javac calls this through the service loader. */
  public SelectProcessor() {
    super(SELECT, BRANCH, ELSE);
  }

  /** Reports {@code @Branch} and {@code @Else} used outside a {@code @Select} type. */
  @Override
  protected void beforeTypes(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement a : annotations) {
      String name = a.getQualifiedName().toString();
      if (name.equals(SELECT)) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(a)) {
        Element type = e.getEnclosingElement();
        if (type != null && hasUnresolvedAnnotation(type)) {
          continue; // javac reports it (`@Select` ambiguous, not imported): no second error
        }
        if (type == null || Model.mirror(type, SELECT) == null) {
          processingEnv
              .getMessager()
              .printMessage(
                  javax.tools.Diagnostic.Kind.ERROR,
                  Diagnostics.SELECT_009_OUTSIDE_SELECT.formatted(a.getSimpleName()),
                  e,
                  Model.mirror(e, name));
        }
      }
    }
  }

  /**
   * {@return whether {@code e} carries an annotation the compiler could not resolve} It may be the
   * {@code @Select} the branch belongs to, written in a way javac rejects (a name made ambiguous by
   * two on-demand imports, a missing import); javac's own error says why.
   */
  private static boolean hasUnresolvedAnnotation(Element e) {
    for (var m : e.getAnnotationMirrors()) {
      if (m.getAnnotationType().getKind() == javax.lang.model.type.TypeKind.ERROR) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reports a local {@code @Select} type, which the processor cannot see; and branch and else
   * methods in local or anonymous classes that are not {@code @Select} types (those in one are
   * covered by its error).
   */
  @Override
  protected void reportLocal(LocalDeclarations.Found found) {
    if (found.annotation().equals(SELECT)) {
      error(found, found.tree(), Diagnostics.SELECT_014_LOCAL_TYPE.formatted(found.where()));
    } else if (!found.classAnnotations().contains(SELECT)) {
      String simple = found.annotation().substring(found.annotation().lastIndexOf('.') + 1);
      error(found, found.tree(), Diagnostics.SELECT_009_OUTSIDE_SELECT.formatted(simple));
    }
  }

  /** One validated branch; {@code valueType} is null for a handler without a parameter. */
  private record BranchModel(
      ExecutableElement method, TypeMirror valueType, boolean disableOnNull) {
    /** {@return the boxed value type, or {@code ?} when the handler ignores the value} */
    TypeName futureArgument() {
      return valueType == null
          ? WildcardTypeName.subtypeOf(Object.class)
          : WildcardTypeName.subtypeOf(TypeName.get(valueType).box());
    }

    /** {@return the value type for a local, {@code Object} when the handler ignores it} */
    TypeName localType() {
      return valueType == null ? ClassName.get(Object.class) : TypeName.get(valueType).box();
    }

    /** {@return the handler's argument list: the value, or nothing} */
    String args(String value) {
      return valueType == null ? "" : value;
    }

    /** {@return whether the handler takes its value as a primitive, which null cannot be} */
    boolean primitive() {
      return valueType != null && valueType.getKind().isPrimitive();
    }

    String name() {
      return method.getSimpleName().toString();
    }

    String field() {
      return name() + "Future";
    }

    /** {@return the generated method that runs this branch's win} */
    String wonMethod() {
      return name() + "Won";
    }
  }

  @Override
  protected void processType(TypeElement type, boolean lastRound) {
    List<ExecutableElement> branchMethods = Model.annotatedMethods(type, BRANCH);
    List<ExecutableElement> elseMethods = Model.annotatedMethods(type, ELSE);
    List<ExecutableElement> all = new ArrayList<>(branchMethods);
    all.addAll(elseMethods);
    if (!lastRound && all.stream().anyMatch(SelectProcessor::mentionsErrorType)) {
      defer(type); // a type there may be generated later
      return;
    }
    List<Diagnostic> report = new ArrayList<>();
    AnnotationMirror selectMirror = Model.mirror(type, SELECT);
    boolean typeOk =
        Model.reachable(type)
            && type.getTypeParameters().isEmpty()
            && (type.getKind() == ElementKind.CLASS
                || type.getKind() == ElementKind.INTERFACE
                || type.getKind() == ElementKind.RECORD);
    if (!typeOk) {
      report.add(
          new Diagnostic(
              Diagnostics.SELECT_008_TYPE.formatted(type.getQualifiedName()),
              type,
              selectMirror,
              null));
    }
    if (branchMethods.isEmpty()) {
      report.add(new Diagnostic(Diagnostics.SELECT_002_NO_BRANCHES, type, selectMirror, null));
    }
    if (branchMethods.size() > MAX_BRANCHES) {
      report.add(
          new Diagnostic(
              Diagnostics.SELECT_001_TOO_MANY_BRANCHES.formatted(branchMethods.size()),
              branchMethods.get(MAX_BRANCHES),
              Model.mirror(branchMethods.get(MAX_BRANCHES), BRANCH),
              null));
    }
    for (int i = 1; i < elseMethods.size(); i++) {
      report.add(
          new Diagnostic(
              Diagnostics.SELECT_003_DUPLICATE_ELSE.formatted(
                  type.getSimpleName(), elseMethods.get(0).getSimpleName()),
              elseMethods.get(i),
              Model.mirror(elseMethods.get(i), ELSE),
              null));
    }
    TypeMirror valueType = null;
    Map<String, ExecutableElement> names = new HashMap<>();
    List<BranchModel> branches = new ArrayList<>();
    for (ExecutableElement m : all) {
      boolean isBranch = branchMethods.contains(m);
      String kind = isBranch ? "Branch" : "Else";
      checkModifiers(m, kind, report);
      TypeMirror ret = m.getReturnType();
      if (ret.getKind() == TypeKind.VOID) {
        report.add(new Diagnostic(Diagnostics.SELECT_010_VOID, m, null, null));
      } else if (valueType == null) {
        valueType = ret;
      } else if (!processingEnv.getTypeUtils().isSameType(valueType, ret)) {
        report.add(
            new Diagnostic(
                Diagnostics.SELECT_004_RETURN_TYPE.formatted(valueType, ret), m, null, null));
      }
      checkNameable(m, report);
      if (isBranch && m.getParameters().size() > 1) {
        report.add(
            new Diagnostic(
                Diagnostics.SELECT_006_PARAMETERS.formatted(
                    "a `@Branch` method takes one parameter, the value of its future, or none to"
                        + " ignore the value",
                    Model.parameters(m)),
                m,
                null,
                null));
      } else if (!isBranch && !m.getParameters().isEmpty()) {
        report.add(
            new Diagnostic(
                Diagnostics.SELECT_006_PARAMETERS.formatted(
                    "an `@Else` method takes no parameters", Model.parameters(m)),
                m,
                null,
                null));
      }
      if (isBranch) {
        String name = m.getSimpleName().toString();
        if (names.putIfAbsent(name, m) != null) {
          report.add(
              new Diagnostic(
                  Diagnostics.SELECT_007_DUPLICATE_BRANCH.formatted(name),
                  m,
                  Model.mirror(m, BRANCH),
                  null));
        }
        if (m.getParameters().size() <= 1) {
          branches.add(
              new BranchModel(
                  m,
                  m.getParameters().isEmpty() ? null : m.getParameters().get(0).asType(),
                  booleanValue(m, "disableOnNull")));
        }
      }
    }
    Diagnostics.print(processingEnv.getMessager(), report);
    if (report.isEmpty()) {
      boolean biased = booleanValue("biased", selectMirror);
      write(type, valueType, branches, elseMethods.isEmpty() ? null : elseMethods.get(0), biased);
    }
  }

  private static boolean mentionsErrorType(ExecutableElement m) {
    return m.getReturnType().getKind() == TypeKind.ERROR
        || m.getParameters().stream().anyMatch(p -> p.asType().getKind() == TypeKind.ERROR);
  }

  private static void checkModifiers(ExecutableElement m, String kind, List<Diagnostic> report) {
    if (m.getModifiers().contains(Modifier.STATIC)) {
      report.add(
          new Diagnostic(
              Diagnostics.SELECT_005_MODIFIERS.formatted(kind, "static"), m, null, null));
    }
    if (m.getModifiers().contains(Modifier.PRIVATE)) {
      report.add(
          new Diagnostic(
              Diagnostics.SELECT_005_MODIFIERS.formatted(kind, "private"), m, null, null));
    }
  }

  /** Reports what the generated select could not name or call: type variables, private types. */
  private void checkNameable(ExecutableElement m, List<Diagnostic> report) {
    if (!m.getTypeParameters().isEmpty()) {
      report.add(
          new Diagnostic(
              Diagnostics.SELECT_011_TYPE_VARIABLES.formatted(
                  String.join(
                      ", ",
                      m.getTypeParameters().stream()
                          .map(t -> t.getSimpleName().toString())
                          .toList())),
              m,
              null,
              null));
    }
    List<TypeMirror> signature = new ArrayList<>();
    signature.add(m.getReturnType());
    m.getParameters().forEach(p -> signature.add(p.asType()));
    for (TypeMirror t : signature) {
      TypeElement hidden = Model.privateTypeIn(t);
      if (hidden != null) {
        report.add(
            new Diagnostic(
                Diagnostics.SELECT_012_PRIVATE_TYPE.formatted(hidden.getQualifiedName()),
                m,
                null,
                null));
        break;
      }
    }
    TypeMirror thrown =
        Model.thrownNonException(processingEnv.getElementUtils(), processingEnv.getTypeUtils(), m);
    if (thrown != null) {
      report.add(new Diagnostic(Diagnostics.SELECT_013_THROWS.formatted(thrown), m, null, null));
    }
  }

  private boolean booleanValue(ExecutableElement m, String member) {
    return booleanValue(member, Model.mirror(m, BRANCH));
  }

  private boolean booleanValue(String member, AnnotationMirror mirror) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        processingEnv.getElementUtils().getElementValuesWithDefaults(mirror).entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(member)) {
        return (Boolean) entry.getValue().getValue();
      }
    }
    return false;
  }

  private void write(
      TypeElement type,
      TypeMirror valueType,
      List<BranchModel> branches,
      ExecutableElement elseMethod,
      boolean biased) {
    ClassName user = ClassName.get(type);
    String name = Model.flatName(type) + "_Select";
    ClassName self = ClassName.get(user.packageName(), name);
    TypeName value = TypeName.get(valueType).box();
    int n = branches.size();
    String allDisabled = n == MAX_BRANCHES ? "-1L" : "0x" + Long.toHexString((1L << n) - 1) + "L";

    TypeSpec.Builder cls =
        TypeSpec.classBuilder(name)
            .addJavadoc(
                "The select declared by {@link $T}: a future of the first of its branch futures to"
                    + " complete, mapped by its handler.\n\n"
                    + "<p>Branches, in order: $L.\n",
                user,
                String.join(", ", branches.stream().map(BranchModel::name).toList()))
            .addAnnotations(
                Model.generated(processingEnv.getElementUtils(), type, SelectProcessor.class))
            .addAnnotation(Model.suppressDeprecation())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(ParameterizedTypeName.get(FUTURE, value))
            .addOriginatingElement(type)
            .addField(
                FieldSpec.builder(long.class, "ALL_DISABLED", Modifier.PRIVATE, Modifier.STATIC)
                    .addModifiers(Modifier.FINAL)
                    .addJavadoc("The value of {@link #disabled} when every branch is.\n")
                    .initializer("$L", allDisabled)
                    .build())
            .addField(
                FieldSpec.builder(user, "handlers", Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("The handler methods' receiver.\n")
                    .build());
    MethodSpec.Builder of =
        MethodSpec.methodBuilder("of")
            .addJavadoc(
                "{@return a select over the given branch futures} A null future disables its"
                    + " branch (a false precondition).\n\n"
                    + "@param handlers the handler methods' receiver\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addParameter(user, "handlers")
            .addStatement("$T s = new $T(handlers)", self, self);
    for (int i = 0; i < n; i++) {
      BranchModel b = branches.get(i);
      TypeName futureType = ParameterizedTypeName.get(FUTURE, b.futureArgument());
      cls.addField(
          FieldSpec.builder(futureType, b.field(), Modifier.PRIVATE)
              .addJavadoc(
                  "The future of branch {@code $N}; null once disabled, completed or cancelled.\n",
                  b.name())
              .build());
      of.addJavadoc(
              "@param $N the future of branch {@code $N}, or null to disable it\n",
              b.field(),
              b.name())
          .addParameter(futureType, b.field())
          .addStatement("s.$N = $N", b.field(), b.field())
          .beginControlFlow("if ($N == null)", b.field())
          .addStatement("s.disabled |= 1L << $L", i)
          .endControlFlow();
    }
    of.addStatement("return s");
    cls.addField(
        FieldSpec.builder(long.class, "disabled", Modifier.PRIVATE)
            .addJavadoc("The disabled branches, bit {@code i} for branch {@code i}.\n")
            .build());
    cls.addMethod(
        MethodSpec.constructorBuilder()
            .addJavadoc(
                "Creates a select with no branch futures yet; see {@link #of}.\n\n"
                    + "@param handlers the handler methods' receiver\n")
            .addModifiers(Modifier.PRIVATE)
            .addParameter(user, "handlers")
            .addStatement(
                "this.handlers = $T.requireNonNull(handlers, $S)",
                java.util.Objects.class,
                "handlers")
            .build());
    cls.addMethod(of.build());

    MethodSpec.Builder poll =
        MethodSpec.methodBuilder("poll")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(ParameterizedTypeName.get(POLL, value))
            .addParameter(CONTEXT, "cx")
            .addException(Exception.class)
            .beginControlFlow("if (!cx.hasBudgetRemaining())")
            .addStatement("cx.waker().wake()")
            .addStatement("return $T.pending()", POLL)
            .endControlFlow();
    if (biased) {
      poll.addStatement("int start = 0");
    } else {
      poll.addStatement("int start = $T.randomStart($L)", RUNTIME_SELECT, n);
    }
    poll.addStatement("int i = start")
        .beginControlFlow("try")
        .beginControlFlow("for (int k = 0; k < $L; k++, i = i + 1 == $L ? 0 : i + 1)", n, n)
        .beginControlFlow("if ((disabled & (1L << i)) != 0)")
        .addStatement("continue")
        .endControlFlow()
        .beginControlFlow("switch (i)");
    // poll() stays small enough for the JIT to inline into its caller (FreqInlineSize, 325
    // bytecodes), so that a select awaited in place allocates nothing: the win and failure paths
    // are methods of their own.
    for (int i = 0; i < n; i++) {
      BranchModel b = branches.get(i);
      TypeName v = b.localType();
      CodeBlock.Builder c =
          CodeBlock.builder()
              .add("case $L -> {\n", i)
              .indent()
              .addStatement("$T<? extends $T> p = $N.poll(cx)", POLL, v, b.field());
      if (b.disableOnNull()) {
        // null when the value was null and the branch is now disabled
        c.beginControlFlow("if (p.isReady())")
            .addStatement("$T<$T> won = $N(p)", POLL, value, b.wonMethod())
            .beginControlFlow("if (won != null)")
            .addStatement("return won")
            .endControlFlow()
            .endControlFlow();
      } else {
        c.beginControlFlow("if (p.isReady())")
            .addStatement("return $N(p)", b.wonMethod())
            .endControlFlow();
      }
      c.unindent().add("}\n");
      poll.addCode(c.build());
    }
    poll.endControlFlow()
        .endControlFlow()
        .nextControlFlow("catch ($T failure)", Throwable.class)
        .addStatement("failed(failure)")
        .addStatement("throw failure")
        .endControlFlow()
        .addStatement("return finish()");
    cls.addMethod(poll.build());

    for (int i = 0; i < n; i++) {
      BranchModel b = branches.get(i);
      TypeName v = b.localType();
      MethodSpec.Builder won =
          MethodSpec.methodBuilder(b.wonMethod())
              .addModifiers(Modifier.PRIVATE)
              .returns(ParameterizedTypeName.get(POLL, value))
              .addParameter(ParameterizedTypeName.get(POLL, WildcardTypeName.subtypeOf(v)), "p")
              .addException(Exception.class)
              .addStatement("$N = null", b.field());
      if (b.disableOnNull()) {
        won.addJavadoc(
                "Branch {@code $L} completed: with null it is disabled; otherwise it cancels the"
                    + " others and runs\nits handler.\n\n"
                    + "@param p the branch future's ready poll\n"
                    + "@return the handler's value, or null when the branch is disabled\n"
                    + "@throws Exception what the handler or a cancel throws\n",
                b.name())
            .addStatement("$T value = p.value()", v)
            .beginControlFlow("if (value == null)")
            .addStatement("disabled |= 1L << $L", i)
            .addStatement("return null")
            .endControlFlow()
            .addStatement("cancel()")
            .addStatement("return $T.ready(handlers.$N($L))", POLL, b.name(), b.args("value"));
      } else if (b.primitive()) {
        // Unboxing a null would throw an NPE naming Poll.value() and nothing the user wrote.
        won.addJavadoc(
                "Branch {@code $L} completed: cancels the others and runs its handler.\n\n"
                    + "@param p the branch future's ready poll\n"
                    + "@return the handler's value\n"
                    + "@throws NullPointerException if the value is null: the handler takes a"
                    + " {@code $L}\n"
                    + "@throws Exception what the handler or a cancel throws\n",
                b.name(),
                b.valueType())
            .addStatement("$T value = p.value()", v)
            .beginControlFlow("if (value == null)")
            .addStatement(
                "throw new $T($S)",
                NullPointerException.class,
                NULL_INTO_PRIMITIVE.formatted(
                    b.name(),
                    type.getQualifiedName(),
                    b.valueType(),
                    v instanceof ClassName boxed ? boxed.simpleName() : v))
            .endControlFlow()
            .addStatement("cancel()")
            .addStatement("return $T.ready(handlers.$N(value))", POLL, b.name());
      } else {
        won.addJavadoc(
                "Branch {@code $L} completed: cancels the others and runs its handler.\n\n"
                    + "@param p the branch future's ready poll\n"
                    + "@return the handler's value\n"
                    + "@throws Exception what the handler or a cancel throws\n",
                b.name())
            .addStatement("cancel()")
            .addStatement("return $T.ready(handlers.$N($L))", POLL, b.name(), b.args("p.value()"));
      }
      cls.addMethod(won.build());
    }

    cls.addMethod(
        MethodSpec.methodBuilder("failed")
            .addJavadoc(
                "A branch future or handler threw {@code failure}: as {@link $T}, the failed"
                    + " future is dropped\n(cancelled once) with the others, and what their"
                    + " cancels throw is suppressed into\n{@code failure}, which stays the"
                    + " select's outcome.\n\n"
                    + "@param failure what was thrown\n",
                RUNTIME_SELECT)
            .addModifiers(Modifier.PRIVATE)
            .addParameter(Throwable.class, "failure")
            .addStatement("$T thrown = cancelBranches()", Throwable.class)
            .beginControlFlow("if (thrown != null && thrown != failure)")
            .addStatement("failure.addSuppressed(thrown)")
            .endControlFlow()
            .build());

    MethodSpec.Builder finish =
        MethodSpec.methodBuilder("finish")
            .addJavadoc(
                "{@return pending, or, when every branch is disabled, $L}\n\n"
                    + "@throws Exception $L\n",
                elseMethod != null ? "the else branch's value" : "a failure",
                elseMethod != null
                    ? "what the else branch throws"
                    : "{@link IllegalStateException}: every branch is disabled")
            .addModifiers(Modifier.PRIVATE)
            .returns(ParameterizedTypeName.get(POLL, value))
            .addException(Exception.class)
            .beginControlFlow("if (disabled == ALL_DISABLED)")
            .addStatement("cancel()");
    if (elseMethod != null) {
      finish.addStatement("return $T.ready(handlers.$N())", POLL, elseMethod.getSimpleName());
    } else {
      finish.addStatement("throw $T.allBranchesDisabled()", RUNTIME_SELECT);
    }
    finish.endControlFlow().addStatement("return $T.pending()", POLL);
    cls.addMethod(finish.build());

    MethodSpec.Builder cancelBranches =
        MethodSpec.methodBuilder("cancelBranches")
            .addJavadoc(
                "Cancels every branch future that has neither completed nor been cancelled (a"
                    + " failed one too: dropped),\neach even if another's {@code cancel()} throws.\n\n"
                    + "@return what those cancels threw (the first, later ones suppressed), or"
                    + " null\n")
            .addModifiers(Modifier.PRIVATE)
            .returns(Throwable.class)
            .addStatement("$T thrown = null", Throwable.class);
    for (BranchModel b : branches) {
      cancelBranches
          .beginControlFlow("if ($N != null)", b.field())
          .addStatement("$T<?> f = $N", FUTURE, b.field())
          .addStatement("$N = null", b.field())
          .addStatement("thrown = $T.cancelBranch(f, thrown)", RUNTIME_SELECT)
          .endControlFlow();
    }
    cancelBranches.addStatement("return thrown");
    cls.addMethod(cancelBranches.build());

    cls.addMethod(
        MethodSpec.methodBuilder("cancel")
            .addJavadoc(
                "Cancels every branch future that has not completed; if some {@code cancel()}"
                    + " threw, rethrows\nthe first exception, later ones suppressed.\n")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addStatement("$T.rethrowCancelFailure(cancelBranches())", RUNTIME_SELECT)
            .build());

    // What a task dump shows for a task waiting in this select: each branch and what it waits for.
    MethodSpec.Builder describe =
        MethodSpec.methodBuilder("toString")
            .addJavadoc(
                "{@return the select and each branch's future (its description), or {@code off}"
                    + " once it is disabled,\ncompleted or cancelled}\n")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class);
    CodeBlock.Builder text = CodeBlock.builder().add("return $S", name + "[");
    for (int i = 0; i < branches.size(); i++) {
      BranchModel b = branches.get(i);
      text.add(
          "\n    + $S + ($N == null ? $S : $T.valueOf($N))",
          (i == 0 ? "" : ", ") + b.name() + ": ",
          b.field(),
          "off",
          String.class,
          b.field());
    }
    describe.addStatement(text.add("\n    + $S", "]").build());
    cls.addMethod(describe.build());

    try {
      JavaFile.builder(user.packageName(), cls.build())
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
