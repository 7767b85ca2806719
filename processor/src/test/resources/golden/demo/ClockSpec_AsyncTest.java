package demo;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.lang.Exception;
import java.lang.IllegalStateException;
import java.lang.SuppressWarnings;
import java.lang.Throwable;
import java.time.Duration;
import javax.annotation.processing.Generated;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@code @AsyncTest} methods of {@link ClockSpec} as JUnit Jupiter tests, each on a fresh runtime.
 */
@Generated("io.kyoto.processor.AsyncTestProcessor")
@SuppressWarnings({"deprecation", "removal", "rawtypes", "unchecked", "serial"})
@DisplayName("ClockSpec")
class ClockSpec_AsyncTest extends ClockSpec {
  /**
   * Creates an instance of the test class; JUnit calls this for each test.
   */
  ClockSpec_AsyncTest() {
  }

  /**
   * Runs {@code ready()} on a fresh runtime.
   *
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("ready()")
  void ready_async() throws Exception {
    Runtime runtime = Runtime.builder().currentThread().enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.ready()));
    } catch (Throwable failure) {
      // Failed: waits at most 1000 ms for the blocking jobs, then leaves them
      if (!runtime.shutdownTimeout(Duration.ofMillis(1000))) {
        failure.addSuppressed(new IllegalStateException("The runtime did not stop within 1000 ms after the test failed: " + runtime.metrics().numBlockingThreads() + " blocking-pool thread(s) still running their jobs, left behind (a spawnBlocking job cannot be interrupted)"));
      }
      throw failure;
    }
    // Passed: waits for every blocking job, as dropping a tokio runtime does
    runtime.close();
  }

  /**
   * Runs {@code sleepsOnAPausedClock()} on a fresh runtime, for at most 5000 ms.
   *
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("sleepsOnAPausedClock()")
  void sleepsOnAPausedClock_async() throws Exception {
    Runtime runtime = Runtime.builder().currentThread().startPaused(true).enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> Time.timeoutWithDump(Duration.ofMillis(5000), "@AsyncTest ClockSpec.sleepsOnAPausedClock()", super.sleepsOnAPausedClock())));
    } catch (Throwable failure) {
      // Failed: waits at most 1000 ms for the blocking jobs, then leaves them
      if (!runtime.shutdownTimeout(Duration.ofMillis(1000))) {
        failure.addSuppressed(new IllegalStateException("The runtime did not stop within 1000 ms after the test failed: " + runtime.metrics().numBlockingThreads() + " blocking-pool thread(s) still running their jobs, left behind (a spawnBlocking job cannot be interrupted)"));
      }
      throw failure;
    }
    // Passed: waits for every blocking job, as dropping a tokio runtime does
    runtime.close();
  }

  /**
   * Runs {@code onWorkers()} on a fresh runtime.
   *
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("onWorkers()")
  void onWorkers_async() throws Exception {
    Runtime runtime = Runtime.builder().multiThread().workerThreads(2).enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.onWorkers()));
    } catch (Throwable failure) {
      // Failed: waits at most 1000 ms for the blocking jobs, then leaves them
      if (!runtime.shutdownTimeout(Duration.ofMillis(1000))) {
        failure.addSuppressed(new IllegalStateException("The runtime did not stop within 1000 ms after the test failed: " + runtime.metrics().numBlockingThreads() + " blocking-pool thread(s) still running their jobs, left behind (a spawnBlocking job cannot be interrupted)"));
      }
      throw failure;
    }
    // Passed: waits for every blocking job, as dropping a tokio runtime does
    runtime.close();
  }
}
