package io.kyoto.runtime.internal.rt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockingPollDetectorTest {
  private static StackTraceElement frame(String cls, String method) {
    return new StackTraceElement(cls, method, null, -1);
  }

  @Test
  void aPollStuckInClassLoadingIsReportedAsFirstUseWarmUp() {
    StackTraceElement[] stack = {
      frame("java.lang.ClassLoader", "defineClass1"),
      frame("java.lang.ClassLoader", "defineClass"),
      frame("java.lang.ClassLoader", "loadClass"),
      frame("tools.jackson.databind.ObjectMapper", "readValue"),
      frame("io.kyoto.runtime.internal.task.TaskCore", "run"),
    };
    String m = BlockingPollDetector.message("kyoto-worker-0", 100, "Task{id=1, running}", stack);
    assertTrue(
        m.startsWith(
            "A task poll has blocked runtime thread kyoto-worker-0 for more than 100 ms (Task{id=1, running})."),
        m);
    assertTrue(m.contains("loading classes"), m);
    assertTrue(m.contains("Warm it up at start-up"), m);
    assertFalse(m.contains("Task.yieldNow"), m);
  }

  @Test
  void aStaticInitialiserCountsAsClassLoading() {
    StackTraceElement[] stack = {
      frame("com.acme.Heavy", "<clinit>"), frame("io.kyoto.runtime.internal.task.TaskCore", "run"),
    };
    assertTrue(BlockingPollDetector.loadingClasses(stack));
  }

  @Test
  void aBlockingCallGetsTheUsualAdvice() {
    StackTraceElement[] stack = {
      frame("java.lang.Thread", "sleep0"),
      frame("java.lang.Thread", "sleep"),
      frame("io.kyoto.runtime.internal.task.TaskCore", "run"),
    };
    String m = BlockingPollDetector.message("w", 20, "Task{id=2, running}", stack);
    assertFalse(BlockingPollDetector.loadingClasses(stack));
    assertTrue(m.contains("Blocking calls belong in Task.spawnBlocking"), m);
    assertFalse(m.contains("loading classes"), m);
  }

  @Test
  void aPollThatEndedBeforeItsStackWasTakenShowsNoStackAndSaysWhy() {
    String m = BlockingPollDetector.message("w", 100, "Task{id=3, complete}", null);
    assertTrue(m.contains("ended before its stack could be taken"), m);
    assertTrue(m.contains("overloaded"), m);
    assertFalse(m.contains("Task.spawnBlocking"), m);
  }
}
