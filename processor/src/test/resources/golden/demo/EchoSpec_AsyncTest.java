package demo;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import java.lang.Exception;
import java.lang.IllegalStateException;
import java.lang.Integer;
import java.lang.Override;
import java.lang.String;
import java.lang.SuppressWarnings;
import java.lang.Throwable;
import java.time.Duration;
import javax.annotation.processing.Generated;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the {@code @AsyncTest} methods of {@link EchoSpec} as JUnit Jupiter tests, each on a fresh runtime.
 */
@Generated("io.kyoto.processor.AsyncTestProcessor")
@SuppressWarnings({"deprecation", "removal", "rawtypes", "unchecked", "serial"})
@DisplayName("EchoSpec")
class EchoSpec_AsyncTest extends EchoSpec {
  /**
   * Creates an instance of the test class; JUnit calls this for each test.
   */
  EchoSpec_AsyncTest() {
  }

  /**
   * Runs {@code echoes(int)} on a fresh runtime per invocation, for at most 5000 ms.
   *
   * @param n passed on to {@code echoes}
   * @throws Exception what the test's future fails with
   */
  @ParameterizedTest(
      name = "echoes {0}"
  )
  @ValueSource(
      ints = {
          1,
          2,
          3
      }
  )
  @Tag("echo")
  @DisplayName("echoes(int)")
  void echoes_async(int n) throws Exception {
    Runtime runtime = Runtime.builder().currentThread().enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> Time.timeoutWithDump(Duration.ofMillis(5000), "@AsyncTest EchoSpec.echoes(int)", super.echoes(n))));
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
   * Hides the JUnit annotations of the inherited {@code echoes}, a test template that returns a value,
   * which JUnit would report as not executable: its test is {@code echoes_async}.
   */
  @Override
  Future<Integer> echoes(int n) {
    return super.echoes(n);
  }

  /**
   * Runs {@code lines(String, TestInfo)} on a fresh runtime per invocation.
   *
   * @param line passed on to {@code lines}
   * @param info passed on to {@code lines}
   * @throws Exception what the test's future fails with
   */
  @ParameterizedTest
  @MethodSource("lines")
  @DisplayName("lines(String, TestInfo)")
  void lines_async(String line, TestInfo info) throws Exception {
    Runtime runtime = Runtime.builder().currentThread().enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.lines(line, info)));
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
   * Hides the JUnit annotations of the inherited {@code lines}, a test template that returns a value,
   * which JUnit would report as not executable: its test is {@code lines_async}.
   */
  @Override
  public Future<String> lines(String line, TestInfo info) {
    return super.lines(line, info);
  }

  /**
   * Runs {@code repeats(RepetitionInfo)} on a fresh runtime per invocation.
   *
   * @param repetition passed on to {@code repeats}
   * @throws Exception what the test's future fails with
   */
  @RepeatedTest(4)
  @DisplayName("repeats(RepetitionInfo)")
  void repeats_async(RepetitionInfo repetition) throws Exception {
    Runtime runtime = Runtime.builder().currentThread().startPaused(true).enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.repeats(repetition)));
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
   * Hides the JUnit annotations of the inherited {@code repeats}, a test template that returns a value,
   * which JUnit would report as not executable: its test is {@code repeats_async}.
   */
  @Override
  protected Future<Integer> repeats(RepetitionInfo repetition) {
    return super.repeats(repetition);
  }

  /**
   * Runs {@code informed(TestInfo)} on a fresh runtime.
   *
   * @param info passed on to {@code informed}
   * @throws Exception what the test's future fails with
   */
  @Test
  @DisplayName("informed(TestInfo)")
  void informed_async(TestInfo info) throws Exception {
    Runtime runtime = Runtime.builder().currentThread().enableAll().build();
    try {
      runtime.blockOn(Futures.lazy(() -> super.informed(info)));
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
