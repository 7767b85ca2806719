package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Streams;
import io.kyoto.web.fs.StaticFiles;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HttpServerTest {
  /** Echoes method, path and body; streams a chunked body on /stream. */
  static final Service<Request, Response> APP =
      Service.of(
          req ->
              switch (req.path()) {
                case "/hello" -> Futures.ready(Response.text("hello\n"));
                case "/stream" ->
                    Futures.ready(
                        Response.ok()
                            .body(
                                Body.from(
                                    Streams.of("a", "bb", "ccc")
                                        .map(s -> ByteBuffer.wrap(s.getBytes())))));
                case "/fail" -> throw new IllegalStateException("boom");
                case "/teapot" ->
                    Futures.failed(new HttpException(Status.of(418), "short and stout"));
                default ->
                    req.body()
                        .string()
                        .map(
                            body ->
                                Response.text(
                                    req.method() + " " + req.target() + " [" + body + "]"));
              });

  @Test
  void jdkClientKeepAlive() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(h.url("/hello"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hello\n", r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").get());
        assertTrue(r.headers().firstValue("date").isPresent());
      }
      HttpResponse<String> post =
          client.send(
              HttpRequest.newBuilder(URI.create(h.url("/echo?x=1")))
                  .POST(HttpRequest.BodyPublishers.ofString("payload"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals("POST /echo?x=1 [payload]", post.body());
      HttpResponse<String> stream =
          client.send(
              HttpRequest.newBuilder(URI.create(h.url("/stream"))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals("abbccc", stream.body());
      assertEquals(1, h.server.acceptedConnections(), "one keep-alive connection for all");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderByteForByte() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      String req =
          "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
              + "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
              + "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "2\r\nde\r\n1\r\nf\r\n0\r\n\r\n"
              + "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      String all = h.exchangeUntilClose(req);
      String normalized = all.replaceAll("date: [^\r]*\r\n", "");
      assertEquals(
          "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 6\r\n\r\nhello\n"
              + "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 13\r\n\r\nPOST /p [abc]"
              + "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 13\r\n\r\nPOST /c [def]"
              + "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 12\r\nconnection: close\r\n\r\nGET /last []",
          normalized);
      Matcher m = Pattern.compile("date: ([^\r]*)\r\n").matcher(all);
      assertTrue(m.find());
      assertTrue(
          m.group(1).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
          m.group(1));
    }
  }

  @Test
  void chunkedResponseAndHead() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      String r =
          h.exchangeUntilClose("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(r.contains("transfer-encoding: chunked\r\n"), r);
      assertTrue(r.endsWith("\r\n\r\n1\r\na\r\n2\r\nbb\r\n3\r\nccc\r\n0\r\n\r\n"), r);
      String head =
          h.exchangeUntilClose("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(head.contains("content-length: 6\r\n"), head);
      assertTrue(head.endsWith("\r\n\r\n"), "no body after a HEAD response: " + head);
    }
  }

  @Test
  void aHeadOr304ResponseKeepsTheContentLengthItDeclaresForAnEmptyBody(@TempDir Path root)
      throws Exception {
    // RFC 9110 sections 8.6 and 15.4.5: a HEAD answer (and a 304) may carry the Content-Length a
    // GET would have had; hyper keeps the application's header when no body is sent.
    Files.writeString(root.resolve("hello.txt"), "hello world");
    Service<Request, Response> app =
        Service.of(
            req ->
                req.path().equals("/304")
                    ? Futures.ready(
                        new Response(
                            Status.NOT_MODIFIED,
                            new Headers().add("content-length", "11"),
                            Body.empty()))
                    : StaticFiles.dir(root).serve(req));
    try (ServerHarness h = new ServerHarness(app)) {
      String head =
          h.exchangeUntilClose("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(head.startsWith("HTTP/1.1 200 "), head);
      assertTrue(head.contains("content-length: 11\r\n"), head);
      assertTrue(head.endsWith("\r\n\r\n"), "no body after a HEAD response: " + head);
      String range =
          h.exchangeUntilClose(
              "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-5\r\n"
                  + "Connection: close\r\n\r\n");
      assertTrue(range.startsWith("HTTP/1.1 206 "), range);
      assertTrue(range.contains("content-length: 5\r\n"), range);
      String notModified =
          h.exchangeUntilClose("GET /304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(notModified.startsWith("HTTP/1.1 304 "), notModified);
      assertTrue(notModified.contains("content-length: 11\r\n"), notModified);
      assertTrue(notModified.endsWith("\r\n\r\n"), notModified);
    }
  }

  @Test
  void anInformationalStatusFromTheApplicationIsA500NotAFinalResponse() throws Exception {
    // A 1xx is interim: a client reads on for the final response, which would never come. hyper
    // answers 500 for a 1xx the service returns; so does a 101 without an upgrade handler.
    Service<Request, Response> app =
        Service.of(
            req ->
                Futures.ready(
                    req.path().equals("/hints")
                        ? Response.of(Status.of(103)).header("link", "</a.css>; rel=preload")
                        : Response.of(Status.SWITCHING_PROTOCOLS).header("upgrade", "x")));
    try (ServerHarness h = new ServerHarness(app)) {
      for (String path : new String[] {"/hints", "/switch"}) {
        String r =
            h.exchangeUntilClose(
                "GET "
                    + path
                    + " HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 500 "), path + ": " + r);
        assertTrue(!r.contains(" 103 ") && !r.contains(" 101 "), r);
      }
    }
  }

  @Test
  void cancellingServeDuringItsAcceptBackoffLeavesNoTimer() throws Exception {
    // A failing accept (EMFILE; here a listener whose runtime's I/O driver has shut down) makes
    // the loop sleep 100 ms before it retries. Cancelling serve() then must cancel that sleep, as
    // tokio drops it. (A listener closed under the loop ends it instead: see the next test.)
    HttpServer server;
    try (io.kyoto.runtime.Runtime bound =
        io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build()) {
      server = bound.blockOn(HttpServer.bind("127.0.0.1:0"));
    }
    try (io.kyoto.runtime.Runtime rt =
        io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build()) {
      io.kyoto.runtime.JoinHandle<Void> serving = rt.spawn(server.serve(APP));
      var logger = java.util.logging.Logger.getLogger("io.kyoto.web.HttpServer");
      java.util.logging.Level level = logger.getLevel();
      logger.setLevel(java.util.logging.Level.OFF); // the expected "accept failed" warning
      try {
        while (rt.blockOn(timers()) == 0) rt.blockOn(io.kyoto.runtime.Task.yieldNow());
        assertEquals(1, rt.blockOn(timers()), "the loop is in its backoff");
        serving.abort();
        try {
          rt.blockOn(serving);
        } catch (Exception cancelled) {
          // aborted, as asked
        }
        assertEquals(0, rt.blockOn(timers()), "the backoff timer is gone with the loop");
      } finally {
        logger.setLevel(level);
        server.close();
      }
    }
  }

  @Test
  void aListenerClosedUnderTheAcceptLoopEndsServeWithItsClosedErrorLoggedOnce() throws Exception {
    // Netty ends a server channel's accept loop once it is closed; retrying every 100 ms can never
    // succeed. serve() drains as for a shutdown, then fails with the ClosedChannelException. The
    // paused clock auto-advances through any backoff, so a loop that retries spins to the timeout.
    java.util.List<java.util.logging.LogRecord> warnings =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            warnings.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    var logger = java.util.logging.Logger.getLogger("io.kyoto.web.HttpServer");
    boolean parents = logger.getUseParentHandlers();
    logger.addHandler(handler);
    logger.setUseParentHandlers(false);
    try (io.kyoto.runtime.Runtime rt =
        io.kyoto.runtime.Runtime.builder().currentThread().enableAll().startPaused(true).build()) {
      HttpServer server = rt.blockOn(HttpServer.bind("127.0.0.1:0"));
      var listener = HttpServer.class.getDeclaredField("listener");
      listener.setAccessible(true);
      ((io.kyoto.runtime.net.TcpListener) listener.get(server)).close();
      Exception e =
          org.junit.jupiter.api.Assertions.assertThrows(
              Exception.class,
              () ->
                  rt.blockOn(
                      io.kyoto.runtime.Time.timeout(
                          java.time.Duration.ofSeconds(5), server.serve(APP))));
      assertEquals(java.nio.channels.ClosedChannelException.class, e.getClass(), e.toString());
      assertEquals(1, warnings.size(), "logged once");
      server.close();
    } finally {
      logger.removeHandler(handler);
      logger.setUseParentHandlers(parents);
    }
  }

  @Test
  void aShutdownSignalWhoseCancelThrowsStillDrainsSoNothingOutlivesServe() throws Exception {
    // The signal fires while a request is in flight; dropping the signal throws. The shutdown
    // must still drain (here: until the deadline aborts the stuck request) before serve() ends,
    // and then fail with the signal's exception. It failed at once, leaving the connection alive.
    IllegalStateException cancelFailure = new IllegalStateException("signal cancel failed");
    io.kyoto.runtime.sync.CancellationToken fire = new io.kyoto.runtime.sync.CancellationToken();
    io.kyoto.runtime.Future<Void> fired = fire.cancelled();
    io.kyoto.runtime.Future<Void> signal =
        new io.kyoto.runtime.Future<>() {
          @Override
          public io.kyoto.runtime.Poll<Void> poll(io.kyoto.runtime.Context cx) throws Exception {
            return fired.poll(cx);
          }

          @Override
          public void cancel() {
            fired.cancel();
            throw cancelFailure;
          }
        };
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    Service<Request, Response> stuck =
        Service.of(
            req -> {
              entered.countDown();
              return Futures.pollFn(cx -> io.kyoto.runtime.Poll.pending());
            });
    try (io.kyoto.runtime.Runtime rt =
        io.kyoto.runtime.Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      HttpServer server =
          rt.blockOn(
              HttpServer.builder()
                  .shutdownTimeout(java.time.Duration.ofMillis(50))
                  .bind("127.0.0.1:0"));
      int[] openWhenServeEnded = {-1};
      io.kyoto.runtime.JoinHandle<Void> serving =
          rt.spawn(
              server
                  .serve(stuck, signal)
                  .handle(
                      (v, e) -> {
                        openWhenServeEnded[0] = server.openConnections();
                        if (e != null) throw e;
                        return v;
                      }));
      try (Socket client = new Socket("127.0.0.1", server.localAddress().getPort())) {
        client.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        entered.await();
        fire.cancel();
        Exception e =
            org.junit.jupiter.api.Assertions.assertThrows(
                Exception.class, () -> rt.blockOn(serving));
        assertEquals(0, openWhenServeEnded[0], "connections open when serve() ended");
        Throwable t = e;
        while (t != null && t != cancelFailure) t = t.getCause();
        assertEquals(cancelFailure, t, "serve() fails with the signal's exception: " + e);
      } finally {
        server.close();
      }
    }
  }

  @Test
  void cancellingServeClosesTheServerEvenWhenCancellingItsSignalThrows() throws Exception {
    IllegalStateException cancelFailure = new IllegalStateException("signal cancel failed");
    io.kyoto.runtime.Future<Void> signal =
        new io.kyoto.runtime.Future<>() {
          @Override
          public io.kyoto.runtime.Poll<Void> poll(io.kyoto.runtime.Context cx) {
            return io.kyoto.runtime.Poll.pending();
          }

          @Override
          public void cancel() {
            throw cancelFailure;
          }
        };
    try (io.kyoto.runtime.Runtime rt =
        io.kyoto.runtime.Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      HttpServer server = rt.blockOn(HttpServer.bind("127.0.0.1:0"));
      io.kyoto.runtime.JoinHandle<Void> serving = rt.spawn(server.serve(APP, signal));
      try (Socket client = new Socket("127.0.0.1", server.localAddress().getPort())) {
        client.setSoTimeout(10_000);
        while (server.openConnections() == 0) Thread.sleep(1); // accepted, idle
        serving.abort();
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> rt.blockOn(serving));
        assertEquals(-1, client.getInputStream().read(), "the server closed the connection");
      } finally {
        server.close();
      }
    }
  }

  @Test
  void anAbortedConnectionClosesItsSocketEvenWhenCancellingTheResponseThrows() throws Exception {
    // close() aborts a connection whose handler is still running; the handler's future throws
    // from cancel(). The socket must still be closed (and the service reservation released).
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    Service<Request, Response> throwingOnCancel =
        Service.of(
            req -> {
              entered.countDown();
              return new io.kyoto.runtime.Future<Response>() {
                @Override
                public io.kyoto.runtime.Poll<Response> poll(io.kyoto.runtime.Context cx) {
                  return io.kyoto.runtime.Poll.pending();
                }

                @Override
                public void cancel() {
                  throw new IllegalStateException("handler cancel failed");
                }
              };
            });
    var logger = java.util.logging.Logger.getLogger("io.kyoto.web.HttpServer");
    java.util.logging.Level level = logger.getLevel();
    logger.setLevel(java.util.logging.Level.OFF); // the expected report of the failing cancel
    try (io.kyoto.runtime.Runtime rt =
        io.kyoto.runtime.Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      HttpServer server = rt.blockOn(HttpServer.bind("127.0.0.1:0"));
      io.kyoto.runtime.JoinHandle<Void> serving = rt.spawn(server.serve(throwingOnCancel));
      try (Socket client = new Socket("127.0.0.1", server.localAddress().getPort())) {
        client.setSoTimeout(10_000);
        client.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        entered.await();
        server.close();
        assertEquals(-1, client.getInputStream().read(), "the server closed the connection");
      }
      rt.blockOn(serving);
    } finally {
      logger.setLevel(level);
    }
  }

  /** {@return the number of timers registered with the current runtime's driver} */
  private static io.kyoto.runtime.Future<Integer> timers() {
    return io.kyoto.runtime.Futures.lazy(
        () -> {
          var current = Class.forName("io.kyoto.runtime.Sleep").getDeclaredMethod("currentDriver");
          current.setAccessible(true);
          Object driver = current.invoke(null);
          var wheel = driver.getClass().getDeclaredField("wheel");
          wheel.setAccessible(true);
          Object w = wheel.get(driver);
          return Futures.ready((Integer) w.getClass().getMethod("size").invoke(w));
        });
  }

  @Test
  void aRequestBodyReadAfterTheExchangeEndedFailsInsteadOfLookingEmpty() throws Exception {
    // The server skips the unread body once the answer is queued. A task still holding the body
    // (read on another task, as the README allows while the response is pending) must then get
    // an error, not a clean end that makes the five bytes sent look like an empty body.
    io.kyoto.runtime.sync.CancellationToken go = new io.kyoto.runtime.sync.CancellationToken();
    java.util.concurrent.CompletableFuture<String> late =
        new java.util.concurrent.CompletableFuture<>();
    Service<Request, Response> app =
        Service.of(
            req -> {
              Body body = req.body();
              io.kyoto.runtime.Task.spawn(
                  go.cancelled()
                      .flatMap(v -> body.string())
                      .handle(
                          (text, e) ->
                              late.complete(e == null ? "read [" + text + "]" : "failed: " + e)));
              return Futures.ready(Response.text("accepted"));
            });
    try (ServerHarness h = new ServerHarness(app)) {
      String r =
          h.exchangeUntilClose(
              "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
                  + "hello");
      assertTrue(r.endsWith("accepted"), r);
      go.cancel();
      String outcome = late.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(
          outcome.equals("read [hello]") || outcome.startsWith("failed: "),
          "the late reader saw: " + outcome);
    }
  }

  @Test
  void aRequestBodyReadAgainAfterAFailedReadCancelledItFailsInsteadOfGivingTheRest()
      throws Exception {
    // Body.bytes(limit) cancels the body when it goes over the limit, with the first chunk read
    // and dropped. Reading the body again must fail, not return the rest as if it were the body.
    Service<Request, Response> app =
        Service.of(
            req ->
                req.body()
                    .bytes(3)
                    .map(b -> "whole [" + new String(b, StandardCharsets.UTF_8) + "]")
                    .recoverWith(
                        tooLarge ->
                            req.body()
                                .string()
                                .map(rest -> "again [" + rest + "]")
                                .recover(e -> "again failed"))
                    .map(Response::text));
    try (ServerHarness h = new ServerHarness(app)) {
      String r =
          h.exchangeUntilClose(
              "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  + "Connection: close\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n");
      assertTrue(r.endsWith("again failed"), r);
    }
  }

  @Test
  void http10GetsCloseDelimitedStreamsAndKeepAliveOnRequest() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      String r = h.exchangeUntilClose("GET /stream HTTP/1.0\r\n\r\n");
      assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
      assertTrue(!r.contains("transfer-encoding"), r);
      assertTrue(r.contains("connection: close\r\n"), r);
      assertTrue(r.endsWith("\r\n\r\nabbccc"), r);
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes());
        InputStream in = s.getInputStream();
        String first = readResponse(in);
        assertTrue(first.contains("connection: keep-alive\r\n"), first);
        out.write("GET /hello HTTP/1.0\r\n\r\n".getBytes());
        assertTrue(ServerHarness.readAll(in).endsWith("hello\n"));
      }
    }
  }

  @Test
  void failuresBecomeStatuses() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      String r = h.exchangeUntilClose("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(r.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), r);
      assertTrue(r.contains("connection: close\r\n"), r);
      String t =
          h.exchangeUntilClose("GET /teapot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(t.startsWith("HTTP/1.1 418 \r\n"), t);
      assertTrue(t.endsWith("short and stout\n"), t);
    }
  }

  @Test
  void aPipelinedRequestsContinueComesAfterTheResponsesBeforeIt() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        // One write: the GET's answer is still queued when the POST's body is first read.
        out.write(
            ("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n")
                .getBytes());
        InputStream in = s.getInputStream();
        StringBuilder got = new StringBuilder();
        while (!got.toString().contains("100 Continue\r\n\r\n")) {
          int b = in.read();
          if (b < 0) break;
          got.append((char) b);
        }
        String text = got.toString();
        assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
        assertTrue(text.contains("hello\nHTTP/1.1 100 Continue\r\n\r\n"), text);
        out.write("data".getBytes());
        assertTrue(ServerHarness.readAll(in).endsWith("POST /up [data]"));
      }
    }
  }

  @Test
  void aBodyReadOnAnotherTaskGetsItsContinueFromTheConnection() throws Exception {
    Service<Request, Response> app =
        Service.of(
            req ->
                io.kyoto.runtime.Task.spawn(req.body().string())
                    .map(body -> Response.text("read elsewhere [" + body + "]")));
    try (ServerHarness h = new ServerHarness(app)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n")
                .getBytes());
        InputStream in = s.getInputStream();
        byte[] buf = new byte[25];
        assertEquals(
            "HTTP/1.1 100 Continue\r\n\r\n", new String(buf, 0, in.readNBytes(buf, 0, 25)));
        out.write("data".getBytes());
        assertTrue(ServerHarness.readAll(in).endsWith("read elsewhere [data]"));
      }
    }
  }

  @Test
  void expectContinueIsSentWhenTheBodyIsRead() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      try (Socket s = h.socket()) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n")
                .getBytes());
        InputStream in = s.getInputStream();
        byte[] buf = new byte[25];
        int n = in.readNBytes(buf, 0, 25);
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(buf, 0, n));
        out.write("data".getBytes());
        assertTrue(ServerHarness.readAll(in).endsWith("POST /up [data]"));
      }
      // A declared body over the limit is refused without 100 Continue.
    }
    try (ServerHarness h = new ServerHarness(HttpServer.builder().maxBodyBytes(10), APP)) {
      String r =
          h.exchangeUntilClose(
              "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
      assertTrue(r.startsWith("HTTP/1.1 413 Content Too Large\r\n"), r);
      assertTrue(r.contains("connection: close\r\n"), r);
      String c =
          h.exchangeUntilClose(
              "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "b\r\n01234567890\r\n0\r\n\r\n");
      assertTrue(c.startsWith("HTTP/1.1 413 Content Too Large\r\n"), c);
    }
  }

  @Test
  void anAnswerThatLeavesTheRequestBodyUnreadSaysTheConnectionCloses() throws Exception {
    // RFC 9110 section 10.1.1: a final response sent before the request content is read indicates
    // whether the connection closes. The server closes these, so the head must say so.
    Service<Request, Response> refuse =
        Service.of(req -> Futures.ready(Response.text("no\n").status(Status.of(401))));
    try (ServerHarness h = new ServerHarness(refuse)) {
      // The client waits for 100 Continue, which never comes.
      try (Socket s = h.socket()) {
        s.getOutputStream()
            .write(
                ("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        + "Expect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String r = ServerHarness.readAll(s.getInputStream());
        assertTrue(r.startsWith("HTTP/1.1 401 "), r);
        assertTrue(r.contains("connection: close\r\n"), r);
      }
      // Most of a large body is still on its way.
      try (Socket s = h.socket()) {
        s.getOutputStream()
            .write(
                ("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String r = ServerHarness.readAll(s.getInputStream());
        assertTrue(r.startsWith("HTTP/1.1 401 "), r);
        assertTrue(r.contains("connection: close\r\n"), r);
      }
      // A small unread body that has fully arrived is skipped, and the connection is kept.
      try (Socket s = h.socket()) {
        s.getOutputStream()
            .write(
                ("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String r = ServerHarness.readAll(s.getInputStream());
        assertEquals(2, r.split("HTTP/1.1 401 ", -1).length - 1, r);
      }
    }
  }

  @Test
  void aContinueNeverFollowsTheFinalResponseHead() throws Exception {
    // The response head goes out first (its body waits); the body then reads the request body.
    // A 100 Continue at that point would land in the middle of the response body.
    Service<Request, Response> lateEcho =
        Service.of(
            req ->
                Futures.ready(
                    Response.ok()
                        .body(
                            Body.from(
                                io.kyoto.runtime.stream.Streams.fromFuture(
                                        io.kyoto.runtime.Time.sleep(
                                                java.time.Duration.ofMillis(200))
                                            .map(v -> "go"))
                                    .flatMap(v -> req.body())))));
    try (ServerHarness h = new ServerHarness(lateEcho);
        Socket s = h.socket()) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      // Interim responses (a 100 Continue) may come, but only before the final head.
      String head;
      do {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c < 0) break;
          sb.append((char) c);
        }
        head = sb.toString();
      } while (head.startsWith("HTTP/1.1 100 "));
      assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
      out.write("data".getBytes(StandardCharsets.ISO_8859_1));
      StringBuilder rest = new StringBuilder();
      while (!rest.toString().endsWith("0\r\n\r\n")) {
        int c = in.read();
        if (c < 0) break;
        rest.append((char) c);
      }
      assertEquals("4\r\ndata\r\n0\r\n\r\n", rest.toString());
      // The connection is still in step: a second request is answered.
      out.write(
          "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
              .getBytes());
      String second = ServerHarness.readAll(in);
      assertTrue(second.startsWith("HTTP/1.1 200 OK\r\n"), second);
      assertTrue(second.endsWith("\r\n2\r\nok\r\n0\r\n\r\n"), second);
    }
  }

  @Test
  void gracefulShutdownFinishesInFlightAndClosesIdle() throws Exception {
    io.kyoto.runtime.sync.Oneshot.Channel<String> gate = io.kyoto.runtime.sync.Oneshot.channel();
    Service<Request, Response> slow = Service.of(req -> gate.rx().map(Response::text));
    ServerHarness h = new ServerHarness(slow);
    try (Socket idle = h.socket();
        Socket busy = h.socket()) {
      busy.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      // Let the server read both connections.
      Thread.sleep(200);
      h.server.shutdown();
      assertEquals(-1, idle.getInputStream().read(), "idle connection closed at once");
      gate.tx().send("done");
      String r = ServerHarness.readAll(busy.getInputStream());
      assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
      assertTrue(r.contains("connection: close\r\n"), r);
      assertTrue(r.endsWith("done"), r);
      h.rt.blockOn(h.serving);
    } finally {
      h.rt.close();
    }
  }

  @Test
  void gracefulShutdownClosesAConnectionHoldingAPartialHeadAtOnce() throws Exception {
    // The header-read timeout and the shutdown deadline are far away: neither may be waited for.
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    Service<Request, Response> app =
        Service.of(
            req -> {
              calls.incrementAndGet();
              return Futures.ready(Response.text("called"));
            });
    ServerHarness h =
        new ServerHarness(
            HttpServer.builder()
                .headerReadTimeout(java.time.Duration.ofMinutes(5))
                .shutdownTimeout(java.time.Duration.ofMinutes(5)),
            app);
    try (Socket half = h.socket()) {
      half.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes());
      Thread.sleep(200); // let the server read the half head (it is closed at once otherwise too)
      h.server.shutdown();
      // The socket's 10 s read timeout only bounds a failing run.
      assertEquals(-1, half.getInputStream().read(), "closed at once, without a response");
      h.rt.blockOn(io.kyoto.runtime.Time.timeout(java.time.Duration.ofSeconds(10), h.serving));
      assertEquals(0, calls.get(), "the application never saw the half request");
    } finally {
      h.rt.close();
    }
  }

  static String readResponse(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    int contentLength = -1;
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) break;
      sb.append((char) c);
    }
    Matcher m = Pattern.compile("content-length: (\\d+)").matcher(sb);
    if (m.find()) contentLength = Integer.parseInt(m.group(1));
    if (contentLength > 0)
      sb.append(new String(in.readNBytes(contentLength), StandardCharsets.ISO_8859_1));
    return sb.toString();
  }

  @Test
  void aDeepPipelineIsAnsweredCompletelyAndInOrder() throws Exception {
    try (ServerHarness h = new ServerHarness(APP)) {
      StringBuilder req = new StringBuilder();
      int n = 2000;
      for (int i = 0; i < n; i++) {
        req.append("POST /p")
            .append(i)
            .append(" HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
      }
      req.append("GET /end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      try (Socket s = h.socket()) {
        Thread writer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        s.getOutputStream()
                            .write(req.toString().getBytes(StandardCharsets.US_ASCII));
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    });
        String all = ServerHarness.readAll(new java.io.BufferedInputStream(s.getInputStream()));
        writer.join();
        int from = 0;
        for (int i = 0; i < n; i++) {
          int at = all.indexOf("POST /p" + i + " [x]", from);
          assertTrue(at >= 0, "response " + i + " missing or out of order");
          from = at;
        }
        assertTrue(all.endsWith("GET /end []"));
      }
    }
  }

  @Test
  void aFailedResponseBodyOrResponseFutureIsCancelledOnce() throws Exception {
    // The owner of a stream whose pollNext threw, or of a future whose poll threw, cancels it once
    // (README, Decisions), so that what it still held (an SSE keep-alive sleep) is released.
    java.util.concurrent.atomic.AtomicInteger bodyCancels =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger futureCancels =
        new java.util.concurrent.atomic.AtomicInteger();
    io.kyoto.runtime.stream.Stream<ByteBuffer> failing =
        new io.kyoto.runtime.stream.Stream<>() {
          private boolean sent;

          @Override
          public io.kyoto.runtime.Poll<ByteBuffer> pollNext(io.kyoto.runtime.Context cx)
              throws Exception {
            if (!sent) {
              sent = true;
              return io.kyoto.runtime.Poll.ready(ByteBuffer.wrap("part".getBytes()));
            }
            throw new IllegalStateException("the body's source broke");
          }

          @Override
          public void cancel() {
            bodyCancels.incrementAndGet();
          }
        };
    io.kyoto.runtime.Future<Response> failingFuture =
        new io.kyoto.runtime.Future<>() {
          @Override
          public io.kyoto.runtime.Poll<Response> poll(io.kyoto.runtime.Context cx) {
            throw new IllegalStateException("the handler broke");
          }

          @Override
          public void cancel() {
            futureCancels.incrementAndGet();
          }
        };
    Service<Request, Response> app =
        Service.of(
            req ->
                req.path().equals("/body")
                    ? Futures.ready(Response.ok().body(Body.from(failing)))
                    : failingFuture);
    var logger = java.util.logging.Logger.getLogger("io.kyoto.web.HttpServer");
    java.util.logging.Level level = logger.getLevel();
    logger.setLevel(java.util.logging.Level.OFF); // the expected warnings
    try (ServerHarness h = new ServerHarness(app)) {
      String r = h.exchangeUntilClose("GET /body HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(!r.contains("\r\n0\r\n\r\n"), "no terminator after a failed body: " + r);
      // The connection cancels what it drops before it closes the socket.
      assertEquals(1, bodyCancels.get(), "the failed body is cancelled once");
      r = h.exchangeUntilClose("GET /future HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(r.startsWith("HTTP/1.1 500 "), r);
      assertEquals(1, futureCancels.get(), "the failed response future is cancelled once");
    } finally {
      logger.setLevel(level);
    }
  }

  @Test
  void theBodyOfAnUpgradeTheRequestDidNotAskForIsCancelled() throws Exception {
    // A 101 to a request without Connection: upgrade is replaced by a 500; the application's
    // response, body included, is dropped, so its body is cancelled as every dropped body is.
    java.util.concurrent.atomic.AtomicInteger cancels =
        new java.util.concurrent.atomic.AtomicInteger();
    io.kyoto.runtime.stream.Stream<ByteBuffer> chunks =
        new io.kyoto.runtime.stream.Stream<>() {
          @Override
          public io.kyoto.runtime.Poll<ByteBuffer> pollNext(io.kyoto.runtime.Context cx) {
            return io.kyoto.runtime.stream.Stream.end();
          }

          @Override
          public void cancel() {
            cancels.incrementAndGet();
          }
        };
    Service<Request, Response> app =
        Service.of(
            req ->
                Futures.ready(
                    Response.upgrade("x", up -> Futures.ready(null)).body(Body.from(chunks))));
    var logger = java.util.logging.Logger.getLogger("io.kyoto.web.HttpServer");
    java.util.logging.Level level = logger.getLevel();
    logger.setLevel(java.util.logging.Level.OFF); // the expected warning
    try (ServerHarness h = new ServerHarness(app)) {
      String r = h.exchangeUntilClose("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(r.startsWith("HTTP/1.1 500 "), r);
      assertEquals(1, cancels.get(), "the dropped body is cancelled once");
    } finally {
      logger.setLevel(level);
    }
  }
}
