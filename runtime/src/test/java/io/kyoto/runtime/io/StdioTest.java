package io.kyoto.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.IoTestSupport.CountingWaker;
import io.kyoto.runtime.process.Child;
import io.kyoto.runtime.process.Command;
import io.kyoto.runtime.process.Output;
import io.kyoto.runtime.process.Stdio;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Io#stdin()}, {@link Io#stdout()} and {@link Io#stderr()} in a child JVM ({@link Upper}),
 * driven through Kyoto's own process API.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StdioTest {
  /** Reads lines from stdin and writes each upper-cased to stdout, and a count to stderr. */
  public static final class Upper {
    private Upper() {}

    /**
     * Runs it.
     *
     * @param args unused
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
      try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
        int lines =
            rt.blockOn(
                Futures.lazy(
                    () -> {
                      Lines in = Io.lines(BufReader.create(Io.stdin()));
                      AsyncWrite out = Io.stdout();
                      return Futures.loop(
                          0,
                          n ->
                              in.nextLine()
                                  .flatMap(
                                      line ->
                                          line == null
                                              ? out.shutdown()
                                                  .map(v -> Futures.Step.<Integer, Integer>done(n))
                                              : out.writeAll(bytes(line.toUpperCase() + "\n"))
                                                  .map(
                                                      v ->
                                                          Futures.Step.<Integer, Integer>next(
                                                              n + 1))));
                    }));
        AsyncWrite err = Io.stderr(); // one handle: its flush waits for its own write
        rt.blockOn(err.writeAll(bytes(lines + " lines\n")).flatMap(v -> err.flush()));
      }
    }
  }

  /** Writes 2 MB of "y" lines to stdout until a write fails; says on stderr how that ended. */
  public static final class Yes {
    private static final String LINE = "y".repeat(99) + "\n";

    private Yes() {}

    /**
     * Runs it.
     *
     * @param args unused
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
      try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
        AsyncWrite out = Io.stdout();
        try {
          rt.blockOn(
              Futures.repeat(20_000, i -> out.writeAll(bytes(LINE))).flatMap(v -> out.flush()));
          System.err.println("every write succeeded");
        } catch (java.io.IOException e) {
          System.err.println("a write failed: " + e);
        }
      }
    }
  }

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aChildJvmEchoesItsStdinUpperCasedThroughKyotosStandardStreams() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      Child child =
          Command.of(java, "-cp", System.getProperty("java.class.path"), Upper.class.getName())
              .stdin(Stdio.PIPED)
              .stdout(Stdio.PIPED)
              .stderr(Stdio.PIPED)
              .spawn();
      StringBuilder input = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        input.append("line ").append(i).append('\n');
      }
      Output out =
          rt.blockOn(
              child.stdin().writeAll(bytes(input.toString())).flatMap(v -> child.waitWithOutput()));
      assertEquals(0, out.status().code(), out.stderrText());
      assertEquals(input.toString().toUpperCase(), out.stdoutText());
      assertTrue(out.stderrText().endsWith("500 lines\n"), out.stderrText());
    }
  }

  @Test
  void writingToAStdoutWhoseReaderHasGoneFails() throws Exception {
    // As tokio's stdout, a write to a closed pipe (a program piped into `head -1`) fails with the
    // broken pipe, so the program can stop; System.out swallows it (PrintStream.checkError).
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      Child child =
          Command.of(java, "-cp", System.getProperty("java.class.path"), Yes.class.getName())
              .stdout(Stdio.PIPED)
              .stderr(Stdio.PIPED)
              .spawn();
      ByteBuffer first = ByteBuffer.allocate(2);
      rt.blockOn(child.stdout().readExact(first));
      child.stdout().close(); // the reader goes away
      String err = new String(rt.blockOn(Io.readToEnd(child.stderr())), StandardCharsets.UTF_8);
      assertEquals(0, rt.blockOn(child.waitFor()).code(), err);
      assertTrue(err.contains("a write failed: java.io.IOException: writing stdout failed"), err);
    }
  }

  /**
   * A cancelled read of {@link Io#stdin()} withdraws the waker it left with its blocking read, so
   * the read's end does not wake a task that no longer waits. System.in is swapped for a stream
   * whose read blocks until the test lets it return the end.
   */
  @Test
  void aCancelledReadOfStdinLeavesNoWakerWithTheBlockingRead() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    java.io.InputStream blocking =
        new java.io.InputStream() {
          @Override
          public int read() throws java.io.IOException {
            return read(new byte[1], 0, 1);
          }

          @Override
          public int read(byte[] b, int off, int len) throws java.io.IOException {
            try {
              release.await();
              return -1;
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException();
            } finally {
              returned.countDown();
            }
          }
        };
    java.io.InputStream saved = System.in;
    CountingWaker cancelled = new CountingWaker();
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      AsyncRead in;
      System.setIn(blocking);
      try {
        in = Io.stdin();
      } finally {
        System.setIn(saved);
      }
      cancelled.pollPendingThenCancel(rt, () -> in.read(ByteBuffer.allocate(8)));
      release.countDown();
      assertTrue(returned.await(10, TimeUnit.SECONDS));
      assertEquals(0, cancelled.wakesWithin1s(), "the cancelled read's task was woken");
      assertNull(IoTestSupport.readReadyNow(rt, in), "the end the blocking read brought is kept");
    }
  }

  /**
   * A write to {@link Io#stdout()} that waits for the one in flight leaves its waker with that
   * blocking write; cancelling it withdraws the waker. System.out is swapped for a stream whose
   * writes block until the test lets them through.
   */
  @Test
  void aCancelledWriteToStdoutLeavesNoWakerWithTheBlockingWrite() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
    java.io.OutputStream blocking =
        new java.io.OutputStream() {
          @Override
          public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException();
            }
            written.write(b, off, len);
          }
        };
    java.io.PrintStream saved = System.out;
    CountingWaker cancelled = new CountingWaker();
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      AsyncWrite out;
      System.setOut(new java.io.PrintStream(blocking, false, StandardCharsets.UTF_8));
      try {
        out = Io.stdout();
      } finally {
        System.setOut(saved);
      }
      rt.blockOn(
          Futures.lazy(
              () -> {
                // The first write is handed to the pool and blocks there; the second waits for it.
                assertTrue(out.write(bytes("a")).poll(new Context(cancelled)).isReady());
                Future<Integer> second = out.write(bytes("b"));
                assertTrue(second.poll(new Context(cancelled)).isPending(), "the write waits");
                second.cancel();
                return Futures.ready(null);
              }));
      release.countDown();
      assertEquals(0, cancelled.wakesWithin1s(), "the cancelled write's task was woken");
      rt.blockOn(
          Futures.lazy(
              () -> {
                Poll<Void> p = out.flush().poll(new Context(Waker.noop()));
                assertTrue(p.isReady(), "the blocking write had ended before the check");
                return Futures.ready(null);
              }));
      synchronized (blocking) {
        assertEquals("a", written.toString(StandardCharsets.UTF_8));
      }
    }
  }
}
