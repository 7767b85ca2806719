package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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

  /** 16 MiB: more than the client's small receive buffer and the server's send buffer hold. */
  static final byte[] BIG = new byte[16 * 1024 * 1024];

  static final Service<Request, Response> BIG_APP =
      Service.of(req -> Futures.ready(Response.bytes(BIG, "application/octet-stream")));

  /** Connects with a small receive buffer, so a response the client does not read stalls soon. */
  static Socket stingySocket(ServerHarness h) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096); // before connect, so the advertised window stays small
    s.connect(new InetSocketAddress("127.0.0.1", h.port()));
    s.setSoTimeout(10_000);
    return s;
  }

  /** Waits (up to 10 s) until the server has accepted a connection and it has ended. */
  static void awaitConnectionEnded(ServerHarness h) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end
        && (h.server.acceptedConnections() == 0 || h.server.openConnections() != 0)) {
      Thread.sleep(20);
    }
    assertEquals(1, h.server.acceptedConnections());
    assertEquals(0, h.server.openConnections(), "the stalled connection is still open after 10 s");
  }

  /** Reads until end of stream or a reset; returns how many bytes arrived. */
  static long drain(InputStream in) throws Exception {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buf)) > 0) total += n;
    } catch (IOException e) {
      // a reset, or (TLS) a truncation: the server closed with bytes still unsent
    }
    return total;
  }

  @Test
  void aClientThatStopsReadingTheFinalResponseIsCutOffAfterTheSendTimeout() throws Exception {
    try (ServerHarness h =
        new ServerHarness(HttpServer.builder().sendTimeout(Duration.ofMillis(500)), BIG_APP)) {
      try (Socket s = stingySocket(h)) {
        s.getOutputStream()
            .write("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
        // The client reads nothing: the server's flush of the final response stalls.
        awaitConnectionEnded(h);
        long got = drain(s.getInputStream());
        // What the kernel already held (or an orphaned socket still sends) may arrive whole on an
        // idle machine: the property is that the server ended the connection (above).
        assertTrue(got > 0, "the client got the start of the response: " + got + " bytes");
      }
    }
  }

  @Test
  void aKeepAliveClientThatStopsReadingAResponseIsCutOffAfterTheSendTimeout() throws Exception {
    try (ServerHarness h =
        new ServerHarness(HttpServer.builder().sendTimeout(Duration.ofMillis(500)), BIG_APP)) {
      try (Socket s = stingySocket(h)) {
        s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        awaitConnectionEnded(h);
        assertEquals(1, h.server.metrics().sendTimeouts(), h.server.metrics().toString());
        long got = drain(s.getInputStream());
        // What the kernel already held (or an orphaned socket still sends) may arrive whole on an
        // idle machine: the property is that the server ended the connection (above).
        assertTrue(got > 0, "the client got the start of the response: " + got + " bytes");
      }
    }
  }

  @Test
  void gracefulShutdownDoesNotWaitPastItsDeadlineForAClientThatStopsReading() throws Exception {
    // The send timeout (60 s by default) is far off: the shutdown deadline must cut it short.
    ServerHarness h =
        new ServerHarness(HttpServer.builder().shutdownTimeout(Duration.ofMillis(300)), BIG_APP);
    try (Socket s = stingySocket(h)) {
      s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (h.server.acceptedConnections() == 0 && System.nanoTime() < end) Thread.sleep(20);
      Thread.sleep(300); // the response fills the buffers and stalls
      assertEquals(1, h.server.openConnections());
      h.server.shutdown();
      h.rt.blockOn(io.kyoto.runtime.Time.timeout(Duration.ofSeconds(10), h.serving));
      assertEquals(0, h.server.openConnections());
      long got = drain(s.getInputStream());
      // The kernel may still deliver what it held: the property is the connection count above.
      assertTrue(got > 0, "the client got the start of the response: " + got + " bytes");
    } finally {
      h.rt.close();
    }
  }

  @Test
  void lingeringAfterAnErrorEndsAtTheLingerTimeoutThoughTheClientKeepsSending() throws Exception {
    try (ServerHarness h =
        new ServerHarness(HttpServer.builder().maxBodyBytes(10), HttpServerTest.APP)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n".getBytes());
        String head = HttpServerTest.readResponse(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        // Trickle the body: the server drains it for the linger timeout (2 s), then closes.
        boolean cut = false;
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cut && System.nanoTime() < end) {
          try {
            out.write('x');
            out.flush();
            Thread.sleep(50);
          } catch (IOException e) {
            cut = true; // reset by the closed socket
          }
        }
        assertTrue(cut, "the server still reads the body after 20 s");
        assertEquals(0, h.server.openConnections());
      }
    }
  }

  @Test
  void theLingerTimeoutIsConfigurable() throws Exception {
    assertThrows(
        IllegalArgumentException.class, () -> HttpServer.builder().lingerTimeout(Duration.ZERO));
    try (ServerHarness h =
        new ServerHarness(
            HttpServer.builder().maxBodyBytes(10).lingerTimeout(Duration.ofHours(1)),
            HttpServerTest.APP)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n".getBytes());
        String head = HttpServerTest.readResponse(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        // Past the default 2 s, the server still drains what the client trickles.
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
          out.write('x');
          out.flush();
          Thread.sleep(50);
        }
        assertEquals(1, h.server.openConnections(), "still lingering after 3 s");
      }
    }
  }

  /**
   * A request always finds its own connection counted: the count is taken before the connection's
   * task is spawned (the list of live tasks only gets the task after, and a probe once read 0 from
   * inside a request).
   */
  @Test
  void aRequestSeesItsOwnConnectionCounted() throws Exception {
    java.util.concurrent.atomic.AtomicReference<HttpServer> server =
        new java.util.concurrent.atomic.AtomicReference<>();
    Service<Request, Response> app =
        Service.of(req -> Futures.ready(Response.text("" + server.get().openConnections())));
    try (ServerHarness h = new ServerHarness(app)) {
      server.set(h.server);
      for (int i = 0; i < 50; i++) {
        String r = h.exchangeUntilClose("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int open = Integer.parseInt(r.substring(r.indexOf("\r\n\r\n") + 4).trim());
        assertTrue(open >= 1, "request " + i + " saw " + open + " open connections");
      }
    }
  }
}
