package io.kyoto.runtime.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Signals delivered through the JVM's signal thread ({@link Signals#raise}). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalsTest {
  /**
   * {@return whether this process started with SIGHUP ignored (under {@code nohup}): the JVM then
   * keeps it ignored, Kyoto logs a warning, and no hangup can be observed}
   */
  static boolean hangupIgnored() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0; // bit 0: SIGHUP
      }
    }
    return false;
  }

  /**
   * Creates the future named by {@code args[0]} in a JVM started with SIGINT ignored, then exits.
   */
  public static final class IgnoredInterruptProbe {
    public static void main(String[] args) {
      Future<Void> f =
          switch (args[0]) {
            case "shutdown" -> Signals.shutdown();
            case "ctrlC" -> Signals.ctrlC();
            default -> throw new IllegalArgumentException(args[0]);
          };
      System.out.println("created " + (f != null));
    }
  }

  /**
   * Runs {@link IgnoredInterruptProbe} under {@code sh} with SIGINT ignored; returns its stderr.
   */
  private static String stderrWithInterruptIgnored(String which) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "trap '' INT; exec \"$@\"",
                "sh",
                java,
                "-cp",
                System.getProperty("java.class.path"),
                IgnoredInterruptProbe.class.getName(),
                which)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    return err;
  }

  /**
   * A server started in the background of a non-interactive shell has SIGINT ignored; it still
   * stops on SIGTERM, so {@code shutdown()} (Ctrl-C or SIGTERM) has nothing to warn about, while
   * {@code ctrlC()} alone can never complete and says so.
   */
  @Test
  void onlyAWaitThatCanNeverEndWarnsAboutAnIgnoredInterrupt() throws Exception {
    String warning = "SIGINT is ignored by this process";
    String shutdown = stderrWithInterruptIgnored("shutdown");
    assertFalse(shutdown.contains(warning), shutdown);
    String ctrlC = stderrWithInterruptIgnored("ctrlC");
    assertTrue(ctrlC.contains(warning), ctrlC);
  }

  @Test
  void everyWaiterSeesTheNextHangup() throws Exception {
    assumeFalse(hangupIgnored(), "SIGHUP is ignored by this process (nohup)");
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      Future<Void> a = Signals.signal(SignalKind.HANGUP);
      Future<Void> b = Signals.signal(SignalKind.HANGUP);
      var ha = rt.spawn(a);
      var hb = rt.spawn(b);
      Signals.raise(SignalKind.HANGUP);
      rt.blockOn(ha);
      rt.blockOn(hb);
      assertTrue(ha.isFinished() && hb.isFinished());
    }
  }

  /** Raises {@code kind} and returns once the JVM's signal thread has delivered it. */
  private static void raiseAndWaitForDelivery(SignalKind kind) throws Exception {
    CountDownLatch delivered = new CountDownLatch(1);
    Future<Void> witness = Signals.signal(kind);
    assertTrue(witness.poll(new Context(delivered::countDown)).isPending());
    Signals.raise(kind);
    assertTrue(delivered.await(10, TimeUnit.SECONDS), "the signal was not delivered");
    witness.cancel();
  }

  @Test
  void aSignalStreamYieldsASignalDeliveredWhileNobodyWaited() throws Exception {
    assumeFalse(hangupIgnored(), "SIGHUP is ignored by this process (nohup)");
    Context cx = new Context(Waker.noop());
    Stream<SignalKind> hangups = Signals.stream(SignalKind.HANGUP);
    assertTrue(hangups.pollNext(cx).isPending());
    raiseAndWaitForDelivery(SignalKind.HANGUP);
    assertEquals(SignalKind.HANGUP, hangups.pollNext(cx).value());
    // Between two waits (a loop's body runs), the next signal arrives: a new signal() future
    // would miss it; the stream remembers it.
    raiseAndWaitForDelivery(SignalKind.HANGUP);
    assertTrue(Signals.signal(SignalKind.HANGUP).poll(cx).isPending(), "one-shot futures miss it");
    assertEquals(SignalKind.HANGUP, hangups.pollNext(cx).value());
    // Two deliveries before the next poll are one item, as in tokio.
    raiseAndWaitForDelivery(SignalKind.HANGUP);
    raiseAndWaitForDelivery(SignalKind.HANGUP);
    assertEquals(SignalKind.HANGUP, hangups.pollNext(cx).value());
    assertTrue(hangups.pollNext(cx).isPending());
    hangups.cancel();
  }

  @Test
  void aSignalStreamWakesItsTaskAndACancelledOneIsForgotten() throws Exception {
    assumeFalse(hangupIgnored(), "SIGHUP is ignored by this process (nohup)");
    AtomicInteger cancelledWakes = new AtomicInteger();
    Stream<SignalKind> cancelled = Signals.stream(SignalKind.HANGUP);
    assertTrue(cancelled.pollNext(new Context(cancelledWakes::incrementAndGet)).isPending());
    cancelled.cancel();
    CountDownLatch woken = new CountDownLatch(1);
    Context cx = new Context(woken::countDown);
    Stream<SignalKind> hangups = Signals.stream(SignalKind.HANGUP);
    assertTrue(hangups.pollNext(cx).isPending());
    Signals.raise(SignalKind.HANGUP);
    assertTrue(woken.await(10, TimeUnit.SECONDS), "the stream's waker was not woken");
    assertEquals(SignalKind.HANGUP, hangups.pollNext(cx).value());
    assertEquals(0, cancelledWakes.get(), "a cancelled stream's waker stays registered");
  }

  @Test
  void cancellingOneSignalFutureOfATaskKeepsItsOtherSignalFutureWaiting() throws Exception {
    assumeFalse(hangupIgnored(), "SIGHUP is ignored by this process (nohup)");
    // One task polls two futures of the same signal (both with the task's one waker), then
    // cancels one of them, e.g. the loser of a timeout: the other must still be woken.
    CountDownLatch woken = new CountDownLatch(1);
    Context cx = new Context(woken::countDown);
    Future<Void> kept = Signals.signal(SignalKind.HANGUP);
    Future<Void> dropped = Signals.signal(SignalKind.HANGUP);
    assertTrue(kept.poll(cx).isPending());
    assertTrue(dropped.poll(cx).isPending());
    dropped.cancel();
    Signals.raise(SignalKind.HANGUP);
    assertTrue(woken.await(10, TimeUnit.SECONDS), "the remaining signal future was not woken");
    assertTrue(kept.poll(cx).isReady());
  }

  @Test
  void shutdownCompletesOnSigtermAndACancelledWaiterIsForgotten() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      Future<Void> cancelled = Signals.shutdown();
      AtomicInteger wakes = new AtomicInteger();
      Waker counting = wakes::incrementAndGet;
      assertTrue(cancelled.poll(new Context(counting)).isPending());
      cancelled.cancel();
      Future<Void> stop = Signals.shutdown();
      CountDownLatch waiting = new CountDownLatch(1);
      var h =
          rt.spawn(
              cx -> {
                waiting.countDown();
                return stop.poll(cx);
              });
      Thread raiser =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      waiting.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      return;
                    }
                    Signals.raise(SignalKind.TERMINATE);
                  });
      rt.blockOn(h);
      raiser.join();
      assertTrue(h.isFinished());
      assertTrue(wakes.get() == 0, "a cancelled signal future must not be woken");
    }
  }
}
