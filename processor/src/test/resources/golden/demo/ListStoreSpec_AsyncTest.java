package demo;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.lang.Exception;
import java.lang.IllegalStateException;
import java.lang.Integer;
import java.lang.Override;
import java.lang.SuppressWarnings;
import java.lang.Throwable;
import java.time.Duration;
import java.util.List;
import javax.annotation.processing.Generated;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the {@code @AsyncTest} methods of {@link ListStoreSpec} as JUnit Jupiter tests, each on a fresh runtime.
 */
@Generated("io.kyoto.processor.AsyncTestProcessor")
@SuppressWarnings({"deprecation", "removal", "rawtypes", "unchecked", "serial"})
@DisplayName("ListStoreSpec")
class ListStoreSpec_AsyncTest extends ListStoreSpec {
  /**
   * Creates an instance of the test class; JUnit calls this for each test.
   */
  ListStoreSpec_AsyncTest() {
  }

  /**
   * Runs {@code stores(Object)} on a fresh runtime per invocation, for at most 5000 ms.
   *
   * @param value passed on to {@code stores}
   * @throws Exception what the test's future fails with
   */
  @ParameterizedTest
  @MethodSource("values")
  @DisplayName("stores(Object)")
  void stores_async(List<Integer> value) throws Exception {
    Runtime runtime = Runtime.builder().currentThread().enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> Time.timeoutWithDump(Duration.ofMillis(5000), "@AsyncTest ListStoreSpec.stores(Object)", super.stores(value))));
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
   * Hides the JUnit annotations of the inherited {@code stores}, a test template that returns a value,
   * which JUnit would report as not executable: its test is {@code stores_async}.
   */
  @Override
  Future<List<Integer>> stores(List<Integer> value) {
    return super.stores(value);
  }

  /**
   * Runs {@code reopens(RepetitionInfo)} on a fresh runtime per invocation.
   *
   * @param info passed on to {@code reopens}
   * @throws Exception what the test's future fails with
   */
  @RepeatedTest(2)
  @DisplayName("reopens(RepetitionInfo)")
  void reopens_async(RepetitionInfo info) throws Exception {
    Runtime runtime = Runtime.builder().currentThread().enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.reopens(info)));
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
   * Hides the JUnit annotations of the inherited {@code reopens}, a test template that returns a value,
   * which JUnit would report as not executable: its test is {@code reopens_async}.
   */
  @Override
  protected Future<List<Integer>> reopens(RepetitionInfo info) {
    return super.reopens(info);
  }

  /**
   * Runs {@code opens()} on a fresh runtime.
   *
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("opens()")
  void opens_async() throws Exception {
    Runtime runtime = Runtime.builder().currentThread().startPaused(true).enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.opens()));
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
