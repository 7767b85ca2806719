package io.kyoto.runtime.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Findings of {@link CodecFuzzTest}, as minimal unit tests. */
class CodecFuzzRegressionTest {
  /**
   * An 8-byte length field with a positive adjustment: the constructor computes the largest
   * possible frame as {@code Long.MAX_VALUE + adjustment}, which overflows to a negative number, so
   * {@code maxFrameLength} becomes 0 and every non-empty frame fails with "frame size too big".
   * tokio's {@code adjust_max_frame_len} saturates instead, keeping the configured maximum.
   */
  @Test
  void maxFrameLengthWith8ByteFieldAndPositiveAdjustment() throws Exception {
    LengthDelimitedCodec codec =
        LengthDelimitedCodec.builder()
            .lengthFieldLength(8)
            .lengthAdjustment(1)
            .maxFrameLength(64)
            .build();
    assertEquals(64, codec.maxFrameLength());
    // field 2 + adjustment 1: a 3-byte frame
    ByteBuffer src = ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 2, 'a', 'b', 'c'});
    ByteBuffer frame = codec.decode(src);
    assertEquals(3, frame.remaining());
  }

  /**
   * {@code numSkip(0)} keeps the header in the frame, but the decoder does not check that the
   * announced frame covers the header. A length field of 0 (with no adjustment) gives an empty
   * frame that consumes nothing, so the same empty frame is decoded again and again: one byte from
   * a peer makes {@link FramedRead} yield empty frames forever. (tokio's codec has the same hole;
   * Netty's {@code LengthFieldBasedFrameDecoder} fails with "Adjusted frame length ... is less than
   * lengthFieldEndOffset".) Expected: a {@link CodecException} for a frame that ends inside the
   * header it keeps, or at least for a frame that consumes no bytes. Found by
   * CodecFuzzTest#lengthDelimited ("no progress").
   */
  @Test
  void zeroLengthFrameWithoutSkipMakesNoProgress() throws Exception {
    LengthDelimitedCodec codec =
        LengthDelimitedCodec.builder().lengthFieldLength(1).numSkip(0).maxFrameLength(1).build();
    ByteBuffer src = ByteBuffer.wrap(new byte[] {0});
    try {
      ByteBuffer frame = codec.decode(src);
      assertTrue(
          frame == null || src.position() > 0,
          "an empty frame was decoded without consuming input");
    } catch (CodecException expected) {
      // rejecting the header is fine too
    }
  }
}
