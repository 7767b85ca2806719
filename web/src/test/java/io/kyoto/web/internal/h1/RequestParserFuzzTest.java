package io.kyoto.web.internal.h1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kyoto.web.HttpException;
import io.kyoto.web.Version;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of {@link RequestHeadParser} and {@link ChunkedDecoder} with Jazzer.
 *
 * <p>Plain {@code mvn test} runs each {@code @FuzzTest} in regression mode over the seeds in {@code
 * src/test/resources/io/kyoto/web/internal/h1/RequestParserFuzzTestInputs/<method>/}. Fuzzing mode:
 * {@code mvn -B -pl web -am test -Pfuzz} (10 minutes per target), or for a short session {@code
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -B -pl web -am test -Dtest=RequestParserFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Input layout (FuzzedDataProvider): the last two bytes choose the split point and the buffer
 * kind / limits; the rest are the wire bytes.
 *
 * <p>Invariants: the parser returns null, a head, or throws {@link HttpException}, nothing else; a
 * head satisfies the framing invariants; the outcome is the same when the input arrives in two
 * parts split anywhere; everything terminates.
 */
class RequestParserFuzzTest {
  private static final H1Limits SMALL = new H1Limits(64, 256, 8, 16, 64);

  @FuzzTest(maxDuration = "10m")
  void requestHead(FuzzedDataProvider data) {
    int splitByte = data.consumeInt(0, 255);
    int flags = data.consumeInt(0, 255);
    byte[] wire = data.consumeRemainingAsBytes();
    H1Limits limits = (flags & 1) != 0 ? SMALL : H1Limits.DEFAULT;
    boolean direct = (flags & 2) != 0;
    Outcome whole = parseHead(new RequestHeadParser(limits), buffer(wire, wire.length, direct));

    // The same parser and buffer object, the input growing: first a prefix, then (optionally
    // byte by byte) the rest. This exercises the parser's resume hint.
    RequestHeadParser parser = new RequestHeadParser(limits);
    ByteBuffer buf = buffer(wire, wire.length, direct);
    int split = wire.length * splitByte / 255;
    int step = (flags & 4) != 0 ? 1 : Math.max(1, wire.length);
    Outcome last = null;
    for (int cut = split; ; cut = Math.min(wire.length, cut + step)) {
      buf.limit(cut).position(0);
      last = parseHead(parser, buf);
      if (last.head != null || last.status != 0) {
        assertEquals(whole.describe(), last.describe(), "prefix result differs");
        break;
      }
      assertEquals(0, last.consumed, "null must not move the position");
      if (cut == wire.length) break;
    }
    assertEquals(whole.describe(), last.describe(), "incremental result differs");
  }

  @FuzzTest(maxDuration = "10m")
  void chunkedBody(FuzzedDataProvider data) {
    int splitByte = data.consumeInt(0, 255);
    int flags = data.consumeInt(0, 255);
    byte[] wire = data.consumeRemainingAsBytes();
    H1Limits limits = (flags & 1) != 0 ? SMALL : H1Limits.DEFAULT;
    boolean direct = (flags & 2) != 0;
    int split = wire.length * splitByte / 255;

    Decoded whole = decode(limits, wire, new int[] {wire.length}, direct);
    Decoded parts = decode(limits, wire, new int[] {split, wire.length}, direct);
    Decoded bytes = (flags & 4) != 0 ? decode(limits, wire, everyByte(wire.length), direct) : null;
    for (Decoded other : bytes == null ? new Decoded[] {parts} : new Decoded[] {parts, bytes}) {
      assertEquals(whole.status, other.status, "error status differs across splits");
      assertEquals(whole.done, other.done);
      if (whole.status == 0) {
        assertArrayEquals(whole.body, other.body, "body differs across splits");
        assertEquals(whole.consumed, other.consumed);
      }
    }
  }

  private static int[] everyByte(int n) {
    int[] cuts = new int[n];
    for (int i = 0; i < n; i++) cuts[i] = i + 1;
    return cuts;
  }

  private static ByteBuffer buffer(byte[] wire, int len, boolean direct) {
    if (!direct) return ByteBuffer.wrap(wire, 0, len).slice();
    ByteBuffer b = ByteBuffer.allocateDirect(len);
    b.put(wire, 0, len).flip();
    return b;
  }

  private record Outcome(RequestHead head, int status, int consumed) {
    String describe() {
      if (head == null) return status == 0 ? "incomplete" : "status " + status;
      return head.method()
          + " "
          + head.target()
          + " "
          + head.version()
          + " "
          + head.headers()
          + " cl="
          + head.contentLength()
          + " chunked="
          + head.chunked()
          + " ka="
          + head.keepAlive()
          + " at "
          + consumed;
    }
  }

  private static Outcome parseHead(RequestHeadParser parser, ByteBuffer buf) {
    int start = buf.position();
    try {
      RequestHead head = parser.parse(buf);
      int consumed = buf.position() - start;
      if (head != null) checkHead(head, consumed, buf.limit() - start);
      return new Outcome(head, 0, consumed);
    } catch (HttpException e) {
      int code = e.status().code();
      assertTrue(
          code == 400 || code == 414 || code == 431 || code == 501 || code == 505,
          "unexpected status " + code);
      return new Outcome(null, code, 0);
    }
  }

  private static void checkHead(RequestHead h, int consumed, int available) {
    assertTrue(consumed > 0 && consumed <= available, "position out of range");
    assertTrue(h.contentLength() >= -1);
    assertTrue(!(h.chunked() && h.contentLength() != -1), "chunked with Content-Length");
    assertNotNull(h.headers());
    if (h.version() == Version.HTTP_1_1) {
      assertEquals(1, h.headers().getAll("Host").size(), "HTTP/1.1 needs one Host");
    } else {
      assertTrue(!h.chunked(), "chunked on HTTP/1.0");
    }
    assertTrue(!h.target().isEmpty());
    for (int i = 0; i < h.headers().size(); i++) {
      String v = h.headers().value(i);
      if (!v.isEmpty()) {
        char a = v.charAt(0);
        char z = v.charAt(v.length() - 1);
        assertTrue(a != ' ' && a != '\t' && z != ' ' && z != '\t', "untrimmed value");
      }
    }
  }

  private record Decoded(byte[] body, int status, boolean done, int consumed) {}

  private static Decoded decode(H1Limits limits, byte[] wire, int[] cuts, boolean direct) {
    ChunkedDecoder d = new ChunkedDecoder(limits);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    int consumed = 0;
    ByteBuffer in = buffer(wire, wire.length, direct);
    try {
      for (int cut : cuts) {
        in.limit(cut).position(from);
        int guard = 0;
        while (true) {
          ByteBuffer data = d.decode(in);
          if (data == null) break;
          if (!data.hasRemaining()) {
            assertTrue(!in.hasRemaining(), "empty result with input left");
            break;
          }
          byte[] chunk = new byte[data.remaining()];
          data.get(chunk);
          out.write(chunk, 0, chunk.length);
          assertTrue(++guard <= wire.length + 1, "no progress");
        }
        from = in.position();
        consumed = from;
        if (d.isDone()) break;
      }
      return new Decoded(out.toByteArray(), 0, d.isDone(), consumed);
    } catch (HttpException e) {
      int code = e.status().code();
      assertTrue(code == 400 || code == 431, "unexpected status " + code);
      return new Decoded(null, code, false, -1);
    }
  }
}
