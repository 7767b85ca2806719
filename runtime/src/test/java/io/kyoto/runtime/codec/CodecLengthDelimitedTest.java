package io.kyoto.runtime.codec;

import static io.kyoto.runtime.io.IoTestSupport.randomBytes;
import static io.kyoto.runtime.io.IoTestSupport.runtime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.IoTestSupport.ChunkedReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LengthDelimitedCodec}: headers, limits, endianness, frames split anywhere. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CodecLengthDelimitedTest {
  private static byte[] encodeAll(LengthDelimitedCodec codec, List<byte[]> frames)
      throws Exception {
    BytesBuffer out = BytesBuffer.allocate(16);
    for (byte[] f : frames) {
      codec.encode(ByteBuffer.wrap(f), out);
    }
    return out.toByteArray();
  }

  private static List<byte[]> decodeAll(Runtime rt, FramedRead<ByteBuffer> frames)
      throws Exception {
    List<byte[]> out = new ArrayList<>();
    rt.blockOn(
        Futures.loop(
            out,
            acc ->
                frames
                    .next()
                    .map(o -> o.orElse(null))
                    .map(
                        frame -> {
                          if (frame == null) {
                            return Step.<List<byte[]>, Void>done(null);
                          }
                          byte[] b = new byte[frame.remaining()];
                          frame.get(b);
                          acc.add(b);
                          return Step.next(acc);
                        })));
    return out;
  }

  @Test
  void theDefaultIsAFourByteBigEndianLength() throws Exception {
    LengthDelimitedCodec codec = LengthDelimitedCodec.create();
    BytesBuffer out = BytesBuffer.allocate(0);
    codec.encode(ByteBuffer.wrap(new byte[] {'h', 'i'}), out);
    assertArrayEquals(new byte[] {0, 0, 0, 2, 'h', 'i'}, out.toByteArray());
    ByteBuffer src = ByteBuffer.wrap(out.toByteArray());
    ByteBuffer frame = codec.decode(src);
    assertEquals(ByteBuffer.wrap(new byte[] {'h', 'i'}), frame);
    assertEquals(0, src.remaining());
    assertEquals(LengthDelimitedCodec.DEFAULT_MAX_FRAME_LENGTH, codec.maxFrameLength());
  }

  @Test
  void aFrameArrivingByteByByteIsDecodedOnceComplete() throws Exception {
    LengthDelimitedCodec codec = LengthDelimitedCodec.create();
    byte[] wire = encodeAll(codec, List.of(new byte[] {1, 2, 3}));
    ByteBuffer src = ByteBuffer.allocate(wire.length).flip();
    for (int i = 0; i < wire.length - 1; i++) {
      src.limit(i + 1).put(i, wire[i]);
      assertNull(codec.decode(src), "incomplete at " + (i + 1) + " bytes");
    }
    src.limit(wire.length).put(wire.length - 1, wire[wire.length - 1]);
    assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), codec.decode(src));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 8})
  void bothEndiannessesRoundTripForEveryFieldLength(int fieldLength) throws Exception {
    for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
      LengthDelimitedCodec codec =
          LengthDelimitedCodec.builder().lengthFieldLength(fieldLength).byteOrder(order).build();
      byte[] payload = randomBytes(fieldLength, 200);
      byte[] wire = encodeAll(codec, List.of(payload));
      assertEquals(fieldLength + 200, wire.length);
      int lengthByte = order == ByteOrder.BIG_ENDIAN ? fieldLength - 1 : 0;
      assertEquals((byte) 200, wire[lengthByte], order + " puts the low byte there");
      assertEquals(
          ByteBuffer.wrap(payload),
          LengthDelimitedCodec.builder()
              .lengthFieldLength(fieldLength)
              .byteOrder(order)
              .build()
              .decode(ByteBuffer.wrap(wire)));
    }
    LengthDelimitedCodec little = LengthDelimitedCodec.builder().littleEndian().build();
    assertEquals(
        ByteBuffer.wrap(new byte[] {9}),
        little.decode(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 9})));
  }

  @Test
  void anOversizeFrameIsRejectedFromItsHeaderAlone() throws Exception {
    LengthDelimitedCodec codec = LengthDelimitedCodec.builder().maxFrameLength(1000).build();
    // Only the header has arrived; it announces 2 GiB. Nothing is allocated or awaited.
    ByteBuffer header = ByteBuffer.wrap(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, 0});
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(header));
    assertTrue(e.getMessage().startsWith("frame size too big"), e.getMessage());
    assertEquals(
        "frame size too big: the header announces 1001 bytes, the maximum is 1000",
        assertThrows(
                CodecException.class,
                () -> codec.decode(ByteBuffer.wrap(new byte[] {0, 0, 3, (byte) 0xe9})))
            .getMessage());
    // An unsigned 8-byte length with the top bit set is too big, not negative.
    LengthDelimitedCodec wide = LengthDelimitedCodec.builder().lengthFieldLength(8).build();
    byte[] huge = {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0};
    assertThrows(CodecException.class, () -> wide.decode(ByteBuffer.wrap(huge)));
    // Encoding checks the limit too, and the field's range.
    assertThrows(
        CodecException.class,
        () -> codec.encode(ByteBuffer.allocate(1001), BytesBuffer.allocate(0)));
    LengthDelimitedCodec oneByte = LengthDelimitedCodec.builder().lengthFieldLength(1).build();
    assertEquals(255, oneByte.maxFrameLength(), "clamped to what one byte can say");
    assertThrows(
        CodecException.class,
        () -> oneByte.encode(ByteBuffer.allocate(256), BytesBuffer.allocate(0)));
  }

  @Test
  void framedReadStopsAtAnOversizeFrameWithoutReadingItsBody() throws Exception {
    try (Runtime rt = runtime()) {
      byte[] wire = new byte[4 + 5000];
      wire[2] = 0x13;
      wire[3] = (byte) 0x88; // 5000 bytes
      ChunkedReader reader = new ChunkedReader(wire, 1, 100, 0);
      FramedRead<ByteBuffer> frames =
          FramedRead.create(reader, LengthDelimitedCodec.builder().maxFrameLength(4096).build());
      CodecException e =
          assertThrows(CodecException.class, () -> rt.blockOn(frames.next()).orElse(null));
      assertTrue(e.getMessage().startsWith("frame size too big"));
      assertTrue(reader.position() <= 100, "stopped after the first read");
      assertNull(rt.blockOn(frames.next()).orElse(null));
    }
  }

  @Test
  void offsetAdjustmentAndSkipDescribeOtherHeaders() throws Exception {
    // Keep the header: a 2-byte length, numSkip 0, and an adjustment that adds the header back.
    LengthDelimitedCodec keep =
        LengthDelimitedCodec.builder().lengthFieldLength(2).lengthAdjustment(2).numSkip(0).build();
    byte[] hello = {0, 11, 'H', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    assertEquals(ByteBuffer.wrap(hello), keep.decode(ByteBuffer.wrap(hello)));

    // A 2-byte magic before the length field, both skipped: the payload alone.
    LengthDelimitedCodec magic =
        LengthDelimitedCodec.builder().lengthFieldOffset(2).lengthFieldLength(2).build();
    byte[] wire = {(byte) 0xca, (byte) 0xfe, 0, 3, 'a', 'b', 'c', 'd'};
    ByteBuffer src = ByteBuffer.wrap(wire);
    assertEquals(ByteBuffer.wrap(new byte[] {'a', 'b', 'c'}), magic.decode(src));
    assertEquals(1, src.remaining(), "the next frame starts after the payload");

    // A length that counts itself, header skipped: the payload alone.
    LengthDelimitedCodec self = LengthDelimitedCodec.builder().lengthAdjustment(-4).build();
    assertEquals(
        ByteBuffer.wrap(new byte[] {'x', 'y'}),
        self.decode(ByteBuffer.wrap(new byte[] {0, 0, 0, 6, 'x', 'y'})));
    BytesBuffer out = BytesBuffer.allocate(0);
    self.encode(ByteBuffer.wrap(new byte[] {'x', 'y'}), out);
    assertArrayEquals(new byte[] {0, 0, 0, 6, 'x', 'y'}, out.toByteArray());
    CodecException negative =
        assertThrows(
            CodecException.class, () -> self.decode(ByteBuffer.wrap(new byte[] {0, 0, 0, 2})));
    assertTrue(negative.getMessage().startsWith("provided length would overflow"));

    // A payload after the length field plus a 1-byte trailer counted outside the length.
    LengthDelimitedCodec trailer = LengthDelimitedCodec.builder().lengthAdjustment(1).build();
    assertEquals(
        ByteBuffer.wrap(new byte[] {'p', 'q', '!'}),
        trailer.decode(ByteBuffer.wrap(new byte[] {0, 0, 0, 2, 'p', 'q', '!'})));
  }

  @Test
  void aPartialFrameAtEndOfStreamIsAnError() throws Exception {
    try (Runtime rt = runtime()) {
      FramedRead<ByteBuffer> frames =
          FramedRead.create(
              new ChunkedReader(new byte[] {0, 0, 0, 9, 1, 2}, 1, 3, 0),
              LengthDelimitedCodec.create());
      CodecException e =
          assertThrows(CodecException.class, () -> rt.blockOn(frames.next()).orElse(null));
      assertEquals("bytes remaining on stream", e.getMessage());
    }
  }

  @Test
  void aStreamThatEndsRightAfterAFrameHeaderIsAnError() throws Exception {
    // The header announces 9 bytes and the stream ends before any of them: the decoder has
    // consumed the header, so nothing is left in the buffer, but the frame is still partial.
    try (Runtime rt = runtime()) {
      FramedRead<ByteBuffer> frames =
          FramedRead.create(
              new ChunkedReader(new byte[] {0, 0, 0, 1, 'a', 0, 0, 0, 9}, 1, 9, 0),
              LengthDelimitedCodec.create());
      assertEquals(ByteBuffer.wrap(new byte[] {'a'}), rt.blockOn(frames.next()).orElse(null));
      CodecException e =
          assertThrows(CodecException.class, () -> rt.blockOn(frames.next()).orElse(null));
      assertEquals("bytes remaining on stream", e.getMessage());
    }
  }

  @Test
  void randomFramesSplitAtRandomPointsDecodeExactly() throws Exception {
    Random random = new Random(20_240_601L);
    try (Runtime rt = runtime()) {
      for (int round = 0; round < 20; round++) {
        int fieldLength = List.of(2, 3, 4, 8).get(random.nextInt(4));
        ByteOrder order = random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          int size = random.nextInt(10) == 0 ? random.nextInt(40_000) : random.nextInt(300);
          frames.add(randomBytes(random.nextLong(), size));
        }
        LengthDelimitedCodec codec =
            LengthDelimitedCodec.builder().lengthFieldLength(fieldLength).byteOrder(order).build();
        byte[] wire = encodeAll(codec, frames);
        FramedRead<ByteBuffer> framed =
            FramedRead.withCapacity(
                new ChunkedReader(wire, random.nextLong(), 1 + random.nextInt(5000), 3),
                LengthDelimitedCodec.builder()
                    .lengthFieldLength(fieldLength)
                    .byteOrder(order)
                    .build(),
                1 + random.nextInt(2048));
        List<byte[]> decoded = decodeAll(rt, framed);
        assertEquals(frames.size(), decoded.size(), "round " + round);
        for (int i = 0; i < frames.size(); i++) {
          assertArrayEquals(frames.get(i), decoded.get(i), "round " + round + ", frame " + i);
        }
      }
    }
  }

  @Test
  void builderRejectsNonsense() {
    assertThrows(
        IllegalArgumentException.class, () -> LengthDelimitedCodec.builder().lengthFieldLength(0));
    assertThrows(
        IllegalArgumentException.class, () -> LengthDelimitedCodec.builder().lengthFieldLength(9));
    assertThrows(
        IllegalArgumentException.class, () -> LengthDelimitedCodec.builder().maxFrameLength(0));
    assertThrows(
        IllegalArgumentException.class, () -> LengthDelimitedCodec.builder().lengthFieldOffset(-1));
    assertThrows(IllegalArgumentException.class, () -> LengthDelimitedCodec.builder().numSkip(-1));
  }
}
