package io.kyoto.web.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Body;
import io.kyoto.web.HttpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Coverage-guided fuzzing of {@link InflatingBody} ({@code gzip} and {@code deflate} decoding) with
 * Jazzer.
 *
 * <p>Plain {@code mvn test} replays the seeds in {@code
 * src/test/resources/io/kyoto/web/internal/io/InflatingBodyFuzzTestInputs/<method>/} (regression
 * mode). Fuzzing mode: {@code mvn -B -pl web -am test -Pfuzz} (every target of the profile), or one
 * short session: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -B -pl web -am test
 * -Dtest='InflatingBodyFuzzTest#anyBytes' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Input layout (FuzzedDataProvider, which takes integers from the end): a mode byte, up to eight
 * chunk sizes (1 to 64 bytes, used in turn), and the rest: for {@link #anyBytes} the encoded body
 * itself, for {@link #roundTrip} the plain bytes that the JDK's {@link GZIPOutputStream} or {@link
 * DeflaterOutputStream} (zlib-wrapped or raw, at a level and strategy the mode picks) encodes
 * first. The source hands the body out in those chunks, pending before each one.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>decoding fails with {@link ZipException} or {@link EOFException} only, or through {@link
 *       InflatingBody#ofRequest} with an {@link HttpException} of status 400 holding one of them;
 *       it always terminates, and it is pending only when its source was;
 *   <li>what the JDK encoded decodes to the original bytes, whatever the chunk boundaries;
 *   <li>what InflatingBody decodes from any bytes, the JDK's {@link GZIPInputStream} or {@link
 *       InflaterInputStream} decodes alike (a differential check, one way only: InflatingBody
 *       rejects some bodies the JDK reads: reserved gzip flags, a file name or comment longer than
 *       {@code InflatingBody.MAX_STRING} bytes, and on a request any byte after the last member);
 *   <li>decoded chunks are never empty. Output is capped at {@value #CAP} bytes per input (a
 *       decompression bomb is a fine outcome here: the body is cancelled).
 * </ul>
 */
class InflatingBodyFuzzTest {
  private static final int CAP = 4 << 20;
  private static final String[] CODINGS = {"gzip", "deflate", "x-gzip"};

  @FuzzTest(maxDuration = "10m")
  void anyBytes(FuzzedDataProvider data) {
    int mode = data.consumeInt(0, 255);
    int[] sizes = chunkSizes(data);
    byte[] wire = data.consumeRemainingAsBytes();
    String coding = CODINGS[mode % 3];
    boolean request = (mode & 4) != 0;
    try {
      byte[] decoded = decode(wire, sizes, coding, request);
      if (decoded != null && wire.length > 0) {
        assertArrayEquals(jdk(wire, coding, decoded.length), decoded, "differs from the JDK");
      }
    } catch (ZipException | EOFException e) {
      assertTrue(!request, "a request body fails with HttpException, not " + e);
    } catch (HttpException e) {
      assertTrue(request, "HttpException from a response body");
      assertEquals(400, e.status().code());
      assertTrue(
          e.getCause() instanceof ZipException || e.getCause() instanceof EOFException,
          "the cause is " + e.getCause());
    } catch (Exception e) {
      throw new AssertionError("undocumented failure", e);
    }
  }

  @FuzzTest(maxDuration = "10m")
  void roundTrip(FuzzedDataProvider data) throws Exception {
    int mode = data.consumeInt(0, 255);
    int[] sizes = chunkSizes(data);
    byte[] plain = data.consumeRemainingAsBytes();
    int level = mode % 11 - 1; // -1 (default) to 9
    int strategy = mode / 11 % 3; // default, filtered, Huffman only
    int format = mode / 33 % 3; // gzip, zlib, raw deflate
    byte[] wire = encode(plain, format, level, strategy);
    byte[] decoded = decode(wire, sizes, format == 0 ? "gzip" : "deflate", (mode & 128) != 0);
    assertArrayEquals(plain, decoded, "decoded differs from the original");
  }

  /**
   * {@return what the JDK decodes from {@code wire}: {@link GZIPInputStream}, or an {@link
   * InflaterInputStream} zlib-wrapped or raw as the first two bytes say (RFC 1950's header check)},
   * at most {@code expected + 1} bytes. A body that InflatingBody decodes, the JDK decodes alike.
   */
  private static byte[] jdk(byte[] wire, String coding, int expected) throws IOException {
    InputStream in;
    Inflater inflater = null;
    if (coding.endsWith("gzip")) {
      in = new GZIPInputStream(new ByteArrayInputStream(wire));
    } else {
      int cmf = wire[0] & 0xFF;
      int flg = wire.length > 1 ? wire[1] & 0xFF : 0;
      boolean zlib = (cmf & 0x0F) == 8 && (cmf >>> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
      inflater = new Inflater(!zlib);
      in = new InflaterInputStream(new ByteArrayInputStream(wire), inflater);
    }
    try (in) {
      return in.readNBytes(expected + 1);
    } finally {
      if (inflater != null) inflater.end();
    }
  }

  private static int[] chunkSizes(FuzzedDataProvider data) {
    int n = data.consumeInt(1, 8);
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) sizes[i] = data.consumeInt(1, 64);
    return sizes;
  }

  static byte[] encode(byte[] plain, int format, int level, int strategy) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (format == 0) {
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
          gz.write(plain);
        }
      } else {
        Deflater deflater = new Deflater(level, format == 2);
        deflater.setStrategy(strategy);
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, deflater)) {
          d.write(plain);
        } finally {
          deflater.end();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes {@code wire} handed out in chunks; {@return the output, or null past {@link #CAP}
   * bytes}
   */
  private static byte[] decode(byte[] wire, int[] sizes, String coding, boolean request)
      throws Exception {
    Source source = new Source(wire, sizes);
    InflatingBody body =
        request ? InflatingBody.ofRequest(source, coding) : new InflatingBody(source, coding);
    Context cx = new Context(() -> {});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean done = false;
    try {
      // Every poll but those that see the source pending makes progress: a bound on polls.
      for (long polls = 0; polls < 4L * wire.length + CAP + 16; polls++) {
        source.pendedThisPoll = false;
        Poll<ByteBuffer> p = body.pollNext(cx);
        if (p.isPending()) {
          assertTrue(source.pendedThisPoll, "pending while the source was not");
          continue;
        }
        if (Stream.isEnd(p)) {
          done = true;
          return out.toByteArray();
        }
        ByteBuffer b = p.value();
        assertTrue(b.hasRemaining(), "an empty chunk");
        if (out.size() + b.remaining() > CAP) return null; // a bomb: fine
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.writeBytes(chunk);
      }
      throw new AssertionError("no end after many polls");
    } finally {
      if (!done) body.cancel();
    }
  }

  /** Hands out {@code data} in chunks of the given sizes in turn, pending before each one. */
  private static final class Source implements Body {
    private final byte[] data;
    private final int[] sizes;
    private int at;
    private int next;
    private boolean pend = true;
    boolean pendedThisPoll;

    Source(byte[] data, int[] sizes) {
      this.data = data;
      this.sizes = sizes;
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
      if (pend) {
        pend = false;
        pendedThisPoll = true;
        return Poll.pending();
      }
      pend = true;
      if (at >= data.length) return Stream.end();
      int n = Math.min(sizes[next++ % sizes.length], data.length - at);
      ByteBuffer b = ByteBuffer.wrap(Arrays.copyOfRange(data, at, at + n));
      at += n;
      return Poll.ready(b);
    }
  }
}
