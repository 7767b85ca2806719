package io.kyoto.examples.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.web.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server run in-process on port 0, shut down by a token instead of a signal. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GracefulShutdownTest {
  static final Duration DEADLINE = Duration.ofSeconds(5);

  @Test
  void finishesTheSlowRequestRefusesNewOnesAndDrainsTheBackground() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    GracefulShutdown app = new GracefulShutdown(log::add);
    CancellationToken stop = new CancellationToken();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      HttpServer server =
          rt.blockOn(HttpServer.builder().shutdownTimeout(DEADLINE).bind("127.0.0.1:0"));
      int port = server.localAddress().getPort();
      JoinHandle<GracefulShutdown.Summary> running =
          rt.spawn(app.run(server, stop.cancelled(), DEADLINE));

      try (Socket slow = new Socket("127.0.0.1", port)) {
        slow.setSoTimeout(10_000);
        slow.getOutputStream()
            .write(
                "GET /work?ms=500 HTTP/1.1\r\nhost: test\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        awaitInFlight(app);

        long start = System.nanoTime();
        stop.cancel();
        awaitRefused(port);

        String response = readResponse(slow.getInputStream());
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertTrue(response.toLowerCase().contains("\r\nconnection: close\r\n"), response);
        assertTrue(response.endsWith("worked 500 ms\n"), response);

        GracefulShutdown.Summary summary = rt.blockOn(running);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsed < DEADLINE.toMillis(), "drained within the deadline: " + elapsed);
        assertEquals(1, summary.served());
        assertEquals(1, summary.inFlight());
        assertEquals(0, summary.aborted());
        assertEquals(1, summary.followUps(), "the follow-up task ran to the end");
        assertTrue(summary.jobStopped(), "the background job saw the shutdown");
        assertTrue(summary.clean(), summary.toString());
        assertEquals(0, server.openConnections());
      }
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
      assertTrue(log.stream().anyMatch(l -> l.startsWith("job: stopping after ")), log.toString());
      assertTrue(
          log.getLast().startsWith("drained: 1 in-flight request(s) finished, 0 aborted, "),
          log.toString());
    }
  }

  static void awaitInFlight(GracefulShutdown app) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (app.inFlight() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, app.inFlight(), "the slow request is running");
  }

  /** Waits until connecting is refused: the listener is closed once shutdown has started. */
  static void awaitRefused(int port) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        Thread.sleep(5); // accepted by the kernel before the listener closed; try again
      } catch (ConnectException refused) {
        return;
      }
    }
    throw new AssertionError("new connections are still accepted after shutdown");
  }

  /** Reads a response delimited by the connection's end (the server closes after it). */
  static String readResponse(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
