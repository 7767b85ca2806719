package io.kyoto.runtime.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Lines of UTF-8 text: tokio-util's {@code LinesCodec}.
 *
 * <p>Decoding splits at {@code '\n'} and strips it and a {@code '\r'} before it; at end of stream
 * the last line is returned even without a terminator. Encoding writes the line and {@code '\n'}.
 *
 * <h2>Maximum line length</h2>
 *
 * <p>A line longer than the maximum (terminator excluded) fails with a {@link CodecException} ("max
 * line length exceeded") as soon as the buffered bytes prove it, so the reader's buffer never holds
 * more than the maximum plus one read. Unlike tokio's {@code LinesCodec::new()}, {@link #create()}
 * is bounded, at {@value #DEFAULT_MAX_LENGTH} bytes; pass {@link Integer#MAX_VALUE} to {@link
 * #withMaxLength} for no limit. After the error the decoder discards bytes up to the next newline,
 * so a caller that decodes by hand may carry on with the next line ({@link FramedRead} ends at the
 * first error).
 *
 * <p><b>Thread safety:</b> not thread safe; it keeps decoding state: one instance per stream.
 */
public final class LinesCodec implements Decoder<String>, Encoder<String> {
  /** The maximum line length of {@link #create()}: 64 KiB. */
  public static final int DEFAULT_MAX_LENGTH = 64 * 1024;

  private final int maxLength;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  // How far (from the position) the buffer was searched without finding a newline.
  private int nextIndex;
  private boolean discarding;

  private LinesCodec(int maxLength) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /** {@return a codec with the default maximum line length, {@value #DEFAULT_MAX_LENGTH} bytes} */
  public static LinesCodec create() {
    return new LinesCodec(DEFAULT_MAX_LENGTH);
  }

  /**
   * {@return a codec that rejects lines longer than {@code maxLength} bytes}
   *
   * @param maxLength the longest accepted line in bytes, terminator excluded; positive
   */
  public static LinesCodec withMaxLength(int maxLength) {
    return new LinesCodec(maxLength);
  }

  /** {@return the longest accepted line in bytes} */
  public int maxLength() {
    return maxLength;
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException ("max line length exceeded") if no newline comes within the maximum
   *     length, or if the line is not valid UTF-8
   */
  @Override
  public String decode(ByteBuffer src) throws CodecException {
    while (true) {
      int start = src.position();
      int readTo = (int) Math.min(maxLength + 1L, src.remaining());
      int newline = indexOf(src, start + nextIndex, start + readTo);
      if (discarding) {
        nextIndex = 0;
        if (newline >= 0) {
          src.position(newline + 1);
          discarding = false;
          continue;
        }
        src.position(start + readTo);
        if (!src.hasRemaining()) {
          return null;
        }
        continue;
      }
      if (newline >= 0) {
        nextIndex = 0;
        src.position(newline + 1);
        return line(src, start, newline);
      }
      if (src.remaining() > maxLength) {
        discarding = true;
        nextIndex = 0;
        throw new CodecException("max line length exceeded (" + maxLength + " bytes)");
      }
      nextIndex = readTo;
      return null;
    }
  }

  /** {@return the last line, unterminated, or {@code null} once nothing (or a lone CR) remains} */
  @Override
  public String decodeEof(ByteBuffer src) throws CodecException {
    String line = decode(src);
    if (line != null || !src.hasRemaining()) {
      return line;
    }
    int start = src.position();
    int end = src.limit();
    src.position(end);
    nextIndex = 0;
    if (end - start == 1 && src.get(start) == '\r') {
      return null;
    }
    return line(src, start, end);
  }

  /** Appends {@code line} as UTF-8 and a {@code '\n'}. */
  @Override
  public void encode(String line, BytesBuffer dst) {
    dst.putString(line, StandardCharsets.UTF_8).put((byte) '\n');
  }

  private String line(ByteBuffer src, int start, int end) throws CodecException {
    if (end > start && src.get(end - 1) == '\r') {
      end--;
    }
    try {
      return utf8.reset().decode(src.duplicate().limit(end).position(start)).toString();
    } catch (CharacterCodingException e) {
      throw new CodecException("line is not valid UTF-8", e);
    }
  }

  private static int indexOf(ByteBuffer src, int from, int to) {
    for (int i = from; i < to; i++) {
      if (src.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "LinesCodec{maxLength=" + maxLength + "}";
  }
}
