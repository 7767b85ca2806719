package io.kyoto.examples.echo;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncTest;
import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.runtime.sync.Notify;
import java.time.Duration;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@code @AsyncTest} that hangs on purpose. Surefire finds the generated {@code
 * HangSpec_AsyncTest} but skips it (the inherited {@link CalledDirectlyOnly} condition); {@link
 * HangingAsyncTestTest} calls its generated method itself and checks the timeout's message.
 */
@ExtendWith(HangSpec.CalledDirectlyOnly.class)
class HangSpec {
  final Mpsc.Channel<String> channel = Mpsc.channel(1); // the sender stays open: no message, ever
  long waiterId;

  @AsyncTest(startPaused = true, timeout = 1_000) // real time: the paused clock's jumps don't count
  Future<String> waitsForAMessageThatNeverComes() {
    Task.spawn(Time.sleep(Duration.ofHours(1))); // done at once: the paused clock skips the hour
    waiterId = Task.spawn(new Notify().notified()).id(); // waits for good, as the test does
    return channel.rx().recv();
  }

  /** Keeps JUnit from running the hanging test by itself: it is expected to time out. */
  static final class CalledDirectlyOnly implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return ConditionEvaluationResult.disabled(
          "hangs on purpose; HangingAsyncTestTest runs it and checks its timeout message");
    }
  }
}
