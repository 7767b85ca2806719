package io.kyoto.web.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Body;
import io.kyoto.web.HttpException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

class InflatingBodyTest {
  static final byte[] TEXT =
      "Decoded as it is read, whatever the chunk boundaries. "
          .repeat(300)
          .getBytes(StandardCharsets.UTF_8);

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static byte[] zlib(byte[] data, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d =
        new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      d.write(data);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** A source that hands out {@code data} in chunks of {@code size}, pending before each. */
  static Body chunked(byte[] data, int size) {
    return new Body() {
      int at;
      boolean pend = true;

      @Override
      public Poll<ByteBuffer> pollNext(Context cx) {
        if (pend) {
          pend = false;
          return Poll.pending();
        }
        pend = true;
        if (at >= data.length) return Stream.end();
        int n = Math.min(size, data.length - at);
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOfRange(data, at, at + n));
        at += n;
        return Poll.ready(b);
      }
    };
  }

  static byte[] readAll(Body body) throws Exception {
    Context cx = new Context(() -> {});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int polls = 0; polls < 10_000_000; polls++) {
      Poll<ByteBuffer> p = body.pollNext(cx);
      if (p.isPending()) continue;
      if (Stream.isEnd(p)) return out.toByteArray();
      ByteBuffer b = p.value();
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
    }
    throw new AssertionError("no end");
  }

  @Test
  void gzipIsDecodedWhateverTheChunkBoundaries() throws Exception {
    byte[] packed = gzip(TEXT);
    for (int size : new int[] {1, 2, 3, 7, 10, 11, 18, 100, 4096, packed.length}) {
      assertArrayEquals(
          TEXT, readAll(new InflatingBody(chunked(packed, size), "gzip")), "chunks of " + size);
    }
    assertArrayEquals(TEXT, readAll(new InflatingBody(Body.of(packed), "x-gzip")));
  }

  @Test
  void deflateIsDecodedWithOrWithoutTheZlibWrapper() throws Exception {
    for (boolean raw : new boolean[] {false, true}) {
      byte[] packed = zlib(TEXT, raw);
      for (int size : new int[] {1, 2, 5, 4096}) {
        assertArrayEquals(
            TEXT,
            readAll(new InflatingBody(chunked(packed, size), "Deflate")),
            "raw " + raw + ", chunks of " + size);
      }
    }
  }

  @Test
  void everyGzipHeaderFieldIsUnderstood() throws Exception {
    // FEXTRA, FNAME, FCOMMENT and FHCRC, as gzip(1) and other tools may write them.
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 1, 2, 3, 4, 0, 3});
    h.writeBytes(new byte[] {5, 0, 'a', 'b', 'c', 'd', 'e'});
    h.writeBytes("name.txt\0".getBytes(StandardCharsets.ISO_8859_1));
    h.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1));
    CRC32 hcrc = new CRC32();
    hcrc.update(h.toByteArray());
    h.write((int) hcrc.getValue() & 0xFF);
    h.write((int) (hcrc.getValue() >>> 8) & 0xFF);
    byte[] plain = gzip(TEXT);
    // The JDK's member: a 10-byte header, then deflate data and the 8-byte trailer.
    byte[] member = concat(h.toByteArray(), Arrays.copyOfRange(plain, 10, plain.length));
    for (int size : new int[] {1, 3, 4096}) {
      assertArrayEquals(TEXT, readAll(new InflatingBody(chunked(member, size), "gzip")));
    }
    member[20] ^= 1; // inside the extra field, covered by the header CRC
    var e =
        assertThrows(ZipException.class, () -> readAll(new InflatingBody(Body.of(member), "gzip")));
    assertEquals("gzip header CRC mismatch", e.getMessage());
  }

  @Test
  void concatenatedMembersFollowEachOtherAndTrailingBytesAreIgnored() throws Exception {
    byte[] a = "first member, ".getBytes(StandardCharsets.UTF_8);
    byte[] both = concat(gzip(a), gzip(TEXT));
    for (int size : new int[] {1, 9, 4096}) {
      assertArrayEquals(
          concat(a, TEXT), readAll(new InflatingBody(chunked(both, size), "gzip")), "" + size);
    }
    byte[] junk = concat(gzip(TEXT), new byte[] {0, 0, 0, 0, 'x'});
    assertArrayEquals(TEXT, readAll(new InflatingBody(chunked(junk, 3), "gzip")));
  }

  /**
   * {@return a gzip member of {@code data} whose header has an extra field of {@code extra} bytes,
   * a file name and a comment of the given lengths, and a header CRC}
   */
  static byte[] gzipWithHeaderFields(byte[] data, int extra, int name, int comment)
      throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    h.write(extra & 0xFF);
    h.write(extra >>> 8);
    for (int i = 0; i < extra; i++) h.write(i * 7 + 1);
    for (int i = 0; i < name; i++) h.write('a' + i % 26);
    h.write(0);
    for (int i = 0; i < comment; i++) h.write(' ' + i % 90);
    h.write(0);
    CRC32 hcrc = new CRC32();
    hcrc.update(h.toByteArray());
    h.write((int) hcrc.getValue() & 0xFF);
    h.write((int) (hcrc.getValue() >>> 8) & 0xFF);
    byte[] plain = gzip(data);
    return concat(h.toByteArray(), Arrays.copyOfRange(plain, 10, plain.length));
  }

  @Test
  void anExtraFieldOfAnyValidSizeIsSkippedEvenOneByteAChunk() throws Exception {
    // RFC 1952 allows an extra field of up to 65,535 bytes. The header is read as it comes, each
    // byte once: one byte per chunk costs no rescans of what came before.
    byte[] member = gzipWithHeaderFields(TEXT, 65_535, 20_000, 20_000);
    for (int size : new int[] {1, 2, 4093, member.length}) {
      assertArrayEquals(
          TEXT, readAll(new InflatingBody(chunked(member, size), "gzip")), "chunks of " + size);
    }
    byte[] twice = concat(member, member);
    assertArrayEquals(concat(TEXT, TEXT), readAll(new InflatingBody(chunked(twice, 1), "gzip")));
    assertArrayEquals(
        TEXT, readAll(new InflatingBody(Body.of(gzipWithHeaderFields(TEXT, 0, 0, 0)), "gzip")));
  }

  @Test
  void aNameOrCommentLongerThanTheBoundFailsTheRead() throws Exception {
    int max = InflatingBody.MAX_STRING;
    assertArrayEquals(
        TEXT,
        readAll(new InflatingBody(chunked(gzipWithHeaderFields(TEXT, 3, max, max), 7), "gzip")));
    byte[] longName = gzipWithHeaderFields(TEXT, 3, max + 1, 0);
    assertEquals(
        "gzip file name longer than 65536 bytes",
        assertThrows(
                ZipException.class,
                () -> readAll(new InflatingBody(chunked(longName, 1000), "gzip")))
            .getMessage());
    byte[] longComment = gzipWithHeaderFields(TEXT, 3, 0, max + 1);
    assertEquals(
        "gzip comment longer than 65536 bytes",
        assertThrows(
                ZipException.class,
                () -> readAll(new InflatingBody(chunked(longComment, 1), "gzip")))
            .getMessage());
  }

  /** Bytes after a whole gzip member that do not start another whole member. */
  static byte[][] trailingGarbage() throws IOException {
    byte[] next = gzip("second".getBytes(StandardCharsets.UTF_8));
    byte[] badHeaderCrc = next.clone();
    badHeaderCrc[3] = 2; // FHCRC: the next two bytes, deflate data, are no CRC of the header
    byte[] otherMethod = next.clone();
    otherMethod[2] = 7;
    return new byte[][] {
      {'x', 'y', 'z'},
      {0, 0, 0, 0},
      {'\r', '\n'},
      {0x1f},
      {0x1f, 'x'},
      {0x1f, (byte) 0x8b},
      {0x1f, (byte) 0x8b, 8, 0, 0},
      Arrays.copyOf(next, 9),
      otherMethod,
      badHeaderCrc,
    };
  }

  @Test
  void aResponseIgnoresWhateverFollowsTheLastMemberIfItIsNoMemberHeader() throws Exception {
    // As the JDK's GZIPInputStream, gzip(1) and browsers: the data checked out, the rest is junk.
    byte[] member = gzip(TEXT);
    for (byte[] junk : trailingGarbage()) {
      byte[] body = concat(member, junk);
      for (int size : new int[] {1, 3, 4096}) {
        assertArrayEquals(
            TEXT,
            readAll(new InflatingBody(chunked(body, size), "gzip")),
            Arrays.toString(junk) + " in chunks of " + size);
      }
      byte[] deflated = concat(zlib(TEXT, false), junk);
      assertArrayEquals(TEXT, readAll(new InflatingBody(chunked(deflated, 5), "deflate")));
    }
    // A valid member header starts a member, which must be whole.
    byte[] next = gzip(TEXT);
    byte[] cut = concat(member, Arrays.copyOf(next, 30));
    assertEquals(
        "gzip stream truncated",
        assertThrows(EOFException.class, () -> readAll(new InflatingBody(Body.of(cut), "gzip")))
            .getMessage());
    byte[] reserved = concat(member, next);
    reserved[member.length + 3] = (byte) 0x80;
    assertEquals(
        "reserved gzip flags set",
        assertThrows(
                ZipException.class, () -> readAll(new InflatingBody(Body.of(reserved), "gzip")))
            .getMessage());
  }

  @Test
  void aRequestFailsOnAnyByteAfterTheLastMember() throws Exception {
    byte[] member = gzip(TEXT);
    for (byte[] junk : trailingGarbage()) {
      for (int size : new int[] {1, 4096}) {
        HttpException e =
            assertThrows(
                HttpException.class,
                () -> readAll(InflatingBody.ofRequest(chunked(concat(member, junk), size), "gzip")),
                Arrays.toString(junk));
        assertEquals(400, e.status().code());
        assertTrue(
            e.getMessage().startsWith("malformed gzip body: trailing bytes after the gzip data")
                || e.getMessage().equals("malformed gzip body: gzip header truncated"),
            e.getMessage());
      }
      HttpException d =
          assertThrows(
              HttpException.class,
              () ->
                  readAll(
                      InflatingBody.ofRequest(Body.of(concat(zlib(TEXT, true), junk)), "deflate")));
      assertEquals("malformed deflate body: trailing bytes after the deflate data", d.getMessage());
    }
    assertArrayEquals(
        concat(TEXT, TEXT),
        readAll(InflatingBody.ofRequest(chunked(concat(member, member), 3), "gzip")));
  }

  /**
   * The empty raw deflate stream is two bytes ({@code 03 00}), exactly what is held back to tell
   * zlib from raw deflate: the inflater finishes on those two alone, and what follows them in the
   * same chunk is still trailing bytes to a request (and no data to a response).
   */
  @Test
  void anEmptyRawDeflateStreamIsFollowedByTheSameTrailingBytesRulesAsAnyOther() throws Exception {
    byte[] empty = zlib(new byte[0], true);
    assertArrayEquals(new byte[] {3, 0}, empty);
    assertArrayEquals(new byte[0], readAll(InflatingBody.ofRequest(Body.of(empty), "deflate")));
    for (byte[] junk : trailingGarbage()) {
      for (int size : new int[] {1, 4096}) {
        HttpException e =
            assertThrows(
                HttpException.class,
                () ->
                    readAll(InflatingBody.ofRequest(chunked(concat(empty, junk), size), "deflate")),
                Arrays.toString(junk) + " in chunks of " + size);
        assertEquals(
            "malformed deflate body: trailing bytes after the deflate data", e.getMessage());
        assertArrayEquals(
            new byte[0], readAll(new InflatingBody(chunked(concat(empty, junk), size), "deflate")));
      }
    }
  }

  @Test
  void corruptOrTruncatedDataFailsTheRead() throws Exception {
    byte[] packed = gzip(TEXT);
    byte[] badCrc = packed.clone();
    badCrc[packed.length - 8] ^= 0x55;
    assertEquals(
        "gzip CRC-32 mismatch",
        assertThrows(ZipException.class, () -> readAll(new InflatingBody(Body.of(badCrc), "gzip")))
            .getMessage());
    byte[] badLen = packed.clone();
    badLen[packed.length - 1] ^= 1;
    assertEquals(
        "gzip length mismatch",
        assertThrows(ZipException.class, () -> readAll(new InflatingBody(Body.of(badLen), "gzip")))
            .getMessage());
    byte[] truncated = Arrays.copyOf(packed, packed.length - 20);
    assertEquals(
        "gzip stream truncated",
        assertThrows(
                EOFException.class,
                () -> readAll(new InflatingBody(chunked(truncated, 100), "gzip")))
            .getMessage());
    byte[] noTrailer = Arrays.copyOf(packed, packed.length - 3);
    assertEquals(
        "gzip trailer truncated",
        assertThrows(
                EOFException.class, () -> readAll(new InflatingBody(Body.of(noTrailer), "gzip")))
            .getMessage());
    assertEquals(
        "not in gzip format",
        assertThrows(
                ZipException.class,
                () -> readAll(new InflatingBody(Body.of("plain text".getBytes()), "gzip")))
            .getMessage());
    byte[] garbage = zlib(TEXT, false);
    garbage[garbage.length / 2] ^= (byte) 0xFF;
    garbage[garbage.length / 2 + 1] ^= (byte) 0xFF;
    var e =
        assertThrows(
            ZipException.class, () -> readAll(new InflatingBody(Body.of(garbage), "deflate")));
    assertTrue(e.getMessage().startsWith("invalid deflate data"), e.getMessage());
    // On the request side the same failures are the client's: 400.
    HttpException bad =
        assertThrows(
            HttpException.class, () -> readAll(InflatingBody.ofRequest(Body.of(badCrc), "gzip")));
    assertEquals(400, bad.status().code());
    assertEquals("malformed gzip body: gzip CRC-32 mismatch", bad.getMessage());
    assertInstanceOf(ZipException.class, bad.getCause());
  }

  @Test
  void anEmptyBodyIsEmptyAndCancelReachesTheSource() throws Exception {
    assertArrayEquals(new byte[0], readAll(new InflatingBody(Body.empty(), "gzip")));
    boolean[] cancelled = {false};
    Body source =
        new Body() {
          @Override
          public Poll<ByteBuffer> pollNext(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            cancelled[0] = true;
          }
        };
    InflatingBody body = new InflatingBody(source, "gzip");
    assertTrue(body.pollNext(new Context(() -> {})).isPending());
    body.cancel();
    assertTrue(cancelled[0]);
    assertTrue(Stream.isEnd(body.pollNext(new Context(() -> {}))));
    assertThrows(IllegalArgumentException.class, () -> new InflatingBody(Body.empty(), "br"));
  }
}
