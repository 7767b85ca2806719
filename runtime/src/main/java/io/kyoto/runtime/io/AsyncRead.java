package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;

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

  /**
   * Withdraws the wake-up that a pending {@link #pollRead} arranged for {@code waker}, because the
   * reader stopped waiting: a read future calls it from {@link Future#cancel()} with the waker of
   * its last pending poll, so that the cancelled task is neither kept reachable by this source nor
   * woken by its next event (Java has no drop to do it). A wake-up arranged since for another waker
   * stays.
   *
   * <p>The default does nothing, which is right for sources that keep no waiter or that wake their
   * waiter only once anyway; runtime sockets override it, and wrappers forward it.
   *
   * @param waker the waker of the cancelled read's last pending poll
   */
  default void withdrawRead(Waker waker) {}

  /**
   * {@return a future of one read into {@code dst}: the count, 0 if {@code dst} had no space, or -1
   * at end of stream} Same as {@link Io#read}.
   *
   * <p><b>Cancel safety:</b> cancel safe: if cancelled before it completes, no data was read.
   *
   * @param dst where the bytes go; its position advances
   */
  default Future<Integer> read(ByteBuffer dst) {
    return Io.read(this, dst);
  }

  /**
   * {@return a future that fills {@code dst}, failing with {@link java.io.EOFException} ("early
   * eof") if the stream ends first} Same as {@link Io#readExact}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some data may already have been read
   * into the buffer.
   *
   * @param dst the buffer to fill
   */
  default Future<Integer> readExact(ByteBuffer dst) {
    return Io.readExact(this, dst);
  }

  /**
   * {@return a future of every byte up to end of stream} Same as {@link Io#readToEnd(AsyncRead)}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the bytes read so far are lost.
   */
  default Future<byte[]> readToEnd() {
    return Io.readToEnd(this);
  }

  /**
   * {@return a future of the whole stream decoded with {@code charset}} Same as {@link
   * Io#readToString(AsyncRead, Charset)}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the bytes read so far are lost.
   *
   * @param charset the encoding
   */
  default Future<String> readToString(Charset charset) {
    return Io.readToString(this, charset);
  }
}
