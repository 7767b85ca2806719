package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An {@link AsyncRead} with an internal buffer that callers can look into: tokio's {@code
 * AsyncBufRead}.
 *
 * <p><b>Thread safety:</b> one task reads at a time.
 */
public interface AsyncBufRead extends AsyncRead {
  /**
   * Attempts to return buffered bytes, reading more if the buffer is empty.
   *
   * @param cx the polling task's context
   * @return a read-only view of the buffered bytes, valid until the next call on this reader; an
   *     empty view means end of stream
   * @throws IOException if reading fails
   */
  Poll<ByteBuffer> pollFillBuf(Context cx) throws IOException;

  /**
   * Marks {@code n} bytes of the last {@link #pollFillBuf} view as read.
   *
   * @param n how many bytes, at most the view's size
   */
  void consume(int n);

  /**
   * {@return a future that appends one line, newline included, to {@code line} and is ready with
   * the number of bytes read, 0 at end of stream} Same as {@link Io#readLine(AsyncBufRead,
   * StringBuilder)}: no length limit; for input from the network use {@link
   * Io#readLine(AsyncBufRead, StringBuilder, int)}, which discards the rest of an overlong line
   * before it fails.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some data may have been partially read,
   * and this data is lost.
   *
   * @param line where the line is appended
   */
  default Future<Integer> readLine(StringBuilder line) {
    return Io.readLine(this, line);
  }

  /** {@return the lines of this reader, without terminators} Same as {@link Io#lines}. */
  default Lines lines() {
    return Io.lines(this);
  }
}
