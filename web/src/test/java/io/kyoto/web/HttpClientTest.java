package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HttpClientTest {
  static final Service<Request, Response> APP =
      Service.of(
          req ->
              switch (req.path()) {
                case "/redirect" ->
                    Futures.ready(Response.of(Status.FOUND).header("location", "/hello"));
                case "/see-other" ->
                    Futures.ready(Response.of(Status.SEE_OTHER).header("location", "/echo"));
                case "/slow" -> Time.sleep(Duration.ofSeconds(1)).map(v -> Response.text("late"));
                default -> HttpServerTest.APP.call(req);
              });

  @Test
  void poolReusesOneConnectionAndStreamsBothWays() throws Exception {
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP);
        HttpClient client = HttpClient.create()) {
      for (int i = 0; i < 10; i++) {
        Response r = h.rt.blockOn(client.get(h.url("/hello")));
        assertEquals(200, r.status().code());
        assertEquals("hello\n", h.rt.blockOn(r.body().string()));
      }
      assertEquals(1, h.server.acceptedConnections());
      assertEquals(1, client.idleConnections());
      Response chunked = h.rt.blockOn(client.get(h.url("/stream")));
      assertEquals("chunked", chunked.header("transfer-encoding"));
      assertEquals("abbccc", h.rt.blockOn(chunked.body().string()));
      Body upload =
          Body.from(
              Streams.of("x", "yy", "zzz")
                  .map(s -> ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8))));
      Response echoed = h.rt.blockOn(client.send(Request.post(h.url("/up"), upload)));
      assertEquals("POST /up [xyyzzz]", h.rt.blockOn(echoed.body().string()));
      Response posted = h.rt.blockOn(client.send(Request.post(h.url("/p?q=1"), Body.of("abc"))));
      assertEquals("POST /p?q=1 [abc]", h.rt.blockOn(posted.body().string()));
      assertEquals(1, h.server.acceptedConnections(), "still one connection");
    }
  }

  @Test
  void redirectsAreFollowedOnlyWhenAsked() throws Exception {
    try (ServerHarness h = new ServerHarness(APP);
        HttpClient plain = HttpClient.create();
        HttpClient following = HttpClient.builder().followRedirects(3).build()) {
      Response r = h.rt.blockOn(plain.get(h.url("/redirect")));
      assertEquals(302, r.status().code());
      h.rt.blockOn(r.body().drain());
      Response f = h.rt.blockOn(following.get(h.url("/redirect")));
      assertEquals("hello\n", h.rt.blockOn(f.body().string()));
      Response seeOther =
          h.rt.blockOn(following.send(Request.post(h.url("/see-other"), Body.of("dropped"))));
      assertEquals("GET /echo []", h.rt.blockOn(seeOther.body().string()));
    }
  }

  @Test
  void aRedirectToAQueryOnlyLocationKeepsThePath() throws Exception {
    // RFC 3986 section 5.4.1: "?y" against http://a/b/c/d;p?q is http://a/b/c/d;p?y. The JDK's
    // URI.resolve follows RFC 2396 and drops the last segment (http://a/b/c/?y).
    Service<Request, Response> app =
        Service.of(
            req ->
                req.target().equals("/list/items")
                    ? Futures.ready(Response.of(Status.FOUND).header("location", "?page=2"))
                    : HttpServerTest.APP.call(req));
    try (ServerHarness h = new ServerHarness(app);
        HttpClient client = HttpClient.builder().followRedirects(2).build()) {
      Response r = h.rt.blockOn(client.get(h.url("/list/items")));
      assertEquals("GET /list/items?page=2 []", h.rt.blockOn(r.body().string()));
    }
  }

  @Test
  void aUrlsUserinfoIsSentAsBasicAuthorizationToItsOriginOnly() throws Exception {
    // reqwest: user:password in the URL becomes Authorization: Basic (percent escapes decoded), and
    // the URL's credentials are not forwarded to another origin on a redirect.
    Service<Request, Response> app =
        Service.of(
            req ->
                req.path().equals("/away")
                    ? Futures.ready(
                        Response.of(Status.FOUND)
                            .header("location", req.queryParam("to") + "/landed"))
                    : Futures.ready(Response.text(String.valueOf(req.header("authorization")))));
    try (ServerHarness h = new ServerHarness(app);
        ServerHarness other = new ServerHarness(app);
        HttpClient client = HttpClient.builder().followRedirects(2).build()) {
      String base = "http://al%3Aice:p%40ss%C3%A9@127.0.0.1:" + h.port();
      Response r = h.rt.blockOn(client.get(base + "/who"));
      String expected =
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString("al:ice:p@ssé".getBytes(StandardCharsets.UTF_8));
      assertEquals(expected, h.rt.blockOn(r.body().string()));
      r = h.rt.blockOn(client.get("http://bob@127.0.0.1:" + h.port() + "/who"));
      assertEquals(
          "Basic " + java.util.Base64.getEncoder().encodeToString("bob:".getBytes()),
          h.rt.blockOn(r.body().string()));
      // An explicit Authorization wins.
      r = h.rt.blockOn(client.send(Request.get(base + "/who").header("authorization", "Bearer t")));
      assertEquals("Bearer t", h.rt.blockOn(r.body().string()));
      // Same origin after a redirect: kept. Another origin (another port): dropped.
      r = h.rt.blockOn(client.get(base + "/away?to=http://127.0.0.1:" + h.port()));
      assertEquals(expected, h.rt.blockOn(r.body().string()));
      r = h.rt.blockOn(client.get(base + "/away?to=http://127.0.0.1:" + other.port()));
      assertEquals("null", h.rt.blockOn(r.body().string()));
    }
  }

  @Test
  void aRedirectLocationHasItsDotSegmentsRemoved() throws Exception {
    // RFC 3986 section 5.2.4 (remove_dot_segments, as reqwest's url crate): ".." above the root is
    // dropped ("../../g" against http://a/b/c/d;p?q is http://a/g, section 5.4.2), and an absolute
    // path's dot segments are removed too. The JDK's URI.resolve kept "/../x" and "/./y/../z".
    Service<Request, Response> app =
        Service.of(
            req ->
                switch (req.target()) {
                  case "/a/b" ->
                      Futures.ready(Response.of(Status.FOUND).header("location", "../../../x?q=1"));
                  case "/c" ->
                      Futures.ready(Response.of(Status.FOUND).header("location", "/./y/../z"));
                  default -> HttpServerTest.APP.call(req);
                });
    try (ServerHarness h = new ServerHarness(app);
        HttpClient client = HttpClient.builder().followRedirects(2).build()) {
      Response r = h.rt.blockOn(client.get(h.url("/a/b")));
      assertEquals("GET /x?q=1 []", h.rt.blockOn(r.body().string()));
      r = h.rt.blockOn(client.get(h.url("/c")));
      assertEquals("GET /z []", h.rt.blockOn(r.body().string()));
    }
  }

  @Test
  void aUrlWithNonAsciiCharactersIsSentPercentEncodedAsUtf8() throws Exception {
    // java.net.URI keeps non-ASCII characters in its raw path and query; on the wire a request
    // target is ASCII, so they go out as UTF-8 percent escapes (URI.toASCIIString, as reqwest).
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP);
        HttpClient client = HttpClient.create()) {
      Response r = h.rt.blockOn(client.get(h.url("/café/日本?q=ü")));
      assertEquals(
          "GET /caf%C3%A9/%E6%97%A5%E6%9C%AC?q=%C3%BC []", h.rt.blockOn(r.body().string()));
    }
  }

  @Test
  void anIpv6LiteralUrlReachesTheServerWithAValidHostHeader() throws Exception {
    // URI.getHost() keeps an IPv6 literal's brackets ("[::1]"); bracketing it again gave
    // "[[::1]]:port" for the connection and the Host header.
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress(InetAddress.getByName("::1"), 0));
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "no IPv6 loopback: " + e);
    }
    try (io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().multiThread().workerThreads(1).enableAll().build();
        HttpClient client = HttpClient.create()) {
      Service<Request, Response> app =
          Service.of(req -> Futures.ready(Response.text("host=" + req.header("host"))));
      HttpServer server = rt.blockOn(HttpServer.bind("[::1]:0"));
      io.kyoto.runtime.JoinHandle<Void> serving = rt.spawn(server.serve(app));
      try {
        int port = server.localAddress().getPort();
        Response r = rt.blockOn(client.get("http://[::1]:" + port + "/"));
        assertEquals(200, r.status().code());
        assertEquals("host=[::1]:" + port, rt.blockOn(r.body().string()));
      } finally {
        server.shutdown();
        rt.blockOn(serving);
      }
    }
  }

  @Test
  void aResponseBodyReadAgainAfterItWasCancelledFailsInsteadOfLookingEmpty() throws Exception {
    // Body.bytes(limit) cancels the body (and closes its connection) when it goes over the
    // limit. A second read must fail, not end cleanly with an empty body.
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP);
        HttpClient client = HttpClient.create()) {
      Response r = h.rt.blockOn(client.get(h.url("/hello")));
      assertThrows(HttpException.class, () -> h.rt.blockOn(r.body().bytes(3)));
      Exception again = assertThrows(Exception.class, () -> h.rt.blockOn(r.body().string()));
      assertInstanceOf(IOException.class, again);
    }
  }

  @Test
  void timeoutsAndRefusedConnections() throws Exception {
    try (ServerHarness h = new ServerHarness(APP);
        HttpClient client = HttpClient.builder().requestTimeout(Duration.ofMillis(200)).build()) {
      Exception e = assertThrows(Exception.class, () -> h.rt.blockOn(client.get(h.url("/slow"))));
      assertInstanceOf(TimeoutException.class, e);
      int port = h.port();
      h.close();
      Exception refused =
          assertThrows(
              Exception.class,
              () -> {
                try (io.kyoto.runtime.Runtime rt =
                    io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build()) {
                  rt.blockOn(client.get("http://127.0.0.1:" + port + "/"));
                }
              });
      assertInstanceOf(java.io.IOException.class, refused, refused.toString());
    }
  }

  @Test
  void aRefusedConnectionAndTheRequestTimeoutNameTheirTarget() throws Exception {
    // The system's "connect: Connection refused (ECONNREFUSED)" and the runtime's "deadline has
    // elapsed (PT0.2S)" said neither where nor what; reqwest names the URL.
    try (ServerHarness h = new ServerHarness(APP);
        HttpClient client = HttpClient.builder().requestTimeout(Duration.ofMillis(200)).build()) {
      String slow = "http://user:secret@127.0.0.1:" + h.port() + "/slow?q=1";
      Exception e = assertThrows(Exception.class, () -> h.rt.blockOn(client.get(slow)));
      assertInstanceOf(TimeoutException.class, e, e.toString());
      assertEquals(
          "GET http://127.0.0.1:"
              + h.port()
              + "/slow?q=1 timed out after 200 ms (the request timeout)",
          e.getMessage());
      assertInstanceOf(TimeoutException.class, e.getCause());
      int port = h.port();
      h.close();
      try (io.kyoto.runtime.Runtime rt =
          io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build()) {
        Exception refused =
            assertThrows(
                Exception.class, () -> rt.blockOn(client.get("http://127.0.0.1:" + port + "/")));
        // Still an IOException (retry rules test for it), the system's error as cause.
        assertInstanceOf(java.net.ConnectException.class, refused, refused.toString());
        assertTrue(
            refused.getMessage().startsWith("connecting to 127.0.0.1:" + port + " failed: "),
            refused.getMessage());
        assertInstanceOf(IOException.class, refused.getCause());
        assertTrue(
            refused.getMessage().endsWith(refused.getCause().getMessage()), refused.getMessage());
        // A name that does not resolve: an UnknownHostException naming host and port, not the
        // resolver task's JoinException.
        Exception unknown =
            assertThrows(
                Exception.class, () -> rt.blockOn(client.get("http://no-such-host.invalid/x")));
        assertInstanceOf(java.net.UnknownHostException.class, unknown, unknown.toString());
        assertTrue(
            unknown.getMessage().startsWith("connecting to no-such-host.invalid:80 failed: "),
            unknown.getMessage());
      }
    }
  }

  @Test
  void aStalePooledConnectionIsRetriedOnce() throws Exception {
    try (ServerHarness h =
            new ServerHarness(
                HttpServer.builder().keepAliveTimeout(Duration.ofMillis(100)), HttpServerTest.APP);
        HttpClient client = HttpClient.create()) {
      Response first = h.rt.blockOn(client.get(h.url("/hello")));
      h.rt.blockOn(first.body().drain());
      assertEquals(1, client.idleConnections());
      Thread.sleep(500); // the server closes the idle connection
      Response second = h.rt.blockOn(client.get(h.url("/hello")));
      assertEquals("hello\n", h.rt.blockOn(second.body().string()));
      assertEquals(2, h.server.acceptedConnections());
    }
  }

  @Test
  void aPostIsNotRetriedWhenTheReusedConnectionDiesBeforeAnswering() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    AtomicInteger gets = new AtomicInteger();
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  while (true) {
                    String req = RawServer.readRequest(in);
                    if (req == null) return;
                    if (req.startsWith("POST")) {
                      // The server may have acted on it; then the connection dies unanswered.
                      if (posts.incrementAndGet() == 1) return;
                    }
                    if (req.startsWith("GET /die") && gets.incrementAndGet() == 1) return;
                    RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.create()) {
      Response first = rt.blockOn(client.get(raw.url("/")));
      assertEquals("ok", rt.blockOn(first.body().string()));
      assertEquals(1, client.idleConnections());
      // RFC 9110 section 9.2.2: a non-idempotent request is not retried automatically.
      Exception e =
          assertThrows(
              Exception.class,
              () -> rt.blockOn(client.send(Request.post(raw.url("/charge"), Body.of("$5")))));
      assertInstanceOf(java.io.IOException.class, e, e.toString());
      assertEquals(1, posts.get(), "the POST was sent once");
      // An idempotent request is retried on a fresh connection.
      Response warm = rt.blockOn(client.get(raw.url("/")));
      assertEquals("ok", rt.blockOn(warm.body().string()));
      assertEquals(1, client.idleConnections());
      Response again = rt.blockOn(client.get(raw.url("/die")));
      assertEquals("ok", rt.blockOn(again.body().string()));
      assertEquals(2, gets.get(), "the GET was sent twice");
    }
  }

  @Test
  void aConnectionTheRequestAskedToCloseIsNotPooled() throws Exception {
    // A server that does not echo "connection: close" (it need not) and keeps the socket open.
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  for (String req; (req = RawServer.readRequest(in)) != null; ) {
                    String head = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n";
                    RawServer.write(out, req.startsWith("HEAD") ? head : head + "ok");
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.create()) {
      Response r = rt.blockOn(client.send(Request.get(raw.url("/")).header("Connection", "close")));
      assertEquals("ok", rt.blockOn(r.body().string()));
      // RFC 9112 section 9.6: a client that sent close sends no further request on it.
      assertEquals(0, client.idleConnections());
      // The same for a response without a body (the connection is released with the head).
      Response head =
          rt.blockOn(
              client.send(Request.of(Method.HEAD, raw.url("/")).header("connection", "close")));
      assertEquals(200, head.status().code());
      assertEquals(0, client.idleConnections());
    }
  }

  @Test
  void aSwitchedProtocolConnectionIsNotPooled() throws Exception {
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  for (String req; (req = RawServer.readRequest(in)) != null; ) {
                    if (req.contains("upgrade: foo")) {
                      // From here on the connection speaks "foo", not HTTP.
                      RawServer.write(
                          out,
                          "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\n"
                              + "upgrade: foo\r\n\r\nfoo-hello");
                    } else {
                      RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                    }
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.create()) {
      Response switched =
          rt.blockOn(
              client.send(
                  Request.get(raw.url("/"))
                      .header("connection", "upgrade")
                      .header("upgrade", "foo")));
      assertEquals(101, switched.status().code());
      assertEquals(0, client.idleConnections(), "an upgraded connection is not HTTP any more");
      // The connection is handed over, starting with the bytes the server sent after its head.
      Upgraded foo = switched.upgraded();
      java.nio.ByteBuffer hello = java.nio.ByteBuffer.allocate(9);
      rt.blockOn(foo.readExact(hello));
      assertEquals("foo-hello", new String(hello.array(), java.nio.charset.StandardCharsets.UTF_8));
      foo.close();
      assertEquals(null, rt.blockOn(client.get(raw.url("/"))).upgraded());
      Response next = rt.blockOn(client.get(raw.url("/")));
      assertEquals(200, next.status().code());
      assertEquals("ok", rt.blockOn(next.body().string()));
    }
  }

  @Test
  void decompressLeavesAloneAResponseWithNoBodyToDecode() throws Exception {
    // A 101 (or 204, 304, an answer to HEAD) labelled gzip has no encoded body: with decompress on,
    // the client still hands the switched connection over, raw, and keeps the fields as they came.
    Service<Request, Response> app =
        req -> {
          Response r =
              switch (req.target()) {
                case "/switch" ->
                    Response.upgrade(
                        "foo",
                        up ->
                            up.writeAll(ByteBuffer.wrap(bytes("foo-hello")))
                                .flatMap(
                                    v -> {
                                      ByteBuffer echo = ByteBuffer.allocate(3);
                                      return up.readExact(echo)
                                          .flatMap(n -> up.writeAll(echo.flip()))
                                          .flatMap(w -> up.closeAsync())
                                          .map(
                                              c -> {
                                                up.close();
                                                return null;
                                              });
                                    }));
                case "/none" -> Response.of(Status.NO_CONTENT);
                case "/same" -> Response.of(Status.NOT_MODIFIED);
                default -> Response.text("x");
              };
          return Futures.ready(r.header("content-encoding", "gzip"));
        };
    try (ServerHarness h = new ServerHarness(app);
        HttpClient client = HttpClient.builder().decompress(true).build()) {
      Response switched =
          h.rt.blockOn(
              client.send(
                  Request.get(h.url("/switch"))
                      .header("connection", "upgrade")
                      .header("upgrade", "foo")));
      assertEquals(101, switched.status().code());
      assertEquals("gzip", switched.header("content-encoding"));
      assertEquals(0, h.rt.blockOn(switched.body().bytes()).length);
      Upgraded foo = switched.upgraded();
      assertTrue(foo != null, "the switched connection is handed over");
      ByteBuffer hello = ByteBuffer.allocate(9);
      h.rt.blockOn(foo.readExact(hello));
      assertEquals("foo-hello", new String(hello.array(), StandardCharsets.UTF_8));
      h.rt.blockOn(foo.writeAll(ByteBuffer.wrap(bytes("bye"))));
      assertEquals("bye", new String(h.rt.blockOn(foo.readToEnd()), StandardCharsets.UTF_8));
      foo.close();

      for (String path : new String[] {"/none", "/same"}) {
        Response r = h.rt.blockOn(client.get(h.url(path)));
        assertEquals("gzip", r.header("content-encoding"), path);
        assertEquals(0, h.rt.blockOn(r.body().bytes()).length, path);
      }
      Response head = h.rt.blockOn(client.send(Request.of(Method.HEAD, h.url("/text"))));
      assertEquals(200, head.status().code());
      assertEquals("gzip", head.header("content-encoding"));
      assertEquals(0, h.rt.blockOn(head.body().bytes()).length);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void credentialsAreNotForwardedToAnotherOriginOnRedirect() throws Exception {
    java.util.Queue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.Queue<String> seenAtOrigin = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try (RawServer other =
            new RawServer(
                (i, s, in, out) -> {
                  for (String req; (req = RawServer.readRequest(in)) != null; ) {
                    seen.add(req.toLowerCase(java.util.Locale.ROOT));
                    RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                  }
                });
        RawServer origin =
            new RawServer(
                (i, s, in, out) -> {
                  for (String req; (req = RawServer.readRequest(in)) != null; ) {
                    if (req.startsWith("GET /landed")) seenAtOrigin.add(req);
                    String to = req.startsWith("GET /same") ? "/landed" : other.url("/landed");
                    RawServer.write(
                        out,
                        req.startsWith("GET /landed")
                            ? "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
                            : "HTTP/1.1 302 Found\r\nlocation: "
                                + to
                                + "\r\ncontent-length: 0\r\n\r\n");
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.builder().followRedirects(2).build()) {
      Response away =
          rt.blockOn(
              client.send(
                  Request.get(origin.url("/elsewhere"))
                      .header("authorization", "Bearer secret")
                      .header("cookie", "session=secret")
                      .header("proxy-authorization", "Basic secret")
                      .header("x-trace", "kept")));
      assertEquals("ok", rt.blockOn(away.body().string()));
      String forwarded = seen.poll();
      assertTrue(forwarded.contains("x-trace: kept"), forwarded);
      assertTrue(!forwarded.contains("secret"), forwarded);
      // Within one origin they are kept.
      Response same =
          rt.blockOn(
              client.send(
                  Request.get(origin.url("/same")).header("authorization", "Bearer secret")));
      assertEquals("ok", rt.blockOn(same.body().string()));
      String kept = seenAtOrigin.poll();
      assertTrue(kept.contains("authorization: Bearer secret"), kept);
    }
  }

  @Test
  void aRedirectThatTurnsARequestIntoAGetDropsItsBodyHeaders() throws Exception {
    java.util.Queue<String> landed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  for (String req; (req = RawServer.readRequest(in)) != null; ) {
                    if (req.contains(" /landed ")) {
                      landed.add(req.toLowerCase(java.util.Locale.ROOT));
                      RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                    } else {
                      String status = req.contains(" /see-other ") ? "303 See Other" : "302 Found";
                      RawServer.write(
                          out,
                          "HTTP/1.1 "
                              + status
                              + "\r\nlocation: /landed\r\ncontent-length: 0\r\n\r\n");
                    }
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.builder().followRedirects(2).build()) {
      for (String from : new String[] {"/found", "/see-other"}) {
        Request post =
            Request.post(raw.url(from), Body.of("{\"a\":1}"))
                .header("content-type", "application/json")
                .header("content-encoding", "identity")
                .header("content-language", "en")
                .header("content-location", "/doc")
                .header("content-length", "7")
                .header("expect", "100-continue")
                .header("x-trace", "kept");
        Response r = rt.blockOn(client.send(post));
        assertEquals("ok", rt.blockOn(r.body().string()));
        String got = landed.poll();
        assertTrue(got.startsWith("get /landed http/1.1\r\n"), got);
        assertTrue(got.contains("x-trace: kept"), got);
        for (String name :
            new String[] {
              "content-type",
              "content-encoding",
              "content-language",
              "content-location",
              "content-length",
              "transfer-encoding",
              "expect"
            }) {
          assertTrue(!got.contains(name + ":"), from + " kept " + name + ": " + got);
        }
      }
    }
  }

  @Test
  void anIdlePooledConnectionIsClosedAtItsIdleTimeoutWithoutAnotherRequest() throws Exception {
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  while (RawServer.readRequest(in) != null) {
                    RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                  }
                  closed.countDown(); // end of stream: the client closed it
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().multiThread().workerThreads(1).enableAll().build();
        HttpClient client = HttpClient.builder().idleTimeout(Duration.ofMillis(50)).build()) {
      Response r = rt.blockOn(client.get(raw.url("/")));
      assertEquals("ok", rt.blockOn(r.body().string()));
      // No further request to that origin: the pool's timer closes it (the server's 10 s read
      // timeout only ends a failing run).
      assertTrue(
          closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "idle connection not closed");
      assertEquals(0, client.idleConnections());
      awaitNoTasks(rt, "the reaper stops once nothing is idle");
    }
  }

  @Test
  void theIdleReaperEndsOnceThePoolIsEmptyAndWhenTheClientCloses() throws Exception {
    try (RawServer raw = answeringOk();
        io.kyoto.runtime.Runtime rt = oneWorker();
        HttpClient client = HttpClient.builder().idleTimeout(Duration.ofMillis(200)).build()) {
      Response first = rt.blockOn(client.get(raw.url("/")));
      assertEquals("ok", rt.blockOn(first.body().string()));
      assertEquals(1, client.idleConnections());
      assertEquals(1, rt.metrics().numAliveTasks(), "a reaper while a connection is idle");
      // The pooled connection is taken again and its response body left unread: nothing idle, so
      // the reaper ends when it next wakes.
      Response held = rt.blockOn(client.get(raw.url("/")));
      assertEquals(0, client.idleConnections());
      awaitNoTasks(rt, "no timer is kept for an empty pool");
      assertEquals("ok", rt.blockOn(held.body().string()));
      assertEquals(1, client.idleConnections());
      assertEquals(1, rt.metrics().numAliveTasks(), "a new reaper once a connection is idle again");
      client.close();
      assertEquals(0, client.idleConnections());
      awaitNoTasks(rt, "a closed client keeps no timer");
    }
  }

  @Test
  void aClosedClientFinishesWhatIsUnderWayAndRefusesNewRequests() throws Exception {
    AtomicInteger served = new AtomicInteger();
    AtomicInteger peerSawEof = new AtomicInteger();
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  while (RawServer.readRequest(in) != null) {
                    served.incrementAndGet();
                    RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                  }
                  peerSawEof.incrementAndGet(); // the client closed the connection
                });
        io.kyoto.runtime.Runtime rt = oneWorker();
        HttpClient client = HttpClient.create()) {
      Response underWay = rt.blockOn(client.get(raw.url("/a")));
      Future<Response> notYetPolled = client.get(raw.url("/b"));
      client.close();
      client.close(); // idempotent
      // The response under way is read to its end; its connection is closed, not pooled.
      assertEquals("ok", rt.blockOn(underWay.body().string()));
      assertEquals(0, client.idleConnections());
      long end = System.nanoTime() + 10_000_000_000L;
      while (peerSawEof.get() == 0 && System.nanoTime() < end) Thread.sleep(5);
      assertEquals(1, peerSawEof.get(), "the connection of the finished exchange is closed");
      // A request polled after the close fails, naming itself; nothing reaches the server.
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> rt.blockOn(notYetPolled));
      assertEquals(
          "the HttpClient is closed: GET " + raw.url("/b") + " was not sent", e.getMessage());
      assertThrows(IllegalStateException.class, () -> rt.blockOn(client.get(raw.url("/c"))));
      assertEquals(1, served.get());
    }
  }

  @Test
  void requestsOneAfterAnotherOverAPooledConnectionSpawnNoReaperEach() throws Exception {
    try (RawServer raw = answeringOk();
        io.kyoto.runtime.Runtime rt = oneWorker();
        HttpClient client = HttpClient.builder().idleTimeout(Duration.ofMinutes(5)).build()) {
      long spawnedBefore = rt.metrics().spawnedTasksCount();
      for (int i = 0; i < 20; i++) {
        Response r = rt.blockOn(client.get(raw.url("/")));
        assertEquals("ok", rt.blockOn(r.body().string()));
      }
      assertEquals(1, client.idleConnections());
      assertEquals(
          1,
          rt.metrics().spawnedTasksCount() - spawnedBefore,
          "one reaper for the whole run, not one per request");
    }
  }

  /** {@return a raw server that answers every request on a connection with 200 "ok"} */
  private static RawServer answeringOk() throws IOException {
    return new RawServer(
        (i, s, in, out) -> {
          while (RawServer.readRequest(in) != null) {
            RawServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
          }
        });
  }

  private static io.kyoto.runtime.Runtime oneWorker() {
    return io.kyoto.runtime.Runtime.builder().multiThread().workerThreads(1).enableAll().build();
  }

  /** Waits (10 s at most, to end a failing run) until {@code rt} runs no task. */
  private static void awaitNoTasks(io.kyoto.runtime.Runtime rt, String why) throws Exception {
    long end = System.nanoTime() + 10_000_000_000L;
    while (rt.metrics().numAliveTasks() > 0 && System.nanoTime() < end) Thread.sleep(5);
    assertEquals(0, rt.metrics().numAliveTasks(), why);
  }

  @Test
  void bytesAfterABodilessResponseKeepItsConnectionOutOfThePool() throws Exception {
    // A server that wrongly sends a body after a HEAD response (or a 204 / 304): those bytes must
    // not be read as the answer to the next request.
    try (RawServer raw =
            new RawServer(
                (i, s, in, out) -> {
                  for (String req; (req = RawServer.readRequest(in)) != null; ) {
                    RawServer.write(
                        out,
                        req.startsWith("HEAD")
                            ? "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nstale"
                            : "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.create()) {
      Response head = rt.blockOn(client.send(Request.of(Method.HEAD, raw.url("/"))));
      assertEquals(200, head.status().code());
      assertEquals("", rt.blockOn(head.body().string()));
      Response next = rt.blockOn(client.get(raw.url("/")));
      assertEquals(200, next.status().code());
      assertEquals("ok", rt.blockOn(next.body().string()));
    }
  }

  @Test
  void aPostAfterTheServerClosedTheIdleConnectionGoesOutOnANewOne() throws Exception {
    // A POST is not retried, so a pooled connection the server has already closed must not be
    // picked for it in the first place.
    try (ServerHarness h =
            new ServerHarness(
                HttpServer.builder().keepAliveTimeout(Duration.ofMillis(100)), HttpServerTest.APP);
        HttpClient client = HttpClient.create()) {
      Response first = h.rt.blockOn(client.get(h.url("/hello")));
      h.rt.blockOn(first.body().drain());
      assertEquals(1, client.idleConnections());
      Thread.sleep(500); // the server closes the idle connection
      Response posted = h.rt.blockOn(client.send(Request.post(h.url("/p"), Body.of("abc"))));
      assertEquals("POST /p [abc]", h.rt.blockOn(posted.body().string()));
      assertEquals(2, h.server.acceptedConnections());
    }
  }

  @Test
  void anEarlyResponseIsReturnedWhenTheServerStopsReadingTheUpload() throws Exception {
    // The server refuses the declared length at once, reads a little more, then closes: the
    // upload fails mid-way, but the server's answer is already there to be read.
    try (ServerHarness h =
            new ServerHarness(HttpServer.builder().maxBodyBytes(1000), HttpServerTest.APP);
        HttpClient client = HttpClient.create()) {
      Response r =
          h.rt.blockOn(client.send(Request.post(h.url("/up"), Body.of(new byte[16 << 20]))));
      assertEquals(413, r.status().code());
      assertTrue(h.rt.blockOn(r.body().string()).contains("exceeds the limit"));
      assertEquals(0, client.idleConnections(), "a half-sent request's connection is not reused");
    }
  }

  @Test
  void aStreamedRequestBodyThatBreaksItsDeclaredLengthFailsTheRequest() throws Exception {
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP);
        HttpClient client = HttpClient.builder().requestTimeout(Duration.ofSeconds(20)).build()) {
      Response warm = h.rt.blockOn(client.get(h.url("/hello")));
      assertEquals("hello\n", h.rt.blockOn(warm.body().string()));
      // Longer than declared: the surplus would reach the server as a request of its own, and its
      // answer would be read by the next request on the connection.
      String smuggled = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
      Body longer = Body.from(Streams.of(ByteBuffer.wrap(("abc" + smuggled).getBytes())), 3);
      Exception e =
          assertThrows(
              Exception.class, () -> h.rt.blockOn(client.send(Request.post(h.url("/up"), longer))));
      assertInstanceOf(java.io.IOException.class, e, e.toString());
      Response next = h.rt.blockOn(client.send(Request.post(h.url("/next"), Body.of("x"))));
      assertEquals("POST /next [x]", h.rt.blockOn(next.body().string()));
      // Shorter than declared: the server would wait for the rest until the request timed out.
      Body shorter = Body.from(Streams.of(ByteBuffer.wrap("ab".getBytes())), 3);
      Exception s =
          assertThrows(
              Exception.class,
              () -> h.rt.blockOn(client.send(Request.post(h.url("/up"), shorter))));
      assertInstanceOf(java.io.IOException.class, s, s.toString());
    }
  }

  @Test
  void badUrlsFailClearly() throws Exception {
    try (io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.create()) {
      HttpException ftp =
          assertThrows(HttpException.class, () -> rt.blockOn(client.get("ftp://example.com/")));
      assertTrue(ftp.getMessage().contains("absolute http:// or https:// URL"), ftp.getMessage());
      HttpException relative =
          assertThrows(HttpException.class, () -> rt.blockOn(client.get("/relative")));
      assertTrue(relative.getMessage().contains("absolute http://"), relative.getMessage());
    }
  }

  @Test
  void anInternationalizedHostIsAskedForInItsAsciiForm() throws Exception {
    // The raw peer plays a forward proxy, so the names need no DNS: it answers with the request
    // line and the Host field it got. The second URL redirects to a Location in raw UTF-8.
    try (RawServer proxy =
            new RawServer(
                (i, s, in, out) -> {
                  for (String head; (head = RawServer.readRequest(in)) != null; ) {
                    String line = head.substring(0, head.indexOf("\r\n"));
                    if (line.contains("/away")) {
                      RawServer.write(
                          out,
                          "HTTP/1.1 302 Found\r\nlocation: http://"
                              + new String(
                                  "bücher.example/caf\u00e9".getBytes(StandardCharsets.UTF_8),
                                  StandardCharsets.ISO_8859_1)
                              + "\r\ncontent-length: 0\r\n\r\n");
                      continue;
                    }
                    java.util.regex.Matcher host =
                        java.util.regex.Pattern.compile("(?im)^host: *(\\S+)").matcher(head);
                    String body = line + " | " + (host.find() ? host.group(1) : "-");
                    RawServer.write(
                        out,
                        "HTTP/1.1 200 OK\r\ncontent-length: " + body.length() + "\r\n\r\n" + body);
                  }
                });
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build();
        HttpClient client = HttpClient.builder().proxy(proxy.url("")).followRedirects(2).build()) {
      assertEquals(
          "GET http://xn--bcher-kva.example:8080/caf%C3%A9?q=%C3%BC HTTP/1.1"
              + " | xn--bcher-kva.example:8080",
          rt.blockOn(
              client.get("http://Bücher.example:8080/café?q=ü").flatMap(r -> r.body().string())));
      assertEquals(
          "GET http://xn--bcher-kva.example/caf%C3%A9 HTTP/1.1 | xn--bcher-kva.example",
          rt.blockOn(client.get("http://example.com/away").flatMap(r -> r.body().string())));
      HttpException bad =
          assertThrows(
              HttpException.class, () -> rt.blockOn(client.get("http://bü_cher.example/")));
      assertEquals(400, bad.status().code());
      assertTrue(
          bad.getCause().getMessage().startsWith("invalid host name \"bü_cher.example\""),
          bad.getCause().getMessage());
    }
  }

  @Test
  void aCancelledRequestClosesItsConnectionEvenWhenCancellingTheRequestBodyThrows()
      throws Exception {
    // The request's streamed body never produces a chunk and throws from cancel(). Once the peer
    // has the head, the request loses a select: its half-sent connection must still be closed.
    io.kyoto.runtime.sync.CancellationToken headSeen =
        new io.kyoto.runtime.sync.CancellationToken();
    java.util.concurrent.CompletableFuture<Integer> afterHead =
        new java.util.concurrent.CompletableFuture<>();
    io.kyoto.runtime.stream.Stream<ByteBuffer> stuck =
        new io.kyoto.runtime.stream.Stream<>() {
          @Override
          public io.kyoto.runtime.Poll<ByteBuffer> pollNext(io.kyoto.runtime.Context cx) {
            return io.kyoto.runtime.Poll.pending();
          }

          @Override
          public void cancel() {
            throw new IllegalStateException("body cancel failed");
          }
        };
    try (RawServer peer =
            new RawServer(
                (i, s, in, out) -> {
                  RawServer.readRequest(in);
                  headSeen.cancel();
                  try {
                    afterHead.complete(in.read());
                  } catch (IOException e) {
                    afterHead.complete(-2); // timed out: the client kept the connection open
                  }
                });
        HttpClient client = HttpClient.create();
        io.kyoto.runtime.Runtime rt =
            io.kyoto.runtime.Runtime.builder().currentThread().enableAll().build()) {
      io.kyoto.runtime.Future<String> request =
          io.kyoto.runtime.Select.<String>builder()
              .branch(client.send(Request.post(peer.url("/up"), Body.from(stuck))), r -> "response")
              .branch(headSeen.cancelled(), v -> "cancelled")
              .biased()
              .build();
      assertThrows(IllegalStateException.class, () -> rt.blockOn(request));
      assertEquals(-1, afterHead.get(), "the peer sees the connection closed (-2: still open)");
    }
  }

  /** A one-thread raw HTTP peer: accepts connections and runs {@code script} on each in turn. */
  static final class RawServer implements AutoCloseable {
    interface Script {
      void run(int connection, Socket s, InputStream in, OutputStream out) throws Exception;
    }

    final ServerSocket ss;
    final Thread thread;

    RawServer(Script script) throws IOException {
      ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    for (int i = 0; ; i++) {
                      try (Socket s = ss.accept()) {
                        s.setSoTimeout(10_000);
                        script.run(i, s, s.getInputStream(), s.getOutputStream());
                      } catch (Exception e) {
                        if (ss.isClosed()) return;
                      }
                    }
                  });
    }

    String url(String path) {
      return "http://127.0.0.1:" + ss.getLocalPort() + path;
    }

    /** Reads one request head and its Content-Length body; returns the head, or null at EOF. */
    static String readRequest(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) return null;
        head.append((char) c);
      }
      Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
      if (m.find()) in.readNBytes(Integer.parseInt(m.group(1)));
      return head.toString();
    }

    static void write(OutputStream out, String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    @Override
    public void close() throws Exception {
      ss.close();
      thread.join(10_000);
    }
  }
}
