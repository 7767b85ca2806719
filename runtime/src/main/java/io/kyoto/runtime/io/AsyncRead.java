package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A source of bytes that can be read without blocking: tokio's {@code AsyncRead}.
 *
 * <h2>The read-buffer cursor</h2>
 *
 * <p>{@link #pollRead} reads into {@code dst} from its position up to its limit and advances the
 * position by the number of bytes read, as tokio's {@code ReadBuf} does. A ready result that added
 * no bytes while {@code dst} had space left means end of stream. A ready result never carries a
 * count, so reading allocates nothing.
 *
 * <p><b>Thread safety:</b> one task reads at a time; implementations need not support concurrent
 * readers.
 */
public interface AsyncRead {
  /**
   * Attempts to read into {@code dst}.
   *
   * @param cx the polling task's context
   * @param dst where to put the bytes, from its position up to its limit; the position advances
   * @return ready once at least one byte was read, or at end of stream (no bytes added), or at once
   *     if {@code dst} has no space; pending after arranging a wake-up
   * @throws IOException if the read fails (a reset connection, a closed resource)
   */
  Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException;
}
