package io.kyoto.web.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Response;
import io.kyoto.web.internal.h1.H1Limits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The send timeout where no real socket can stall on cue: a transport that takes the whole response
 * but whose shutdown never completes (TLS, whose stream keeps the last records and close_notify
 * until a client that stopped reading takes them).
 */
@Timeout(60)
class H1ConnectionSendTimeoutTest {
  private static final ServerConfig CONFIG =
      new ServerConfig(
          H1Limits.DEFAULT,
          1024,
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          false);

  private static final ServerContext SERVER =
      new ServerContext() {
        @Override
        public boolean isShuttingDown() {
          return false;
        }

        @Override
        public io.kyoto.runtime.Future<Void> shutdownSignal() {
          return cx -> Poll.pending();
        }

        @Override
        public void spawnUpgraded(io.kyoto.runtime.Future<Void> protocol, Runnable close) {
          throw new UnsupportedOperationException();
        }
      };

  @Test
  void aShutdownThatNeverCompletesEndsTheConnectionAtTheSendTimeout() throws Exception {
    byte[] request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(US_ASCII);
    boolean[] requested = {false};
    AsyncRead reader =
        (cx, dst) -> {
          if (requested[0]) return Poll.pending(); // the client sends nothing more
          requested[0] = true;
          dst.put(request);
          return Poll.ready(null);
        };
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    AsyncWrite writer =
        new AsyncWrite() {
          @Override
          public Poll<Void> pollWrite(Context cx, ByteBuffer src) {
            while (src.hasRemaining()) sent.write(src.get());
            return Poll.ready(null);
          }

          @Override
          public Poll<Void> pollFlush(Context cx) {
            return Poll.ready(null);
          }

          @Override
          public Poll<Void> pollShutdown(Context cx) {
            return Poll.pending(); // the client never takes our end of stream
          }
        };
    AtomicBoolean closed = new AtomicBoolean();
    H1Connection conn =
        new H1Connection(
            reader,
            writer,
            () -> closed.set(true),
            null,
            Service.of(req -> Futures.ready(Response.text("hi\n"))),
            CONFIG,
            SERVER);
    // Paused time: the clock jumps to each timer while the task waits, so an unbounded wait
    // shows up as the 10-minute timeout, not as a hang.
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      long start = rt.blockOn(cx -> Poll.ready(Time.now()));
      rt.blockOn(Time.timeout(Duration.ofMinutes(10), conn));
      long waited = rt.blockOn(cx -> Poll.ready(Time.now())) - start;
      assertTrue(sent.toString(US_ASCII).startsWith("HTTP/1.1 200 OK\r\n"), sent.toString());
      assertTrue(closed.get(), "the transport was closed");
      assertTrue(
          waited >= Duration.ofSeconds(10).toNanos(), "not before the send timeout: " + waited);
    }
  }
}
