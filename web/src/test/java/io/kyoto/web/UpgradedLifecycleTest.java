package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.sync.Oneshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link HttpServer#close()} and graceful shutdown do to connections handed over with a {@code
 * 101}.
 */
@Timeout(60)
class UpgradedLifecycleTest {
  /** A protocol that never ends on its own and records being cancelled. */
  private static final class Forever implements Future<Void> {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    public Poll<Void> poll(Context cx) {
      started.countDown();
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancelled.countDown();
    }
  }

  private static Socket upgrade(ServerHarness h) throws IOException {
    Socket s = h.socket();
    OutputStream out = s.getOutputStream();
    out.write(
        "GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("end of stream in the response head: " + head);
      head.write(b);
    }
    assertTrue(
        head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101"), head::toString);
    return s;
  }

  @Test
  void closingTheServerAbortsAnUpgradedConnectionAndClosesItsSocket() throws Exception {
    Forever protocol = new Forever();
    Service<Request, Response> app =
        Service.of(
            req -> io.kyoto.runtime.Futures.ready(Response.upgrade("test", upgraded -> protocol)));
    ServerHarness h = new ServerHarness(app);
    try (Socket s = upgrade(h)) {
      assertTrue(protocol.started.await(10, TimeUnit.SECONDS), "the protocol runs");
      h.server.close(); // documented: "aborts every connection at once"
      assertTrue(protocol.cancelled.await(10, TimeUnit.SECONDS), "the protocol was cancelled");
      assertEquals(-1, s.getInputStream().read(), "the upgraded socket was closed");
    } finally {
      h.close();
    }
  }

  @Test
  void gracefulShutdownAbortsAnUpgradedConnectionAtItsDeadline() throws Exception {
    Forever protocol = new Forever();
    Service<Request, Response> app =
        Service.of(
            req -> io.kyoto.runtime.Futures.ready(Response.upgrade("test", upgraded -> protocol)));
    ServerHarness h =
        new ServerHarness(HttpServer.builder().shutdownTimeout(Duration.ofMillis(50)), app);
    try (Socket s = upgrade(h)) {
      assertTrue(protocol.started.await(10, TimeUnit.SECONDS), "the protocol runs");
      h.server.shutdown();
      // The 10 s bound only ends a failing run.
      h.rt.blockOn(Time.timeout(Duration.ofSeconds(10), h.serving));
      assertEquals(
          0, protocol.cancelled.getCount(), "serve ended only after aborting the protocol");
      assertEquals(-1, s.getInputStream().read(), "the upgraded socket was closed");
    } finally {
      h.rt.close();
    }
  }

  @Test
  void gracefulShutdownLetsAnUpgradedConnectionFinishBeforeItsDeadline() throws Exception {
    Oneshot.Channel<Void> end = Oneshot.channel();
    CountDownLatch started = new CountDownLatch(1);
    Service<Request, Response> app =
        Service.of(
            req ->
                io.kyoto.runtime.Futures.ready(
                    Response.upgrade(
                        "test",
                        upgraded -> {
                          started.countDown();
                          return end.rx();
                        })));
    ServerHarness h =
        new ServerHarness(HttpServer.builder().shutdownTimeout(Duration.ofMinutes(5)), app);
    try (Socket s = upgrade(h)) {
      assertTrue(started.await(10, TimeUnit.SECONDS), "the protocol runs");
      h.server.shutdown();
      assertTrue(!h.serving.isFinished(), "serve waits for the upgraded connection");
      end.tx().send(null);
      h.rt.blockOn(Time.timeout(Duration.ofSeconds(10), h.serving));
      assertEquals(-1, s.getInputStream().read(), "the upgraded socket was closed at its end");
    } finally {
      h.rt.close();
    }
  }

  @Test
  @Timeout(60)
  void anUpgradedProtocolCanEndCleanlyWhenItSeesShutdownStart() throws Exception {
    java.util.concurrent.atomic.AtomicReference<HttpServer> server =
        new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch sawShutdown = new CountDownLatch(1);
    Service<Request, Response> app =
        Service.of(
            req ->
                io.kyoto.runtime.Futures.ready(
                    Response.upgrade(
                        "test",
                        upgraded -> {
                          started.countDown();
                          // A WebSocket would send its close frame here.
                          return server
                              .get()
                              .shutdownStarted()
                              .map(
                                  v -> {
                                    sawShutdown.countDown();
                                    return null;
                                  });
                        })));
    ServerHarness h =
        new ServerHarness(HttpServer.builder().shutdownTimeout(Duration.ofMinutes(5)), app);
    server.set(h.server);
    try (Socket s = upgrade(h)) {
      assertTrue(started.await(10, TimeUnit.SECONDS), "the protocol runs");
      h.server.shutdown();
      // Well before the 5-minute deadline: the protocol ended on its own.
      h.rt.blockOn(Time.timeout(Duration.ofSeconds(10), h.serving));
      assertEquals(0, sawShutdown.getCount(), "the protocol saw shutdown start");
      assertEquals(-1, s.getInputStream().read(), "the upgraded socket was closed at its end");
    } finally {
      h.rt.close();
    }
  }
}
