package io.kyoto.runtime.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link LinesCodec} and {@link LengthDelimitedCodec} through the {@link
 * Decoder} API, with Jazzer; no I/O.
 *
 * <p>Plain {@code mvn test} replays the seeds in {@code
 * src/test/resources/io/kyoto/runtime/codec/CodecFuzzTestInputs/<method>/} (regression mode).
 * Fuzzing mode: {@code mvn -B -pl runtime -am test -Pfuzz} (every target), or one short session:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -B -pl runtime -am test
 * -Dtest='CodecFuzzTest#lines' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Input layout (FuzzedDataProvider, which takes integers from the end): the codec's
 * configuration, the number of cuts and the cut points; the remaining bytes are the stream. The
 * bytes are decoded as {@link FramedRead} does (a {@link BytesBuffer}, {@code decode} until it asks
 * for more, then {@code decodeEof} at the end), once whole and once in the fuzzer's pieces.
 *
 * <p>Invariants: only a {@link CodecException} escapes; frames respect the maximum length; the
 * decoder asks for more bytes only while it holds fewer than its limit, so the buffer never exceeds
 * the limit plus one piece; the same frames and failures come out whole and split (a differential
 * check); a frame re-encoded and decoded again is unchanged.
 */
class CodecFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void lines(FuzzedDataProvider data) {
    int max = data.consumeInt(1, 40);
    int[] cuts = cuts(data);
    byte[] wire = data.consumeRemainingAsBytes();
    List<String> whole = decode(wire, new int[] {wire.length}, new LinesLimits(max));
    List<String> split = decode(wire, pieces(wire.length, cuts), new LinesLimits(max));
    assertEquals(whole, split, "whole and split decoding differ");
  }

  @FuzzTest(maxDuration = "10m")
  void lengthDelimited(FuzzedDataProvider data) {
    int offset = data.consumeInt(0, 3);
    int fieldLength = data.consumeInt(1, 8);
    int adjustment = data.consumeInt(-6, 6);
    int numSkip = data.consumeInt(-1, 12);
    int max = data.consumeInt(1, 64);
    boolean little = data.consumeBoolean();
    int[] cuts = cuts(data);
    byte[] wire = data.consumeRemainingAsBytes();
    LengthLimits limits = new LengthLimits(offset, fieldLength, adjustment, numSkip, max, little);
    List<String> whole = decode(wire, new int[] {wire.length}, limits);
    List<String> split = decode(wire, pieces(wire.length, cuts), limits);
    assertEquals(whole, split, "whole and split decoding differ");
  }

  // ------------------------------------------------------------------------------------- harness

  private static int[] cuts(FuzzedDataProvider data) {
    int n = data.consumeInt(0, 8);
    int[] cuts = new int[n];
    for (int i = 0; i < n; i++) cuts[i] = data.consumeInt(0, 255);
    return cuts;
  }

  /** {@return the ends of the pieces: the cut points scaled to the length, sorted, then length} */
  private static int[] pieces(int length, int[] cutBytes) {
    int[] ends = new int[cutBytes.length + 1];
    for (int i = 0; i < cutBytes.length; i++) ends[i] = length * cutBytes[i] / 255;
    ends[cutBytes.length] = length;
    Arrays.sort(ends);
    return ends;
  }

  /** What a codec under test must guarantee, and how to describe its frames. */
  private interface Limits<T> {
    Decoder<T> create();

    /** The most a decoder may hold buffered when it asks for more bytes. */
    int bufferBound();

    /** Checks a frame and {@return its description} */
    String check(T frame);

    /** Whether decoding goes on after a failure (documented for LinesCodec). */
    boolean continuesAfterFailure();
  }

  /**
   * Decodes {@code wire} delivered in pieces ending at {@code ends}, as {@link FramedRead} does.
   * {@return the frames and failures, described}
   */
  private static <T> List<String> decode(byte[] wire, int[] ends, Limits<T> limits) {
    Decoder<T> decoder = limits.create();
    BytesBuffer buffer = BytesBuffer.allocate(16);
    List<String> out = new ArrayList<>();
    int from = 0;
    int guard = 0;
    for (int i = 0; i <= ends.length; i++) {
      boolean eof = i == ends.length;
      int piece = 0;
      if (!eof) {
        piece = ends[i] - from;
        assertTrue(
            buffer.readableBytes() <= limits.bufferBound(),
            "asked for more while holding " + buffer.readableBytes() + " bytes");
        buffer.put(wire, from, piece);
        from = ends[i];
      }
      while (true) {
        assertTrue(++guard <= 4 * wire.length + 16, "no progress");
        ByteBuffer src = buffer.view();
        int before = src.position();
        T frame;
        try {
          frame = eof ? decoder.decodeEof(src) : decoder.decode(src);
        } catch (CodecException e) {
          assertTrue(src.position() >= before, "the position went backwards");
          buffer.consumeTo(src.position());
          out.add("error: " + e.getMessage());
          if (!limits.continuesAfterFailure()) return out;
          continue;
        } catch (IOException | RuntimeException e) {
          throw new AssertionError("undocumented failure", e);
        }
        assertEquals(ByteOrder.BIG_ENDIAN, src.order(), "the decoder changed the byte order");
        buffer.consumeTo(src.position());
        if (frame == null) break;
        out.add(limits.check(frame));
        // A frame always consumes input (CodecFuzzRegressionTest#zeroLengthFrameWithoutSkip...).
        assertTrue(src.position() > before, "a decoded frame consumed no input");
      }
      if (eof) {
        assertEquals(0, buffer.readableBytes(), "bytes left after the end of stream");
      }
    }
    return out;
  }

  /** {@link LinesCodec} with a small maximum. */
  private record LinesLimits(int max) implements Limits<String> {
    @Override
    public Decoder<String> create() {
      return LinesCodec.withMaxLength(max);
    }

    @Override
    public int bufferBound() {
      return max;
    }

    @Override
    public String check(String line) {
      byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
      assertTrue(utf8.length <= max, "line of " + utf8.length + " bytes over " + max);
      assertTrue(line.indexOf('\n') < 0, "newline inside a line");
      assertEquals(line, new String(utf8, StandardCharsets.UTF_8), "not a well-formed string");
      // round trip: encode, then decode with a fresh codec
      BytesBuffer enc = BytesBuffer.allocate(0);
      LinesCodec codec = LinesCodec.withMaxLength(max);
      codec.encode(line, enc);
      try {
        String again = codec.decode(enc.view());
        // a line ending in CR loses it on the way back, as documented ("strips a '\r' before it")
        assertEquals(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, again);
      } catch (CodecException e) {
        throw new AssertionError("a decoded line does not decode again", e);
      }
      return "line: " + line;
    }

    @Override
    public boolean continuesAfterFailure() {
      return true;
    }
  }

  /** {@link LengthDelimitedCodec} with a fuzzed header layout and a small maximum. */
  private record LengthLimits(
      int offset, int fieldLength, int adjustment, int numSkip, int max, boolean little)
      implements Limits<ByteBuffer> {
    @Override
    public Decoder<ByteBuffer> create() {
      LengthDelimitedCodec codec = builder().build();
      long largestField = fieldLength == 8 ? Long.MAX_VALUE : (1L << (8 * fieldLength)) - 1;
      long largest =
          adjustment > 0 && largestField > Long.MAX_VALUE - adjustment
              ? Long.MAX_VALUE
              : largestField + adjustment;
      assertTrue(codec.maxFrameLength() <= max, "maxFrameLength above the configured maximum");
      assertEquals(Math.max(0, Math.min(max, largest)), codec.maxFrameLength(), "maxFrameLength");
      return codec;
    }

    private LengthDelimitedCodec.Builder builder() {
      LengthDelimitedCodec.Builder b =
          LengthDelimitedCodec.builder()
              .lengthFieldOffset(offset)
              .lengthFieldLength(fieldLength)
              .lengthAdjustment(adjustment)
              .maxFrameLength(max)
              .byteOrder(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      if (numSkip >= 0) b.numSkip(numSkip);
      return b;
    }

    @Override
    public int bufferBound() {
      // a header not yet complete, or a frame not yet complete
      return Math.max(max, Math.max(offset + fieldLength, numSkip)) - 1;
    }

    @Override
    public String check(ByteBuffer frame) {
      assertTrue(frame.remaining() <= max, "frame of " + frame.remaining() + " over " + max);
      byte[] bytes = new byte[frame.remaining()];
      frame.duplicate().get(bytes);
      if (offset == 0 && numSkip < 0) {
        // round trip: the encoder writes the layout that this decoder reads
        LengthDelimitedCodec codec = builder().build();
        BytesBuffer enc = BytesBuffer.allocate(0);
        try {
          codec.encode(ByteBuffer.wrap(bytes), enc);
          ByteBuffer again = codec.decode(enc.view());
          assertArrayEquals(bytes, toArray(again), "re-encoded frame decodes differently");
        } catch (CodecException e) {
          throw new AssertionError("a decoded frame cannot be encoded again", e);
        }
      }
      return "frame: " + HexFormat.of().formatHex(bytes);
    }

    private static byte[] toArray(ByteBuffer b) {
      byte[] a = new byte[b.remaining()];
      b.duplicate().get(a);
      return a;
    }

    @Override
    public boolean continuesAfterFailure() {
      return false;
    }
  }
}
