package io.kyoto.runtime.internal.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.IoTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
}
