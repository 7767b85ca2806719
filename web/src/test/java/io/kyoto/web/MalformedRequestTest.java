package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.service.Service;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and abusive requests over raw sockets (RFC 9112 and the request-smuggling catalogue):
 * each gets the specified status, the connection is closed, and the application never runs.
 */
@Timeout(60)
class MalformedRequestTest {
  static final AtomicInteger calls = new AtomicInteger();
  static ServerHarness h;

  @BeforeAll
  static void start() throws Exception {
    Service<Request, Response> app =
        Service.of(
            req -> {
              calls.incrementAndGet();
              return req.body().drain().map(v -> Response.text("ok"));
            });
    h =
        new ServerHarness(
            HttpServer.builder().maxRequestLineBytes(1024).maxHeaderBytes(4096).maxHeaders(20),
            app);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  static Stream<Arguments> cases() {
    String big = "a".repeat(2000);
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 30; i++) many.append("X-H").append(i).append(": v\r\n");
    return Stream.of(
        // framing: request smuggling
        bad(
            400,
            "CL and TE",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        bad(
            400,
            "differing CLs",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        bad(
            400,
            "CL list differing",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd"),
        bad(400, "CL sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc"),
        bad(400, "CL negative", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
        bad(400, "CL hex", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\nabc"),
        bad(400, "CL inner space", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n"),
        bad(
            400,
            "CL overflow",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
        bad(
            400,
            "TE twice chunked",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
        bad(
            400,
            "TE on HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        badAny(
            "TE not chunked last",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            400,
            501),
        badAny(
            "TE unknown",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            400,
            501),
        bad(400, "obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"),
        bad(400, "space before colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n"),
        bad(
            400,
            "space before colon on TE",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        bad(400, "bare CR in value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
        bad(400, "bare CR in request line", "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n"),
        bad(400, "NUL in value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"),
        bad(400, "invalid name token", "GET / HTTP/1.1\r\nHost: x\r\nX(A): a\r\n\r\n"),
        bad(400, "empty name", "GET / HTTP/1.1\r\nHost: x\r\n: a\r\n\r\n"),
        bad(400, "missing Host", "GET / HTTP/1.1\r\n\r\n"),
        bad(400, "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        bad(400, "double space in request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
        bad(400, "lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n"),
        bad(400, "garbage version", "GET / HTTP/1.1x\r\nHost: x\r\n\r\n"),
        bad(505, "HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n"),
        bad(400, "method not a token", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n"),
        bad(400, "space in target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
        bad(400, "asterisk form with GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n"),
        bad(
            400,
            "not a request",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"),
        bad(414, "request line too long", "GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        bad(431, "too many headers", "GET / HTTP/1.1\r\nHost: x\r\n" + many + "\r\n"),
        bad(
            431,
            "header section too large",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + big + big + "\r\n\r\n"),
        bad(
            400,
            "chunk size overflow",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n"),
        bad(
            400,
            "chunk size not hex",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
        bad(
            400,
            "chunk without CRLF",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"));
  }

  static Arguments bad(int status, String name, String raw) {
    return Arguments.of(name, raw, new int[] {status});
  }

  static Arguments badAny(String name, String raw, int... statuses) {
    return Arguments.of(name, raw, statuses);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectedAndClosed(String name, String raw, int[] statuses) throws Exception {
    boolean bodyError = name.startsWith("chunk");
    int before = calls.get();
    // A valid request after the bad one must never be answered: nothing after a framing error is
    // parsed.
    String response = h.exchangeUntilClose(raw + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    boolean matched = false;
    for (int s : statuses) matched |= response.startsWith("HTTP/1.1 " + s + " ");
    assertTrue(matched, name + ": " + response);
    assertTrue(response.contains("connection: close\r\n"), name + ": " + response);
    assertEquals(1, count(response, "HTTP/1.1 "), name + ": exactly one response: " + response);
    if (!bodyError) {
      assertEquals(before, calls.get(), name + ": the application must not run");
    }
  }

  @Test
  void robustnessLeadingEmptyLinesAreSkipped() throws Exception {
    String r = h.exchangeUntilClose("\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
  }

  @Test
  void aHigherMinorVersionIsServedAsHttp11() throws Exception {
    // RFC 9112 §2.3: HTTP/1.2 is processed as HTTP/1.1 (persistent by default) and answered in it.
    String r =
        h.exchangeUntilClose(
            "GET / HTTP/1.2\r\nHost: x\r\n\r\nGET / HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
    assertEquals(2, count(r, "HTTP/1.1 200 OK\r\n"), "both requests on one connection: " + r);
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
    return n;
  }
}
