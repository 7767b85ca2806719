package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded soak: well-behaved keep-alive clients run beside clients that disconnect mid-request,
 * send garbage, stall (slowloris) and reconnect. The well-behaved clients must see no error, and
 * afterwards open file descriptors and alive tasks return to their baseline.
 *
 * <p>Duration: {@code -Dkyoto.soak.seconds=N} (default 60 s; the {@code soak} profile runs longer).
 */
@Timeout(2400)
class SoakTest {
  static final int SECONDS = Integer.getInteger("kyoto.soak.seconds", 60);

  static final Service<Request, Response> APP =
      Service.of(
          req ->
              req.path().equals("/echo")
                  ? req.body().bytes().map(b -> Response.bytes(b, "application/octet-stream"))
                  : Futures.ready(Response.text("ok\n")));

  static long usedHeapAfterGc() throws InterruptedException {
    java.lang.Runtime jvm = java.lang.Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return jvm.totalMemory() - jvm.freeMemory();
  }

  static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  static String newFds(String before) {
    StringBuilder sb = new StringBuilder();
    for (String fd : describeFds().split(" ")) {
      if (!before.contains(fd)) sb.append(fd).append(' ');
    }
    return sb.toString();
  }

  static String describeFds() {
    StringBuilder sb = new StringBuilder();
    String[] fds = new File("/proc/self/fd").list();
    if (fds == null) return "?";
    for (String fd : fds) {
      try {
        sb.append(fd)
            .append("->")
            .append(
                java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", fd)))
            .append(' ');
      } catch (Exception e) {
        sb.append(fd).append("->? ");
      }
    }
    return sb.toString();
  }

  @Test
  void wellBehavedClientsSeeNoErrorsAndNothingLeaks() throws Exception {
    try (ServerHarness h =
        new ServerHarness(
            HttpServer.builder()
                .headerReadTimeout(java.time.Duration.ofMillis(500))
                .keepAliveTimeout(java.time.Duration.ofSeconds(2)),
            APP)) {
      // Warm up from a virtual thread (the JDK opens its poller descriptors on first use), then
      // take the baseline.
      Thread warm =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      good(h, 200, new AtomicLong(), new AtomicLong());
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      warm.join();
      Thread.sleep(300);
      int fdBaseline = openFds();
      long heapBaseline = usedHeapAfterGc();
      String fdsBefore = describeFds();
      int taskBaseline = h.rt.metrics().numAliveTasks();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong served = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicLong hostile = new AtomicLong();
      Thread[] threads = new Thread[16];
      for (int i = 0; i < threads.length; i++) {
        int kind = i;
        threads[i] =
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (!stop.get()) {
                        try {
                          if (kind < 8) {
                            good(h, 100, served, errors);
                          } else {
                            hostile(h, kind);
                            hostile.incrementAndGet();
                          }
                        } catch (Exception e) {
                          if (kind < 8) errors.incrementAndGet();
                        }
                      }
                    });
      }
      Thread.sleep(SECONDS * 1000L);
      stop.set(true);
      for (Thread t : threads) t.join();

      // Everything the hostile clients left behind times out or closes.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline
          && (h.server.openConnections() > 0 || openFds() > fdBaseline)) {
        Thread.sleep(100);
      }
      System.out.printf(
          "soak %d s: %d requests served to well-behaved clients, %d errors, %d hostile"
              + " connections; fds %d -> %d; tasks %d -> %d%n",
          SECONDS,
          served.get(),
          errors.get(),
          hostile.get(),
          fdBaseline,
          openFds(),
          taskBaseline,
          h.rt.metrics().numAliveTasks());
      assertEquals(0, errors.get(), "errors seen by well-behaved clients");
      assertTrue(served.get() > 0);
      assertEquals(0, h.server.openConnections(), "connections left open");
      assertTrue(
          openFds() <= fdBaseline,
          "file descriptors leaked: "
              + openFds()
              + " > "
              + fdBaseline
              + "\nbefore: "
              + fdsBefore
              + "\nafter:  "
              + describeFds());
      assertEquals(taskBaseline, h.rt.metrics().numAliveTasks(), "tasks leaked");
      long heapAfter = usedHeapAfterGc();
      System.out.printf(
          "soak heap after GC: %d MB before, %d MB after%n", heapBaseline >> 20, heapAfter >> 20);
      // Caches (the per-thread buffer cache, JIT, class data) may keep a few MB more.
      assertTrue(
          heapAfter < heapBaseline + (64L << 20),
          "heap did not return to its baseline: "
              + (heapAfter >> 20)
              + " MB vs "
              + (heapBaseline >> 20));
    }
  }

  /** Keep-alive requests, each answer checked byte for byte. */
  static void good(ServerHarness h, int requests, AtomicLong served, AtomicLong errors)
      throws Exception {
    try (Socket s = h.socket()) {
      OutputStream out = s.getOutputStream();
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      for (int i = 0; i < requests; i++) {
        String body = "payload-" + i;
        out.write(
            ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.US_ASCII));
        String r = HttpServerTest.readResponse(in);
        if (r.startsWith("HTTP/1.1 200 OK\r\n") && r.endsWith(body)) {
          served.incrementAndGet();
        } else {
          errors.incrementAndGet();
        }
      }
    }
  }

  static void hostile(ServerHarness h, int kind) throws Exception {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    try (Socket s = h.socket()) {
      OutputStream out = s.getOutputStream();
      switch (kind % 4) {
        case 0 -> { // disconnect in the middle of a request body
          out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc".getBytes());
          out.flush();
        }
        case 1 -> { // garbage
          byte[] junk = new byte[rnd.nextInt(1, 2048)];
          rnd.nextBytes(junk);
          out.write(junk);
          out.flush();
          s.setSoTimeout(2000);
          ServerHarness.readAll(s.getInputStream());
        }
        case 2 -> { // slowloris: a head that never ends
          out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes());
          for (int i = 0; i < 3; i++) {
            Thread.sleep(100);
            out.write("X-Slow: 1\r\n".getBytes());
          }
        }
        default -> { // reset right after a request, before reading the answer
          out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
          s.setSoLinger(true, 0);
        }
      }
    }
  }
}
