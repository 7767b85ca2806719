package io.kyoto.web.internal.h1;

import static io.kyoto.web.internal.h1.H1TestSupport.bytes;
import static io.kyoto.web.internal.h1.H1TestSupport.direct;
import static io.kyoto.web.internal.h1.H1TestSupport.heap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Version;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadParserTest {
  private final RequestHeadParser parser = new RequestHeadParser(H1Limits.DEFAULT);

  private RequestHead parseAll(String s) throws HttpException {
    ByteBuffer buf = heap(s);
    RequestHead head = parser.parse(buf);
    assertNotNull(head, "incomplete: " + s);
    return head;
  }

  @Test
  void getWithSeveralHeaders() throws Exception {
    String req =
        "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1.0\r\n"
            + "Accept:   */*  \r\nX-Empty:\r\nX-Obs: caf\u00e9\r\n\r\nNEXT";
    ByteBuffer buf = heap(req);
    RequestHead h = parser.parse(buf);
    assertSame(Method.GET, h.method());
    assertEquals("/index.html?q=1", h.target());
    assertEquals(Version.HTTP_1_1, h.version());
    assertEquals(5, h.headers().size());
    assertEquals("example.com", h.headers().get("host"));
    assertEquals("*/*", h.headers().get("Accept"));
    assertEquals("", h.headers().get("X-Empty"));
    assertEquals("caf\u00e9", h.headers().get("X-Obs"));
    assertEquals(-1, h.contentLength());
    assertFalse(h.chunked());
    assertTrue(h.keepAlive());
    assertFalse(h.expectContinue());
    assertFalse(h.upgrade());
    assertEquals(req.length() - 4, buf.position());
  }

  @Test
  void aHigherMinorVersionIsReadAsHttp11() throws Exception {
    // RFC 9112 §2.3: processed as the highest minor version implemented, Host rule included.
    for (String v : new String[] {"HTTP/1.2", "HTTP/1.9"}) {
      RequestHead h = parser.parse(heap("GET / " + v + "\r\nHost: a\r\n\r\n"));
      assertEquals(Version.HTTP_1_1, h.version(), v);
      assertTrue(h.keepAlive(), v);
      HttpException e =
          assertThrows(HttpException.class, () -> parser.parse(heap("GET / " + v + "\r\n\r\n")));
      assertEquals(400, e.status().code(), v + " without Host");
    }
  }

  @Test
  void directBufferAtOffset() throws Exception {
    ByteBuffer buf = direct("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    RequestHead h = parser.parse(buf);
    assertEquals("/", h.target());
    assertEquals("a", h.headers().get("Host"));
    assertFalse(buf.hasRemaining());
  }

  @Test
  void postWithContentLengthAndExpect() throws Exception {
    RequestHead h =
        parseAll(
            "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\nExpect: 100-Continue\r\n\r\n");
    assertSame(Method.POST, h.method());
    assertEquals(42, h.contentLength());
    assertTrue(h.expectContinue());
    assertTrue(h.hasBody());
  }

  @Test
  void chunkedPost() throws Exception {
    RequestHead h =
        parseAll("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello");
    assertTrue(h.chunked());
    assertEquals(-1, h.contentLength());
  }

  @Test
  void http10KeepAlive() throws Exception {
    RequestHead h = parseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    assertEquals(Version.HTTP_1_0, h.version());
    assertTrue(h.keepAlive());
    assertFalse(parseAll("GET / HTTP/1.0\r\n\r\n").keepAlive());
    assertFalse(parseAll("GET / HTTP/1.1\r\nHost: a\r\nConnection: x, close\r\n\r\n").keepAlive());
    // Expect is HTTP/1.1 only.
    assertFalse(parseAll("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expectContinue());
  }

  @Test
  void upgrade() throws Exception {
    assertTrue(
        parseAll("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
            .upgrade());
    assertFalse(parseAll("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").upgrade());
    String upgrade = "Connection: Upgrade\r\nUpgrade: websocket\r\n";
    // RFC 9110 §7.8: an HTTP/1.0 request's Upgrade is ignored.
    assertFalse(parseAll("GET /ws HTTP/1.0\r\nHost: a\r\n" + upgrade + "\r\n").upgrade());
    // A request with a body is not upgraded: the body would be read as the new protocol.
    assertFalse(
        parseAll("GET /ws HTTP/1.1\r\nHost: a\r\n" + upgrade + "Content-Length: 5\r\n\r\n")
            .upgrade());
    assertFalse(
        parseAll("GET /ws HTTP/1.1\r\nHost: a\r\n" + upgrade + "Transfer-Encoding: chunked\r\n\r\n")
            .upgrade());
    assertTrue(
        parseAll("GET /ws HTTP/1.1\r\nHost: a\r\n" + upgrade + "Content-Length: 0\r\n\r\n")
            .upgrade());
  }

  @Test
  void targetForms() throws Exception {
    assertEquals(
        "http://example.com/x",
        parseAll("GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n").target());
    assertEquals(
        "https://example.com",
        parseAll("GET https://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").target());
    RequestHead star = parseAll("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    assertSame(Method.OPTIONS, star.method());
    assertEquals("*", star.target());
    RequestHead connect =
        parseAll("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    assertSame(Method.CONNECT, connect.method());
    assertEquals("example.com:443", connect.target());
    assertEquals("PURGE", parseAll("PURGE / HTTP/1.1\r\nHost: a\r\n\r\n").method().name());
  }

  @Test
  void anAbsoluteFormTargetReplacesTheHostFieldAndAFragmentIsRefused() throws Exception {
    // RFC 9112 section 3.2.2: the origin server ignores Host and uses the target's authority, so
    // the application routes on what a proxy in front routed on.
    RequestHead h = parseAll("GET http://other.example:81/x?q HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals("other.example:81", h.headers().get("host"));
    assertEquals(1, h.headers().getAll("host").size());
    assertEquals("a", parseAll("GET http://a HTTP/1.1\r\nHost: b\r\n\r\n").headers().get("host"));
    assertStatus(400, "GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n"); // no userinfo
    assertStatus(400, "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n"); // RFC 9112 section 3.2
    assertStatus(400, "GET http://a/#f HTTP/1.1\r\nHost: a\r\n\r\n");
  }

  @Test
  void everyFormOfHostIsAccepted() throws Exception {
    // RFC 9110 section 7.2: Host = uri-host [ ":" port ], port = *DIGIT; RFC 9112 section 3.2
    // allows an empty value. uri-host is an IP-literal (IPv6, with a zone per RFC 6874, or
    // IPvFuture), an IPv4 address or a reg-name (with percent escapes).
    for (String host :
        new String[] {
          "",
          "example.com",
          "example.com:",
          "example.com:8080",
          "127.0.0.1:80",
          "[::1]",
          "[::1]:8080",
          "[::]",
          "[1:2:3:4:5:6:7:8]",
          "[1::8]:1",
          "[::ffff:127.0.0.1]",
          "[fe80::1%25eth0]",
          "[v1.fe80::a+en1]",
          "a%2Db.example",
          "xn--caf-dma.example",
          "under_score.example"
        }) {
      assertEquals(
          host, parseAll("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").headers().get("host"));
    }
    assertEquals(
        "[::1]:443", parseAll("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n").target());
  }

  @Test
  void leadingEmptyLinesSkipped() throws Exception {
    assertEquals("/", parseAll("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").target());
    assertStatus(400, "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
  }

  @Test
  void incompleteLeavesPositionUnchanged() throws Exception {
    String req = "GET / HTTP/1.1\r\nHost: a\r\n\r";
    ByteBuffer buf = heap(req);
    assertNull(parser.parse(buf));
    assertEquals(0, buf.position());
    assertNull(parser.parse(heap("")));
  }

  static Stream<String> validRequests() {
    return Stream.of(
        "GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nCookie: a=b\r\n\r\n",
        "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a.example:8443 HTTP/1.1\r\nHost: a.example:8443\r\n\r\n");
  }

  /** Feeding one byte more at a time gives null until the head is complete, then the same head. */
  @ParameterizedTest
  @MethodSource("validRequests")
  void byteByByteEqualsWhole(String req) throws Exception {
    RequestHead whole = parser.parse(heap(req));
    int consumed = -1;
    byte[] all = bytes(req);
    for (int n = 0; n <= all.length; n++) {
      ByteBuffer buf = ByteBuffer.wrap(all, 0, n);
      RequestHead h = parser.parse(buf);
      if (h == null) {
        assertEquals(0, buf.position());
        continue;
      }
      assertEquals(whole.method(), h.method());
      assertEquals(whole.target(), h.target());
      assertEquals(whole.version(), h.version());
      assertEquals(whole.headers().toString(), h.headers().toString());
      assertEquals(whole.contentLength(), h.contentLength());
      assertEquals(whole.chunked(), h.chunked());
      assertEquals(whole.keepAlive(), h.keepAlive());
      consumed = buf.position();
      break;
    }
    assertTrue(consumed > 0);
  }

  static Stream<Arguments> malformed() {
    String big = "a".repeat(9000);
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 101; i++) many.append("X-").append(i).append(": v\r\n");
    many.append("\r\n");
    return Stream.of(
        Arguments.of(
            "CL and TE",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Arguments.of(
            "differing CL",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
        Arguments.of(
            "identical CL (policy)",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
        Arguments.of("CL list", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n"),
        Arguments.of("CL +5", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n"),
        Arguments.of("CL 5 5", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n"),
        Arguments.of("CL 0x5", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n"),
        Arguments.of("CL -1", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
        Arguments.of("CL empty", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"),
        Arguments.of(
            "CL overflow",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"),
        Arguments.of(
            "CL Long.MAX+1",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n"),
        Arguments.of(
            "TE chunked twice",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
        Arguments.of(
            "TE chunked in two fields",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"),
        Arguments.of(
            "TE gzip", 400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"),
        Arguments.of(
            "TE chunked, gzip",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        Arguments.of(
            "TE gzip, chunked",
            501,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
        Arguments.of(
            "TE empty member",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked\r\n\r\n"),
        Arguments.of("TE on 1.0", 400, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Arguments.of(
            "TE with vertical tab",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\u000bchunked\r\n\r\n"),
        Arguments.of("obs-fold", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
        Arguments.of("obs-fold first line", 400, "GET / HTTP/1.1\r\n Host: a\r\n\r\n"),
        Arguments.of("space before colon", 400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        Arguments.of("tab before colon", 400, "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"),
        Arguments.of("no colon", 400, "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"),
        Arguments.of("empty name", 400, "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n"),
        Arguments.of("bare CR in request line", 400, "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("bare CR after version", 400, "GET / HTTP/1.1\rHost: a\r\n\r\n"),
        Arguments.of("bare CR in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"),
        Arguments.of("bare CR ends field", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: ab\r\r\n\r\n"),
        Arguments.of("bare LF request line", 400, "GET / HTTP/1.1\nHost: a\r\n\r\n"),
        Arguments.of("bare LF field", 400, "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"),
        Arguments.of("bare LF end", 400, "GET / HTTP/1.1\r\nHost: a\r\n\n"),
        Arguments.of("NUL in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n"),
        Arguments.of("DEL in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n"),
        Arguments.of("bad name char", 400, "GET / HTTP/1.1\r\nHost: a\r\nX(y): b\r\n\r\n"),
        Arguments.of("non-ASCII name", 400, "GET / HTTP/1.1\r\nHost: a\r\nX\u00e9: b\r\n\r\n"),
        Arguments.of("missing Host", 400, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
        Arguments.of("two Host", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
        Arguments.of("two Host on 1.0", 400, "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"),
        Arguments.of("bad Host", 400, "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n"),
        Arguments.of("Host with userinfo", 400, "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"),
        Arguments.of("Host bracketed twice", 400, "GET / HTTP/1.1\r\nHost: [[::1]]:45627\r\n\r\n"),
        Arguments.of("Host IPv6 unbracketed", 400, "GET / HTTP/1.1\r\nHost: ::1\r\n\r\n"),
        Arguments.of("Host IPv6 unclosed", 400, "GET / HTTP/1.1\r\nHost: [::1:80\r\n\r\n"),
        Arguments.of("Host IPv6 bad", 400, "GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n"),
        Arguments.of(
            "Host IPv6 9 groups", 400, "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:8:9]\r\n\r\n"),
        Arguments.of("Host after ]", 400, "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"),
        Arguments.of("Host stray ]", 400, "GET / HTTP/1.1\r\nHost: a]\r\n\r\n"),
        Arguments.of("Host port letters", 400, "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n"),
        Arguments.of("Host two ports", 400, "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n"),
        Arguments.of("Host bad escape", 400, "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n"),
        Arguments.of("Host only a port", 400, "GET / HTTP/1.1\r\nHost: :80\r\n\r\n"),
        Arguments.of(
            "CONNECT bracketed twice", 400, "CONNECT [[::1]]:443 HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/2.0", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/0.9", 505, "GET / HTTP/0.9\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/1.1x", 400, "GET / HTTP/1.1x\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/11", 400, "GET / HTTP/11\r\nHost: a\r\n\r\n"),
        Arguments.of("lowercase http", 400, "GET / http/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("no version", 400, "GET /\r\nHost: a\r\n\r\n"),
        Arguments.of("double space", 400, "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("double space 2", 400, "GET /  HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("trailing space", 400, "GET / HTTP/1.1 \r\nHost: a\r\n\r\n"),
        Arguments.of("tab separator", 400, "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("leading space", 400, " GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("bad method char", 400, "G(T / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("non-ASCII target", 400, "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("CTL in target", 400, "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("relative target", 400, "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("asterisk with GET", 400, "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("authority without CONNECT", 400, "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("CONNECT origin-form", 400, "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("CONNECT no port", 400, "CONNECT a.example HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("absolute without host", 400, "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("TLS hello", 400, "\u0016\u0003\u0001\u0002\u0000\u0001\u0000"),
        Arguments.of("too long request line", 414, "GET /" + big + " HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("too long incomplete", 414, "GET /" + big),
        Arguments.of("too many headers", 431, many.toString()),
        Arguments.of(
            "huge header section",
            431,
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(70_000) + "\r\n\r\n"),
        Arguments.of(
            "huge header incomplete",
            431,
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(70_000)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("malformed")
  void rejected(String name, int status, String req) {
    assertStatus(status, req);
  }

  /**
   * The same status comes out when the input arrives one byte at a time into one buffer (as a
   * connection loop does; this also exercises the parser's resume hint).
   */
  @ParameterizedTest(name = "{0} -> {1} (byte by byte)")
  @MethodSource("malformed")
  void rejectedIncrementally(String name, int status, String req) throws Exception {
    byte[] all = bytes(req);
    ByteBuffer buf = ByteBuffer.wrap(all);
    for (int n = 0; n <= all.length; n++) {
      buf.limit(n).position(0);
      try {
        RequestHead h = parser.parse(buf);
        assertNull(h, "accepted a prefix of " + name);
        assertEquals(0, buf.position());
      } catch (HttpException e) {
        assertEquals(status, e.status().code(), name + ": " + e.getMessage());
        return;
      }
    }
    throw new AssertionError("never rejected: " + name);
  }

  @ParameterizedTest
  @ValueSource(ints = {8192, 8193})
  void requestLineLimitIsExact(int lineLength) throws Exception {
    String target = "/" + "a".repeat(lineLength - "GET  HTTP/1.1".length() - 1);
    String req = "GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n";
    if (lineLength <= 8192) {
      assertNotNull(parser.parse(heap(req)));
    } else {
      assertStatus(414, req);
    }
  }

  /** A large head trickling into one buffer is parsed in linear time (the resume hint). */
  @Test
  void trickleIntoOneBufferIsFast() throws Exception {
    StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 90; i++) sb.append("X-").append(i).append(": ").append("v".repeat(600));
    sb.append("\r\n");
    String req = sb.toString().replace("v".repeat(600), "v".repeat(600) + "\r\n");
    byte[] all = bytes(req);
    assertTrue(all.length > 50_000 && all.length < 65_000, "size " + all.length);
    ByteBuffer buf = ByteBuffer.wrap(all);
    long t0 = System.nanoTime();
    RequestHead h = null;
    for (int n = 1; n <= all.length && h == null; n++) {
      buf.limit(n);
      h = parser.parse(buf);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertNotNull(h);
    assertEquals(91, h.headers().size());
    assertEquals(all.length, buf.position());
    assertTrue(ms < 3000, "took " + ms + " ms");
  }

  /** A buffer refilled with other bytes at the same position never yields a wrong head. */
  @Test
  void staleHintIsHarmless() throws Exception {
    RequestHeadParser p = new RequestHeadParser(H1Limits.DEFAULT);
    ByteBuffer buf = ByteBuffer.allocate(256);
    buf.put(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long-Header-Name: value\r\nY: z")).flip();
    assertNull(p.parse(buf));
    // Same request line, the section now ends before the old scan point, body bytes follow.
    buf.clear();
    buf.put(bytes("GET / HTTP/1.1\r\nHost: b\r\n\r\nbody bytes with no empty line here")).flip();
    RequestHead h = p.parse(buf);
    assertNotNull(h);
    assertEquals("b", h.headers().get("Host"));
    // A section whose line boundaries differ from the old ones.
    buf.clear();
    buf.put(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long-Header-Name: value\r\nY: z")).flip();
    assertNull(p.parse(buf));
    buf.clear();
    buf.put(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\nab\r\n\r\n")).flip();
    h = p.parse(buf);
    assertEquals(2, h.headers().size());
    assertEquals(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n").length, buf.position());
  }

  private void assertStatus(int status, String req) {
    HttpException e = assertThrows(HttpException.class, () -> parser.parse(heap(req)));
    assertEquals(status, e.status().code(), e.getMessage());
    HttpException d = assertThrows(HttpException.class, () -> parser.parse(direct(req)));
    assertEquals(status, d.status().code(), d.getMessage());
  }
}
