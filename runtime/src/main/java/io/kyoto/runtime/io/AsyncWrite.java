package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A sink of bytes that can be written without blocking: tokio's {@code AsyncWrite}.
 *
 * <p>{@link #pollWrite} consumes bytes from {@code src}'s position and advances it. A ready result
 * that consumed nothing while {@code src} had bytes left means the sink accepts no more (tokio's
 * {@code Ok(0)}): callers that must write everything fail with "failed to write whole buffer".
 * {@link #pollShutdown} implies {@link #pollFlush}.
 *
 * <p><b>Thread safety:</b> one task writes at a time; implementations need not support concurrent
 * writers.
 */
public interface AsyncWrite {
  /**
   * Attempts to write bytes from {@code src}.
   *
   * @param cx the polling task's context
   * @param src the bytes, from its position up to its limit; the position advances
   * @return ready once some bytes were accepted (or the sink is closed, see above); pending after
   *     arranging a wake-up
   * @throws IOException if the write fails
   */
  Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException;

  /**
   * Withdraws the wake-up that a pending {@link #pollWrite} (or {@link #pollWriteVectored}, {@link
   * #pollFlush}, {@link #pollShutdown}) arranged for {@code waker}, because the writer stopped
   * waiting: a write future calls it from {@link Future#cancel()} with the waker of its last
   * pending poll, so that the cancelled task is neither kept reachable by this sink nor woken by
   * its next event. A wake-up arranged since for another waker stays.
   *
   * <p>The default does nothing, which is right for sinks that keep no waiter; runtime sockets
   * override it, and wrappers forward it.
   *
   * @param waker the waker of the cancelled write's last pending poll
   */
  default void withdrawWrite(Waker waker) {}

  /**
   * Attempts to write from several buffers in order (gathering). The default writes from the first
   * buffer that has bytes left.
   *
   * @param cx the polling task's context
   * @param srcs the buffers; their positions advance
   * @param offset the first buffer to use
   * @param length how many buffers to use
   * @return as {@link #pollWrite}
   * @throws IOException if the write fails
   */
  default Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (srcs[i].hasRemaining()) {
        return pollWrite(cx, srcs[i]);
      }
    }
    return Poll.ready(null);
  }

  /**
   * {@return whether {@link #pollWriteVectored} writes several buffers in one operation} Callers
   * with many small buffers should gather them into one otherwise.
   */
  default boolean isWriteVectored() {
    return false;
  }

  /**
   * Attempts to push buffered bytes to the underlying sink.
   *
   * @param cx the polling task's context
   * @return ready when everything written so far has been handed on
   * @throws IOException if the flush fails
   */
  Poll<Void> pollFlush(Context cx) throws IOException;

  /**
   * Attempts to flush and then close the write side (for a socket, a TCP FIN). Further writes fail.
   *
   * @param cx the polling task's context
   * @return ready once flushed and shut down
   * @throws IOException if flushing or shutting down fails
   */
  Poll<Void> pollShutdown(Context cx) throws IOException;

  /**
   * {@return a future of one write from {@code src}: the number of bytes accepted} Same as {@link
   * Io#write}.
   *
   * <p><b>Cancel safety:</b> cancel safe: if cancelled before it completes, no data was written.
   *
   * @param src the bytes; its position advances
   */
  default Future<Integer> write(ByteBuffer src) {
    return Io.write(this, src);
  }

  /**
   * {@return a future that writes every remaining byte of {@code src}} Same as {@link Io#writeAll}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some of the buffer may already have
   * been written.
   *
   * @param src the bytes
   */
  default Future<Void> writeAll(ByteBuffer src) {
    return Io.writeAll(this, src);
  }

  /**
   * {@return a future that writes every remaining byte of {@code srcs} with gathering writes} Same
   * as {@link Io#writeAllVectored}.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some of the buffers may already have
   * been written.
   *
   * @param srcs the buffers
   */
  default Future<Void> writeAllVectored(ByteBuffer... srcs) {
    return Io.writeAllVectored(this, srcs);
  }

  /**
   * {@return a future that flushes this writer} Same as {@link Io#flush}.
   *
   * <p><b>Cancel safety:</b> cancel safe: calling it again continues the flush.
   */
  default Future<Void> flush() {
    return Io.flush(this);
  }

  /**
   * {@return a future that flushes and shuts down the write side} Same as {@link Io#shutdown}.
   *
   * <p><b>Cancel safety:</b> cancel safe: calling it again continues the shutdown.
   */
  default Future<Void> shutdown() {
    return Io.shutdown(this);
  }
}
