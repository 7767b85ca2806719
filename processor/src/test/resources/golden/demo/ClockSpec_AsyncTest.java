package demo;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.lang.Exception;
import java.lang.SuppressWarnings;
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
    try (Runtime runtime = Runtime.builder().currentThread().enableAll().build()) {
      runtime.blockOn(Futures.lazy(() -> super.ready()));
    }
  }

  /**
   * Runs {@code sleepsOnAPausedClock()} on a fresh runtime, for at most 5000 ms.
   *
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("sleepsOnAPausedClock()")
  void sleepsOnAPausedClock_async() throws Exception {
    try (Runtime runtime = Runtime.builder().currentThread().startPaused(true).enableAll().build()) {
      runtime.blockOn(Futures.lazy(() -> Time.timeoutWithDump(Duration.ofMillis(5000), "@AsyncTest ClockSpec.sleepsOnAPausedClock()", super.sleepsOnAPausedClock())));
    }
  }

  /**
   * Runs {@code onWorkers()} on a fresh runtime.
   *
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("onWorkers()")
  void onWorkers_async() throws Exception {
    try (Runtime runtime = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      runtime.blockOn(Futures.lazy(() -> super.onWorkers()));
    }
  }
}
