package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Time;
import io.kyoto.runtime.service.Service;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful shutdown under load: every request the server accepted before shutdown gets a complete
 * response, none is cut off, and serving ends within the deadline.
 */
@Timeout(60)
class ShutdownUnderLoadTest {
  @Test
  void acceptedRequestsAllGetCompleteResponses() throws Exception {
    // Handlers take 0-20 ms, so shutdown always finds requests in flight.
    Service<Request, Response> app =
        Service.of(
            req ->
                Time.sleep(Duration.ofMillis(Math.abs(req.target().hashCode()) % 20))
                    .map(v -> Response.text("done " + req.target())));
    ServerHarness h =
        new ServerHarness(HttpServer.builder().shutdownTimeout(Duration.ofSeconds(5)), app);
    AtomicLong complete = new AtomicLong();
    AtomicLong truncated = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    Thread[] clients = new Thread[32];
    for (int c = 0; c < clients.length; c++) {
      int id = c;
      clients[c] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket s = h.socket()) {
                      OutputStream out = s.getOutputStream();
                      InputStream in = new BufferedInputStream(s.getInputStream());
                      for (int i = 0; ; i++) {
                        String target = "/c" + id + "/r" + i;
                        try {
                          out.write(
                              ("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                  .getBytes(StandardCharsets.US_ASCII));
                        } catch (java.io.IOException e) {
                          refused.incrementAndGet(); // closed before this request was sent
                          return;
                        }
                        String r = HttpServerTest.readResponse(in);
                        if (r.isEmpty()) {
                          refused.incrementAndGet(); // closed before reading this request
                          return;
                        }
                        if (r.startsWith("HTTP/1.1 200 OK\r\n") && r.endsWith("done " + target)) {
                          complete.incrementAndGet();
                          if (r.contains("connection: close\r\n")) return; // the last one
                        } else {
                          truncated.incrementAndGet();
                          return;
                        }
                      }
                    } catch (Exception e) {
                      refused.incrementAndGet();
                    }
                  });
    }
    Thread.sleep(500);
    long start = System.nanoTime();
    h.server.shutdown();
    h.rt.blockOn(h.serving);
    long ms = (System.nanoTime() - start) / 1_000_000;
    for (Thread t : clients) t.join();
    h.rt.close();
    System.out.printf(
        "shutdown under load: %d complete responses, %d truncated, %d clients closed between"
            + " requests; serve() ended %d ms after shutdown()%n",
        complete.get(), truncated.get(), refused.get(), ms);
    assertEquals(0, truncated.get(), "responses cut off");
    assertTrue(complete.get() > 32);
    assertTrue(ms < 5000, "within the deadline: " + ms + " ms");
  }
}
