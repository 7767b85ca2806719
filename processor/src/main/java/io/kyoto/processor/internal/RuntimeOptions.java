package io.kyoto.processor.internal;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * The runtime options of an {@code @AsyncMain} or {@code @AsyncTest} annotation, read from its
 * mirror (the processor does not depend on the runtime, so it never loads the annotation classes).
 *
 * @param multiThread whether the flavor is MULTI_THREAD
 * @param workerThreads the worker threads, 0 for the runtime's default
 * @param name the runtime name, empty for the default
 * @param startPaused whether the clock starts paused
 * @param timeoutMillis the test timeout, 0 for none (always 0 for {@code @AsyncMain})
 */
public record RuntimeOptions(
    boolean multiThread, int workerThreads, String name, boolean startPaused, long timeoutMillis) {

  /** The runtime class the generated code builds. */
  public static final ClassName RUNTIME = ClassName.get("io.kyoto.runtime", "Runtime");

  /** The future combinators, for {@code Futures.lazy}. */
  public static final ClassName FUTURES = ClassName.get("io.kyoto.runtime", "Futures");

  /**
   * Reads and validates the options of {@code mirror} on {@code element}, adding every problem to
   * {@code report}.
   *
   * @param elements the element utilities
   * @param element the annotated element
   * @param mirror its annotation
   * @param report where errors go
   * @return the options (meaningful only if nothing was reported)
   */
  public static RuntimeOptions read(
      Elements elements, Element element, AnnotationMirror mirror, List<Diagnostic> report) {
    Map<? extends ExecutableElement, ? extends AnnotationValue> explicit =
        mirror.getElementValues();
    Map<? extends ExecutableElement, ? extends AnnotationValue> all =
        elements.getElementValuesWithDefaults(mirror);
    boolean multiThread = true;
    int workerThreads = 0;
    AnnotationValue workerThreadsValue = null;
    String name = "";
    boolean startPaused = false;
    AnnotationValue startPausedValue = null;
    long timeout = 0;
    AnnotationValue timeoutValue = null;
    for (var entry : all.entrySet()) {
      AnnotationValue value = entry.getValue();
      boolean isExplicit = explicit.containsKey(entry.getKey());
      switch (entry.getKey().getSimpleName().toString()) {
        case "flavor" -> {
          if (value.getValue() instanceof VariableElement constant) {
            multiThread = constant.getSimpleName().contentEquals("MULTI_THREAD");
          }
        }
        case "workerThreads" -> {
          workerThreads = (Integer) value.getValue();
          workerThreadsValue = isExplicit ? value : null;
        }
        case "name" -> name = (String) value.getValue();
        case "startPaused" -> {
          startPaused = (Boolean) value.getValue();
          startPausedValue = isExplicit ? value : null;
        }
        case "timeout" -> {
          timeout = (Long) value.getValue();
          timeoutValue = value;
        }
        default -> {}
      }
    }
    if (workerThreadsValue != null) {
      if (!multiThread) {
        report.add(
            new Diagnostic(
                Diagnostics.OPT_001_WORKER_THREADS_FLAVOR, element, mirror, workerThreadsValue));
      }
      if (workerThreads == 0) {
        report.add(
            new Diagnostic(
                Diagnostics.OPT_002_WORKER_THREADS_ZERO, element, mirror, workerThreadsValue));
      }
    }
    if (workerThreads < 0) {
      report.add(
          new Diagnostic(
              Diagnostics.OPT_003_WORKER_THREADS_NEGATIVE.formatted(workerThreads),
              element,
              mirror,
              workerThreadsValue));
    }
    if (startPaused && multiThread) {
      report.add(
          new Diagnostic(
              Diagnostics.OPT_004_START_PAUSED_FLAVOR, element, mirror, startPausedValue));
    }
    if (timeout < 0) {
      report.add(
          new Diagnostic(
              Diagnostics.TEST_009_TIMEOUT_NEGATIVE.formatted(timeout),
              element,
              mirror,
              timeoutValue));
    }
    return new RuntimeOptions(multiThread, workerThreads, name, startPaused, timeout);
  }

  /** {@return the expression that builds the runtime, {@code Runtime.builder()...build()}} */
  public CodeBlock builder() {
    CodeBlock.Builder code = CodeBlock.builder().add("$T.builder()", RUNTIME);
    code.add(multiThread ? ".multiThread()" : ".currentThread()");
    if (workerThreads > 0) {
      code.add(".workerThreads($L)", workerThreads);
    }
    if (!name.isEmpty()) {
      code.add(".name($S)", name);
    }
    if (startPaused) {
      code.add(".startPaused(true)");
    }
    return code.add(".enableAll().build()").build();
  }
}
