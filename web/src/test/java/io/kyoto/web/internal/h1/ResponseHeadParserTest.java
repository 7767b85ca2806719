package io.kyoto.web.internal.h1;

import static io.kyoto.web.internal.h1.H1TestSupport.bytes;
import static io.kyoto.web.internal.h1.H1TestSupport.heap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Version;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadParserTest {
  private final ResponseHeadParser parser = new ResponseHeadParser(H1Limits.DEFAULT);

  private ResponseHead parse(String s, Method m) throws HttpException {
    return parser.parse(heap(s), m);
  }

  @Test
  void contentLength() throws Exception {
    String s = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";
    ByteBuffer buf = heap(s);
    ResponseHead h = parser.parse(buf, Method.GET);
    assertEquals(Version.HTTP_1_1, h.version());
    assertEquals(200, h.status().code());
    assertEquals("OK", h.status().reason());
    assertEquals(5, h.contentLength());
    assertFalse(h.chunked());
    assertTrue(h.keepAlive());
    assertEquals(s.length() - 5, buf.position());
  }

  @Test
  void chunkedAndCloseDelimited() throws Exception {
    ResponseHead c = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", Method.GET);
    assertTrue(c.chunked());
    assertEquals(-1, c.contentLength());
    ResponseHead e = parse("HTTP/1.1 200 OK\r\n\r\n", Method.GET);
    assertTrue(e.closeDelimited());
    assertFalse(e.keepAlive());
    ResponseHead g = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", Method.GET);
    assertTrue(g.closeDelimited());
  }

  @Test
  void noBodyCases() throws Exception {
    assertEquals(
        0, parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", Method.HEAD).contentLength());
    assertEquals(0, parse("HTTP/1.1 204 No Content\r\n\r\n", Method.GET).contentLength());
    assertEquals(0, parse("HTTP/1.1 304 Not Modified\r\n\r\n", Method.GET).contentLength());
    assertEquals(0, parse("HTTP/1.1 100 Continue\r\n\r\n", Method.POST).contentLength());
    assertEquals(0, parse("HTTP/1.1 200 OK\r\n\r\n", Method.CONNECT).contentLength());
  }

  @Test
  void emptyReasonAndHttp10() throws Exception {
    ResponseHead a = parse("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", Method.GET);
    assertEquals("", a.status().reason());
    assertEquals(404, a.status().code());
    ResponseHead b = parse("HTTP/1.1 599\r\nContent-Length: 0\r\n\r\n", Method.GET);
    assertEquals(599, b.status().code());
    ResponseHead c = parse("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", Method.GET);
    assertFalse(c.keepAlive());
    ResponseHead d =
        parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n", Method.GET);
    assertTrue(d.keepAlive());
  }

  @Test
  void aHigherMinorVersionIsReadAsHttp11() throws Exception {
    // RFC 9112 §2.3, as the server reads requests.
    ResponseHead h = parse("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", Method.GET);
    assertEquals(Version.HTTP_1_1, h.version());
    assertTrue(h.keepAlive());
  }

  @Test
  void aBareLfEndingTheStatusLineIsNamed() {
    for (String s : new String[] {"HTTP/1.1 200 OK\nContent-Length: 0\n\n", "HTTP/1.1 200\n\n"}) {
      HttpException e = assertThrows(HttpException.class, () -> parse(s, Method.GET));
      assertEquals(
          "bare LF ending the status line: lines must end with CRLF (RFC 9112 section 2.2)",
          e.getMessage());
    }
  }

  @Test
  void byteByByte() throws Exception {
    String s = "HTTP/1.1 201 Created Here\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n";
    byte[] all = bytes(s);
    for (int n = 0; n < all.length; n++) {
      ByteBuffer buf = ByteBuffer.wrap(all, 0, n);
      assertNull(parser.parse(buf, Method.POST));
      assertEquals(0, buf.position());
    }
    ResponseHead h = parser.parse(ByteBuffer.wrap(all), Method.POST);
    assertEquals("Created Here", h.status().reason());
    assertEquals("/x", h.headers().get("location"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 O\rK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX : a\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\u0000\r\n\r\n",
        "HTTP/1.1 099 Odd\r\n\r\n",
      })
  void malformedIs502(String s) {
    HttpException e = assertThrows(HttpException.class, () -> parse(s, Method.GET));
    assertEquals(502, e.status().code(), e.getMessage());
  }

  @Test
  void limits() {
    HttpException e =
        assertThrows(
            HttpException.class, () -> parse("HTTP/1.1 200 " + "x".repeat(9000), Method.GET));
    assertEquals(502, e.status().code());
    HttpException f =
        assertThrows(
            HttpException.class,
            () -> parse("HTTP/1.1 200 OK\r\nX: " + "x".repeat(70_000), Method.GET));
    assertEquals(502, f.status().code());
  }
}
