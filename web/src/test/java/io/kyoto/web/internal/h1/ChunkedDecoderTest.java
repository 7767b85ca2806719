package io.kyoto.web.internal.h1;

import static io.kyoto.web.internal.h1.H1TestSupport.bytes;
import static io.kyoto.web.internal.h1.H1TestSupport.direct;
import static io.kyoto.web.internal.h1.H1TestSupport.drain;
import static io.kyoto.web.internal.h1.H1TestSupport.heap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.web.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkedDecoderTest {
  private static final H1Limits LIMITS = H1Limits.DEFAULT;

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        Arguments.of("0\r\n\r\n", ""),
        Arguments.of("A\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
        Arguments.of(
            "a;ext=1;q=\"x y\"\r\n0123456789\r\n000\r\nX-T: v\r\nY:\r\n\r\n", "0123456789"),
        Arguments.of("00003\r\nabc\r\n0;last\r\n\r\n", "abc"),
        Arguments.of("1\r\n\r\r\n1\r\n\n\r\n0\r\n\r\n", "\r\n"));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void decodesWhole(String wire, String body) throws Exception {
    ChunkedDecoder d = new ChunkedDecoder(LIMITS);
    ByteBuffer in = heap(wire + "NEXT");
    assertArrayEquals(bytes(body), drain(d, in));
    assertTrue(d.isDone());
    assertEquals(4, in.remaining(), "must stop right after the final CRLF");
    assertNull(d.decode(in));
    ChunkedDecoder dd = new ChunkedDecoder(LIMITS);
    assertArrayEquals(bytes(body), drain(dd, direct(wire)));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void decodesByteByByte(String wire, String body) throws Exception {
    ChunkedDecoder d = new ChunkedDecoder(LIMITS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] all = bytes(wire);
    for (int i = 0; i < all.length; i++) {
      assertFalse(d.isDone());
      ByteBuffer one = ByteBuffer.wrap(all, i, 1);
      while (true) {
        ByteBuffer data = d.decode(one);
        if (data == null || !data.hasRemaining()) break;
        while (data.hasRemaining()) out.write(data.get());
      }
      assertFalse(one.hasRemaining());
    }
    assertTrue(d.isDone());
    assertArrayEquals(bytes(body), out.toByteArray());
  }

  @Test
  void randomSplitsGiveTheSameBody() throws Exception {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int round = 0; round < 200; round++) {
      StringBuilder wire = new StringBuilder();
      StringBuilder body = new StringBuilder();
      int chunks = rnd.nextInt(5);
      for (int c = 0; c < chunks; c++) {
        int n = 1 + rnd.nextInt(40);
        String data = "d".repeat(n);
        wire.append(Integer.toHexString(n)).append(rnd.nextBoolean() ? ";e=1" : "").append("\r\n");
        wire.append(data).append("\r\n");
        body.append(data);
      }
      wire.append("0\r\nT: 1\r\n\r\n");
      byte[] all = bytes(wire.toString());
      ChunkedDecoder d = new ChunkedDecoder(LIMITS);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int p = 0;
      while (p < all.length) {
        int n = 1 + rnd.nextInt(Math.min(16, all.length - p));
        ByteBuffer part = ByteBuffer.wrap(all, p, n);
        while (true) {
          ByteBuffer data = d.decode(part);
          if (data == null || !data.hasRemaining()) break;
          while (data.hasRemaining()) out.write(data.get());
        }
        assertFalse(part.hasRemaining());
        p += n;
      }
      assertTrue(d.isDone());
      assertEquals(body.toString(), out.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void returnsSliceViewNotCopy() throws Exception {
    ChunkedDecoder d = new ChunkedDecoder(LIMITS);
    byte[] all = bytes("3\r\nabc\r\n");
    ByteBuffer in = ByteBuffer.wrap(all);
    ByteBuffer data = d.decode(in);
    assertEquals(3, data.remaining());
    all[3] = 'X';
    assertEquals('X', data.get(0));
    assertEquals(0, d.decode(in).remaining());
    assertFalse(d.isDone());
  }

  @Test
  void largeChunkSizeAccepted() throws Exception {
    ChunkedDecoder d = new ChunkedDecoder(LIMITS);
    ByteBuffer in = heap("fffffffffffffff\r\nab");
    ByteBuffer data = d.decode(in);
    assertEquals(2, data.remaining());
    assertEquals(0, d.decode(in).remaining());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("overflow 17 digits", 400, "fffffffffffffffff\r\n"),
        Arguments.of("16 digits", 400, "1000000000000000\r\n"),
        Arguments.of("negative", 400, "-1\r\n"),
        Arguments.of("plus", 400, "+1\r\n"),
        Arguments.of("0x prefix", 400, "0x5\r\nhello\r\n"),
        Arguments.of("space before size", 400, " 5\r\nhello\r\n"),
        Arguments.of("space after size", 400, "5 \r\nhello\r\n"),
        Arguments.of("empty size", 400, "\r\nhello\r\n"),
        Arguments.of("non-hex", 400, "g\r\n"),
        Arguments.of("bare LF after size", 400, "5\nhello\r\n"),
        Arguments.of("bare CR after size", 400, "5\rhello\r\n"),
        Arguments.of("missing CRLF after data", 400, "5\r\nhelloX\r\n0\r\n\r\n"),
        Arguments.of("LF only after data", 400, "5\r\nhello\n0\r\n\r\n"),
        Arguments.of("CR only after data", 400, "5\r\nhello\r0\r\n\r\n"),
        Arguments.of("oversized extension", 400, "5;" + "x".repeat(2000) + "\r\nhello\r\n"),
        Arguments.of("CTL in extension", 400, "5;a=\u0001\r\nhello\r\n"),
        Arguments.of("trailer obs-fold", 400, "0\r\nA: b\r\n c\r\n\r\n"),
        Arguments.of("trailer space before colon", 400, "0\r\nA : b\r\n\r\n"),
        Arguments.of("trailer NUL", 400, "0\r\nA: b\u0000\r\n\r\n"),
        Arguments.of("trailer bare LF", 400, "0\r\nA: b\n\r\n"),
        Arguments.of("final bare LF", 400, "0\r\n\n"),
        Arguments.of("trailer too large", 431, "0\r\nA: " + "b".repeat(17_000) + "\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("malformed")
  void rejected(String name, int status, String wire) {
    HttpException e =
        assertThrows(HttpException.class, () -> drain(new ChunkedDecoder(LIMITS), heap(wire)));
    assertEquals(status, e.status().code(), e.getMessage());
  }

  @ParameterizedTest(name = "{0} -> {1} (byte by byte)")
  @MethodSource("malformed")
  void rejectedByteByByte(String name, int status, String wire) {
    ChunkedDecoder d = new ChunkedDecoder(LIMITS);
    byte[] all = bytes(wire);
    HttpException e =
        assertThrows(
            HttpException.class,
            () -> {
              for (int i = 0; i < all.length; i++) drain(d, ByteBuffer.wrap(all, i, 1));
            });
    assertEquals(status, e.status().code(), e.getMessage());
  }
}
