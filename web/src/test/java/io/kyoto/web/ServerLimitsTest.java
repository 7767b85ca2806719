package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts and connection limits: slow clients hold no thread and get cut off. */
@Timeout(60)
class ServerLimitsTest {
  @Test
  void aSlowHeadGets408AndIsClosed() throws Exception {
    try (ServerHarness h =
        new ServerHarness(
            HttpServer.builder().headerReadTimeout(Duration.ofMillis(300)), HttpServerTest.APP)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes()); // never finished
        out.flush();
        long start = System.nanoTime();
        String r = ServerHarness.readAll(s.getInputStream());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.startsWith("HTTP/1.1 408 Request Timeout\r\n"), r);
        assertTrue(r.contains("connection: close\r\n"), r);
        assertTrue(ms >= 200, "not before the timeout: " + ms + " ms");
      }
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedQuietly() throws Exception {
    try (ServerHarness h =
        new ServerHarness(
            HttpServer.builder().keepAliveTimeout(Duration.ofMillis(300)), HttpServerTest.APP)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        InputStream in = s.getInputStream();
        String first = HttpServerTest.readResponse(in);
        assertTrue(first.endsWith("hello\n"), first);
        assertEquals(-1, in.read(), "closed after the idle timeout, with no response");
      }
    }
  }

  @Test
  void connectionsBeyondTheLimitWaitForASlot() throws Exception {
    try (ServerHarness h =
        new ServerHarness(HttpServer.builder().maxConnections(1), HttpServerTest.APP)) {
      try (Socket first = h.socket()) {
        first.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertTrue(HttpServerTest.readResponse(first.getInputStream()).endsWith("hello\n"));
        try (Socket second = h.socket()) {
          second.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
          second.setSoTimeout(500);
          boolean answered;
          try {
            answered = second.getInputStream().read() >= 0;
          } catch (java.net.SocketTimeoutException e) {
            answered = false;
          }
          assertTrue(!answered, "the second connection waits while the first holds the slot");
          assertEquals(1, h.server.openConnections());
          first.close();
          second.setSoTimeout(10_000);
          String r = HttpServerTest.readResponse(second.getInputStream());
          assertTrue(r.endsWith("hello\n"), "served once the slot was free: " + r);
        }
      }
    }
  }

  @Test
  void manyConcurrentClients() throws Exception {
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP)) {
      int clients = 200;
      Thread[] threads = new Thread[clients];
      int[] ok = new int[1];
      for (int i = 0; i < clients; i++) {
        threads[i] =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try (Socket s = h.socket()) {
                        OutputStream out = s.getOutputStream();
                        InputStream in = s.getInputStream();
                        for (int k = 0; k < 5; k++) {
                          out.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                          if (!HttpServerTest.readResponse(in).endsWith("hello\n")) return;
                        }
                        synchronized (ok) {
                          ok[0]++;
                        }
                      } catch (Exception e) {
                        // counted as a failure below
                      }
                    });
      }
      for (Thread t : threads) t.join();
      assertEquals(clients, ok[0]);
      assertEquals(clients, h.server.acceptedConnections());
    }
  }

  @Test
  void shutdownAbortsWhatIsStillRunningAtTheDeadline() throws Exception {
    io.kyoto.runtime.service.Service<Request, Response> never =
        io.kyoto.runtime.service.Service.of(req -> cx -> io.kyoto.runtime.Poll.pending());
    ServerHarness h =
        new ServerHarness(HttpServer.builder().shutdownTimeout(Duration.ofMillis(300)), never);
    try (Socket s = h.socket()) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      Thread.sleep(200);
      long start = System.nanoTime();
      h.server.shutdown();
      h.rt.blockOn(h.serving);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 250 && ms < 5000, "serve() ended at the deadline: " + ms + " ms");
      assertEquals(-1, s.getInputStream().read(), "the stuck connection was closed");
      assertEquals(0, h.server.openConnections());
    } finally {
      h.rt.close();
    }
  }
}
