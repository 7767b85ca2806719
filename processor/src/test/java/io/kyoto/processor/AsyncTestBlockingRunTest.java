package io.kyoto.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.kyoto.processor.ProcessorTestSupport.compile;
import static io.kyoto.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.google.testing.compile.Compilation;
import io.kyoto.runtime.TimeoutWithDumpException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Runs, through the JUnit Platform launcher, generated {@code @AsyncTest} methods with blocking
 * jobs: a failed test (by its timeout or by an assertion) waits for its blocking jobs a bounded
 * time only, and says which were left running; a passed test waits for every blocking job, as
 * dropping a tokio runtime does. The jobs that hang wait on a latch this class releases at the end.
 */
class AsyncTestBlockingRunTest {
  static final JavaFileObject SPEC =
      source(
          "demo.BlockingSpec",
          """
          package demo;

          import static org.junit.jupiter.api.Assertions.assertEquals;

          import io.kyoto.runtime.Flavor;
          import io.kyoto.runtime.Future;
          import io.kyoto.runtime.Task;
          import io.kyoto.runtime.Time;
          import io.kyoto.runtime.annotation.AsyncTest;
          import io.kyoto.runtime.sync.Notify;
          import java.time.Duration;
          import java.util.Map;
          import java.util.concurrent.ConcurrentHashMap;
          import java.util.concurrent.CountDownLatch;
          import java.util.concurrent.TimeUnit;
          import java.util.concurrent.atomic.AtomicBoolean;
          import org.junit.jupiter.api.AfterEach;
          import org.junit.jupiter.api.TestInfo;

          class BlockingSpec {
            /** Released by the launching test once the run is over: the hung jobs then end. */
            static final CountDownLatch RELEASE = new CountDownLatch(1);
            /** Whether each test's short job had run to its end when the test method returned. */
            static final Map<String, Boolean> JOB_DONE_AFTER = new ConcurrentHashMap<>();

            final AtomicBoolean jobDone = new AtomicBoolean();
            final Notify jobStarted = new Notify();

            static Void hang() throws InterruptedException {
              RELEASE.await(30, TimeUnit.SECONDS);
              return null;
            }

            /**
             * Sleeps, then records that it ran to its end. The test waits for it to start: a job
             * still queued when the runtime shuts down is cancelled, as in tokio.
             */
            Void shortJob(long millis) throws InterruptedException {
              jobStarted.notifyOne();
              Thread.sleep(millis);
              jobDone.set(true);
              return null;
            }

            @AfterEach
            void recordTheJob(TestInfo info) {
              JOB_DONE_AFTER.put(info.getTestMethod().orElseThrow().getName(), jobDone.get());
            }

            @AsyncTest(timeout = 300)
            Future<Void> timesOutOnAHungJob() {
              return Task.spawnBlocking(BlockingSpec::hang);
            }

            @AsyncTest(timeout = 5_000)
            Future<String> awaitsAJob() {
              return Task.spawnBlocking(() -> "done");
            }

            @AsyncTest(timeout = 5_000)
            Future<Void> passesWithAJobStillRunning() {
              Task.spawnBlocking(() -> shortJob(200));
              return jobStarted.notified();
            }

            @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2)
            Future<Void> failsWhileAJobHangs() {
              Task.spawnBlocking(BlockingSpec::hang);
              return Time.sleep(Duration.ofMillis(50))
                  .map(
                      v -> {
                        assertEquals(1, 2, "the assertion");
                        return null;
                      });
            }

            @AsyncTest
            Future<Void> failsWhileAShortJobRuns() {
              Task.spawnBlocking(() -> shortJob(200));
              return jobStarted
                  .notified()
                  .map(
                      v -> {
                        assertEquals(2, 1, "the assertion");
                        return null;
                      });
            }
          }
          """);

  record Finished(TestExecutionResult result, Duration took) {}

  static final Map<String, Finished> finished = new ConcurrentHashMap<>();
  static final List<DiscoveryIssue> issues = new CopyOnWriteArrayList<>();
  static ClassLoader loader;
  static Map<?, ?> jobDoneAfter;

  @BeforeAll
  static void run() throws Exception {
    Compilation compilation = compile(SPEC);
    assertThat(compilation).succeededWithoutWarnings();
    loader = ProcessorTestSupport.loader(compilation);
    Map<String, Long> started = new ConcurrentHashMap<>();
    ProcessorTestSupport.launch(
        List.of(selectClass(loader.loadClass("demo.BlockingSpec_AsyncTest"))),
        issues,
        new TestExecutionListener() {
          @Override
          public void executionStarted(TestIdentifier id) {
            if (id.getSource().orElse(null) instanceof MethodSource m) {
              started.put(m.getMethodName(), System.nanoTime());
            }
          }

          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.getSource().orElse(null) instanceof MethodSource m) {
              long took = System.nanoTime() - started.get(m.getMethodName());
              finished.put(m.getMethodName(), new Finished(result, Duration.ofNanos(took)));
            }
          }
        });
    jobDoneAfter = (Map<?, ?>) field("JOB_DONE_AFTER");
  }

  @AfterAll
  static void releaseTheHungJobs() throws Exception {
    if (loader != null) {
      ((CountDownLatch) field("RELEASE")).countDown();
    }
  }

  static Object field(String name) throws Exception {
    var field = loader.loadClass("demo.BlockingSpec").getDeclaredField(name);
    field.setAccessible(true);
    return field.get(null);
  }

  static Finished finished(String method) {
    Finished f = finished.get(method);
    assertNotNull(f, method + " in " + finished);
    return f;
  }

  static Throwable failure(String method) {
    Finished f = finished(method);
    assertEquals(TestExecutionResult.Status.FAILED, f.result().getStatus(), f.toString());
    // Far from the 30 s the hung jobs would take; the grace is 1 s.
    assertTrue(f.took().compareTo(Duration.ofSeconds(10)) < 0, f.toString());
    return f.result().getThrowable().orElseThrow();
  }

  @Test
  void aTimeoutOnAHungBlockingJobFailsPromptlyAndSaysTheJobWasLeftRunning() {
    Throwable e = failure("timesOutOnAHungJob_async");
    assertInstanceOf(TimeoutWithDumpException.class, e);
    assertTrue(
        e.getMessage()
            .startsWith("@AsyncTest BlockingSpec.timesOutOnAHungJob() timed out after 300 ms\n"),
        e.getMessage());
    assertEquals(1, e.getSuppressed().length, e.toString());
    Throwable left = e.getSuppressed()[0];
    assertInstanceOf(IllegalStateException.class, left);
    assertEquals(
        "The runtime did not stop within 1000 ms after the test failed: 1 blocking-pool thread(s)"
            + " still running their jobs, left behind (a spawnBlocking job cannot be interrupted)",
        left.getMessage());
  }

  @Test
  void anAssertionFailureWhileABlockingJobHangsFailsPromptlyWithTheAssertion() {
    Throwable e = failure("failsWhileAJobHangs_async");
    assertInstanceOf(AssertionError.class, e);
    assertTrue(
        e.getMessage().startsWith("the assertion ==> expected: <1> but was: <2>"), e.getMessage());
    assertEquals(1, e.getSuppressed().length, e.toString());
    assertTrue(
        e.getSuppressed()[0].getMessage().contains(": 1 blocking-pool thread(s) still running"),
        e.getSuppressed()[0].toString());
  }

  @Test
  void aFailedTestStillWaitsForAShortBlockingJobWithinTheGrace() {
    Throwable e = failure("failsWhileAShortJobRuns_async");
    assertInstanceOf(AssertionError.class, e);
    assertEquals(0, e.getSuppressed().length, e.toString());
    assertEquals(true, jobDoneAfter.get("failsWhileAShortJobRuns_async"), jobDoneAfter.toString());
  }

  @Test
  void aPassedTestWaitsForItsBlockingJobs() {
    for (String method : List.of("awaitsAJob_async", "passesWithAJobStillRunning_async")) {
      Finished f = finished(method);
      assertEquals(TestExecutionResult.Status.SUCCESSFUL, f.result().getStatus(), f.toString());
    }
    // The job sleeps 200 ms after the test's future completed: the runtime's close waited for it.
    assertEquals(
        true, jobDoneAfter.get("passesWithAJobStillRunning_async"), jobDoneAfter.toString());
    assertTrue(issues.isEmpty(), issues.toString());
    assertEquals(5, finished.size(), finished.toString());
  }
}
