package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.route.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that leaves while its request is being answered: the handler is cancelled, as hyper
 * drops its future, instead of running to its end and holding a graceful shutdown back.
 */
@Timeout(60)
class ClientGoneTest {
  final CountDownLatch started = new CountDownLatch(1);
  final CountDownLatch cancelled = new CountDownLatch(1);

  /** {@code /slow} answers after 5 s and counts down {@code cancelled} if it is cancelled. */
  final Service<Request, Response> app =
      Router.create()
          .get("/slow")
          .handleAsync(req -> slow(Duration.ofSeconds(5)))
          .get("/quick")
          .handle(req -> Response.text("quick\n"))
          .build();

  private Future<Response> slow(Duration d) {
    started.countDown();
    Future<Response> answer = Time.sleep(d).map(v -> Response.text("slow\n"));
    return new Future<>() {
      @Override
      public io.kyoto.runtime.Poll<Response> poll(io.kyoto.runtime.Context cx) throws Exception {
        return answer.poll(cx);
      }

      @Override
      public void cancel() {
        answer.cancel();
        cancelled.countDown();
      }
    };
  }

  @Test
  void aClientThatClosesWhileItsRequestIsHandledCancelsTheHandler() throws Exception {
    try (ServerHarness h = new ServerHarness(app)) {
      try (Socket s = h.socket()) {
        s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertTrue(started.await(10, TimeUnit.SECONDS));
      } // closed while the handler sleeps
      assertTrue(cancelled.await(3, TimeUnit.SECONDS), "the handler was cancelled");
      long waited = System.nanoTime();
      h.server.shutdown(); // nothing left to wait for
      h.rt.blockOn(h.serving);
      assertTrue(
          System.nanoTime() - waited < Duration.ofSeconds(3).toNanos(), "shutdown did not wait");
      assertEquals(1, h.server.metrics().clientsGone());
      assertEquals(0, h.server.metrics().responses());
    }
  }

  @Test
  void aClientThatStaysGetsItsSlowAnswerAndPipelinedRequestsBehindIt() throws Exception {
    Service<Request, Response> quickSlow =
        Router.create()
            .get("/slow")
            .handleAsync(
                req -> Time.sleep(Duration.ofMillis(300)).map(v -> Response.text("slow\n")))
            .get("/quick")
            .handle(req -> Response.text("quick\n"))
            .build();
    try (ServerHarness h = new ServerHarness(quickSlow)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        // The second request arrives while the first is handled: it is read then (the server
        // watches for the client leaving) and must still be answered, in order.
        out.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        out.flush();
        Thread.sleep(100);
        out.write("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        out.flush();
        InputStream in = s.getInputStream();
        String first = HttpServerTest.readResponse(in);
        String second = HttpServerTest.readResponse(in);
        assertTrue(first.startsWith("HTTP/1.1 200 ") && first.endsWith("slow\n"), first);
        assertTrue(second.startsWith("HTTP/1.1 200 ") && second.endsWith("quick\n"), second);
      }
      assertEquals(0, h.server.metrics().clientsGone());
    }
  }

  @Test
  void aRequestWhoseBodyIsNotReadToItsEndIsNotWatched() throws Exception {
    // The application may read the body from the connection's buffer on another task: the
    // connection does not read on its own then, and the handler runs to its end. Here it reads
    // 1 byte of 2 (so the body's end is not reached) and then takes its time.
    CountDownLatch done = new CountDownLatch(1);
    Service<Request, Response> partial =
        Router.create()
            .post("/upload")
            .handleAsync(
                req ->
                    req.body()
                        .next()
                        .flatMap(b -> Time.sleep(Duration.ofMillis(300)))
                        .map(
                            v -> {
                              done.countDown();
                              return Response.text("ok\n");
                            }))
            .build();
    try (ServerHarness h = new ServerHarness(partial)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nh".getBytes());
        out.flush();
        Thread.sleep(100);
        out.write("i".getBytes()); // buffered, not read by the application
        Thread.sleep(100);
      }
      assertTrue(done.await(5, TimeUnit.SECONDS), "ran to its end");
      assertEquals(0, h.server.metrics().clientsGone());
    }
  }

  /**
   * Once the application has read the request body to its end, the connection is watched as for a
   * request without one: a handler that then takes its time (a JSON POST that calls a database) is
   * cancelled when the client leaves.
   */
  @Test
  void aClientThatLeavesAfterItsBodyWasReadCancelsTheHandler() throws Exception {
    Service<Request, Response> upload =
        Router.create()
            .post("/upload")
            .handleAsync(req -> req.body().bytes(1024).flatMap(b -> slow(Duration.ofSeconds(5))))
            .build();
    try (ServerHarness h = new ServerHarness(upload)) {
      try (Socket s = h.socket()) {
        s.getOutputStream()
            .write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi".getBytes());
        assertTrue(started.await(10, TimeUnit.SECONDS));
      } // closed while the handler waits, its body read
      assertTrue(cancelled.await(3, TimeUnit.SECONDS), "the handler was cancelled");
      assertEquals(1, h.server.metrics().clientsGone());
      assertEquals(0, h.server.metrics().responses());
    }
  }

  /**
   * A body read to its end on another task (the handler hands it to a spawned task and waits for
   * it): the watch starts once that task has seen the end, and a pipelined request behind the body
   * is still answered.
   */
  @Test
  void aBodyReadOnAnotherTaskIsWatchedAfterItsEndAndPipelinedRequestsAreKept() throws Exception {
    Service<Request, Response> upload =
        Router.create()
            .post("/upload")
            .handleAsync(
                req ->
                    io.kyoto.runtime.Task.spawn(req.body().string())
                        .flatMap(
                            body ->
                                Time.sleep(Duration.ofMillis(300))
                                    .map(v -> Response.text("got " + body + "\n"))))
            .get("/quick")
            .handle(req -> Response.text("quick\n"))
            .build();
    try (ServerHarness h = new ServerHarness(upload)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes());
        out.flush();
        InputStream in = s.getInputStream();
        String first = HttpServerTest.readResponse(in);
        String second = HttpServerTest.readResponse(in);
        assertTrue(first.startsWith("HTTP/1.1 200 ") && first.endsWith("got hello\n"), first);
        assertTrue(second.startsWith("HTTP/1.1 200 ") && second.endsWith("quick\n"), second);
      }
      assertEquals(0, h.server.metrics().clientsGone());
    }
  }

  @Test
  void withHalfCloseAClientThatClosesItsSideStillGetsTheAnswer() throws Exception {
    Service<Request, Response> slowAnswer =
        Router.create()
            .get("/slow")
            .handleAsync(
                req -> Time.sleep(Duration.ofMillis(200)).map(v -> Response.text("slow\n")))
            .build();
    try (ServerHarness h = new ServerHarness(HttpServer.builder().halfClose(true), slowAnswer)) {
      try (Socket s = h.socket()) {
        s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        s.shutdownOutput(); // as `nc -N`: the request is all it will send
        String r = ServerHarness.readAll(s.getInputStream());
        assertTrue(r.startsWith("HTTP/1.1 200 "), r);
        assertTrue(r.contains("connection: close\r\n"), r);
        assertTrue(r.endsWith("slow\n"), r);
      }
      assertEquals(0, h.server.metrics().clientsGone());
    }
  }

  @Test
  void aClientThatLeavesAQuietEventStreamCancelsItsSource() throws Exception {
    // One event, then the source waits: without a watch the server would notice the client only
    // at its next write, which a quiet stream may never make.
    CountDownLatch sourceCancelled = new CountDownLatch(1);
    io.kyoto.runtime.stream.Stream<io.kyoto.web.sse.Event> quiet =
        new io.kyoto.runtime.stream.Stream<>() {
          boolean sent;

          @Override
          public io.kyoto.runtime.Poll<io.kyoto.web.sse.Event> pollNext(
              io.kyoto.runtime.Context cx) {
            if (!sent) {
              sent = true;
              return io.kyoto.runtime.Poll.ready(io.kyoto.web.sse.Event.data("first"));
            }
            return io.kyoto.runtime.Poll.pending();
          }

          @Override
          public void cancel() {
            sourceCancelled.countDown();
          }
        };
    Service<Request, Response> events =
        Router.create().get("/events").handle(req -> io.kyoto.web.sse.Sse.response(quiet)).build();
    try (ServerHarness h = new ServerHarness(events)) {
      try (Socket s = h.socket()) {
        s.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        StringBuilder got = new StringBuilder();
        while (!got.toString().contains("data:first")) {
          int n = in.read(buf);
          assertTrue(n > 0, "the first event arrives: " + got);
          got.append(new String(buf, 0, n));
        }
      } // the client leaves while the stream waits
      assertTrue(sourceCancelled.await(3, TimeUnit.SECONDS), "the event source was cancelled");
      assertEquals(1, h.server.metrics().clientsGone());
    }
  }
}
