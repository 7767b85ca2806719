package io.kyoto.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array for the line readers: bytes are appended from {@link AsyncBufRead} views
 * and decoded strictly as UTF-8 once a line is complete. Not thread safe.
 */
final class ByteAccumulator {
  private static final byte[] EMPTY = new byte[0];

  private byte[] bytes = EMPTY;
  private int size;

  int size() {
    return size;
  }

  /** Appends {@code n} bytes from {@code src}'s position, advancing it. */
  void append(ByteBuffer src, int n) {
    if (size + n > bytes.length) {
      long wanted = Math.max((long) size + n, Math.max(64L, 2L * bytes.length));
      bytes = Arrays.copyOf(bytes, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
    }
    src.get(bytes, size, n);
    size += n;
  }

  /** Drops a trailing {@code '\n'} and then a trailing {@code '\r'}, as tokio's lines do. */
  void stripLineEnding() {
    if (size > 0 && bytes[size - 1] == '\n') {
      size--;
      if (size > 0 && bytes[size - 1] == '\r') {
        size--;
      }
    }
  }

  /** {@return the bytes as strict UTF-8} */
  String decodeUtf8() throws IOException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, size))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("stream did not contain valid UTF-8", e);
    }
  }

  void clear() {
    size = 0;
    if (bytes.length > 64 * 1024) {
      bytes = EMPTY; // do not pin the memory of one long line forever
    }
  }

  /** {@return the index of {@code b} in {@code view} from {@code from} to {@code to}, or -1} */
  static int indexOf(ByteBuffer view, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (view.get(i) == b) {
        return i;
      }
    }
    return -1;
  }
}
