package io.kyoto.reactor;

import io.kyoto.reactor.internal.IoCodes;

/**
 * The two special results of non-blocking reads and writes.
 *
 * <p>"Would block" is a return value, never an exception: exceptions on the hot path are far too
 * slow on the JVM, and for an edge-triggered reactor it is the normal end of every drain loop.
 * Reads return the number of bytes read, {@link #EOF} or {@link #WOULD_BLOCK}; writes return the
 * number of bytes written or {@link #WOULD_BLOCK}. Operations that return objects ({@link
 * TcpListener#accept()}, {@link UdpSocket#receiveFrom}) return {@code null} instead.
 */
public final class IoResult {
  /** End of stream: the peer shut down its write half or closed the connection. */
  public static final int EOF = IoCodes.EOF;

  /** Nothing can be done now; wait for the next readiness event of the source. */
  public static final int WOULD_BLOCK = IoCodes.WOULD_BLOCK;

  private IoResult() {}
}
