package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.service.ServiceBuilder;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Faulty handlers behind the real server: each fault becomes a status and the server goes on. */
@Timeout(60)
class FaultsTest {
  static String get(ServerHarness h, String path) throws Exception {
    return h.exchangeUntilClose(
        "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }

  @Test
  void aHandlerThatNeverCompletesGets504FromTheTimeoutLayer() throws Exception {
    Service<Request, Response> never = Service.of(req -> cx -> Poll.pending());
    Service<Request, Response> app =
        ServiceBuilder.<Request, Response>start().timeout(Duration.ofMillis(200)).service(never);
    try (ServerHarness h = new ServerHarness(app)) {
      String r = get(h, "/");
      assertTrue(r.startsWith("HTTP/1.1 504 Gateway Timeout\r\n"), r);
    }
  }

  @Test
  void shedLoadGets503() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Service<Request, Response> slow =
        Service.of(
            req ->
                req.path().equals("/hold")
                    ? cx ->
                        release.getCount() == 0
                            ? Poll.ready(Response.text("held"))
                            : pendingAndRetry(cx)
                    : Futures.ready(Response.text("ok")));
    Service<Request, Response> app =
        ServiceBuilder.<Request, Response>start().loadShed().concurrencyLimit(1).service(slow);
    try (ServerHarness h = new ServerHarness(app)) {
      try (java.net.Socket holder = h.socket()) {
        holder.getOutputStream().write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        Thread.sleep(200);
        String r = get(h, "/other");
        assertTrue(r.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), r);
        assertTrue(r.contains("retry-after: 1\r\n"), r);
        release.countDown();
        assertTrue(HttpServerTest.readResponse(holder.getInputStream()).endsWith("held"));
      }
      assertTrue(get(h, "/other").endsWith("ok"), "the permit came back");
    }
  }

  private static Poll<Response> pendingAndRetry(io.kyoto.runtime.Context cx) {
    // A test stand-in for an external event: poll again shortly.
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              cx.waker().wake();
            });
    return Poll.pending();
  }

  @Test
  void aHandlerThatBlocksItsWorkerIsReportedAndTheOtherWorkerServes() throws Exception {
    Service<Request, Response> app =
        Service.of(
            req -> {
              if (req.path().equals("/block")) Thread.sleep(1500); // a bug: blocking a worker
              return Futures.ready(Response.text("ok"));
            });
    try (ServerHarness h = new ServerHarness(app)) {
      Thread blocker =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      get(h, "/block");
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      Thread.sleep(300);
      assertTrue(get(h, "/fine").endsWith("ok"), "the other worker still answers");
      blocker.join();
      assertTrue(
          h.rt.metrics().blockingPollCount() >= 1, "the blocking-poll detector saw the stuck poll");
    }
  }

  @Test
  void exceptionsBecome500AndTheServerGoesOn() throws Exception {
    Service<Request, Response> app =
        Service.of(
            req -> {
              if (req.path().equals("/npe")) throw new NullPointerException("bug");
              if (req.path().equals("/async"))
                return Futures.failed(new IllegalStateException("bad"));
              return Futures.ready(Response.text("ok"));
            });
    try (ServerHarness h = new ServerHarness(app)) {
      for (int i = 0; i < 20; i++) {
        assertTrue(get(h, "/npe").startsWith("HTTP/1.1 500 "));
        assertTrue(get(h, "/async").startsWith("HTTP/1.1 500 "));
      }
      assertEquals("ok", get(h, "/").substring(get(h, "/").length() - 2));
    }
  }
}
