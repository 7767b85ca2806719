package io.kyoto.runtime.internal.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.IoTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BlockingReader}: a failed read is an error, unless the owner closed the stream. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingReaderTest {
  private final Runtime rt = IoTestSupport.runtime();

  @AfterEach
  void close() {
    rt.close();
  }

  /** A stream that gives "ab", then fails as a closed JDK pipe does. */
  private static InputStream failingAfterTwoBytes() {
    return new InputStream() {
      private int left = 2;

      @Override
      public int read() throws IOException {
        if (left == 0) {
          throw new IOException("Stream closed");
        }
        return 'a' + 2 - left--;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
          throw new IOException("Stream closed");
        }
        int n = Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) read();
        }
        return n;
      }
    };
  }

  private static AsyncRead reader(BlockingReader r) {
    return new AsyncRead() {
      @Override
      public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
        return r.pollRead(cx, dst);
      }
    };
  }

  @Test
  void aFailedReadIsAnErrorWhenNobodyClosedTheStream() {
    BlockingReader r = new BlockingReader(failingAfterTwoBytes(), "test", () -> false);
    IOException e = assertThrows(IOException.class, () -> rt.blockOn(Io.readToEnd(reader(r))));
    assertEquals("Stream closed", e.getMessage());
  }

  @Test
  void aFailedReadIsTheEndOnceTheOwnerClosedTheStream() throws Exception {
    BlockingReader r = new BlockingReader(failingAfterTwoBytes(), "test", () -> true);
    assertEquals("ab", new String(rt.blockOn(Io.readToEnd(reader(r))), "UTF-8"));
  }

  /**
   * A read waiting for input that never comes (standard input at a terminal) does not hold the
   * runtime's close: before, close() waited for the read, so a program that stopped reading its
   * standard input (a timeout, a lost select) could not exit until a line was typed.
   */
  @Test
  void closeDoesNotWaitForAReadThatWaitsForInput() throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    PipedInputStream silent = new PipedInputStream(writer);
    Runtime own = Runtime.builder().multiThread().workerThreads(1).enableAll().build();
    try {
      BlockingReader r = new BlockingReader(silent, "silent");
      assertThrows(
          TimeoutException.class,
          () -> own.blockOn(Time.timeout(Duration.ofMillis(50), Io.readToEnd(reader(r)))));
      Thread closer = Thread.ofPlatform().start(own::close);
      closer.join(10_000);
      assertFalse(closer.isAlive(), "close() waited for the read");
    } finally {
      writer.write('x'); // lets the read, on its daemon thread, return
      writer.close();
    }
  }
}
