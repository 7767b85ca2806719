package io.kyoto.reactor.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A connected (or connecting) stream socket: TCP or Unix domain. */
public interface StreamHandle extends SourceHandle {
  /**
   * Reads into the buffer's remaining space.
   *
   * @return bytes read (0 only if the buffer has no space), {@link IoCodes#EOF} or {@link
   *     IoCodes#WOULD_BLOCK}
   */
  int read(ByteBuffer dst) throws IOException;

  /** Scattering read; returns as {@link #read(ByteBuffer)}. */
  long read(ByteBuffer[] dsts, int offset, int length) throws IOException;

  /**
   * Writes from the buffer's remaining bytes.
   *
   * @return bytes written, or {@link IoCodes#WOULD_BLOCK}
   */
  int write(ByteBuffer src) throws IOException;

  /** Gathering write; returns as {@link #write(ByteBuffer)}. */
  long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

  /**
   * Completes a non-blocking connect.
   *
   * @return true once connected, false while the connect is in progress
   * @throws IOException the connect's failure (refused, unreachable, timed out)
   */
  boolean finishConnect() throws IOException;

  /** Shuts down the read half, the write half, or both. */
  void shutdown(boolean read, boolean write) throws IOException;

  /** The local address. */
  SocketAddress localAddress() throws IOException;

  /** The peer's address; fails with a not-connected error while connecting. */
  SocketAddress peerAddress() throws IOException;

  /** Sets TCP_NODELAY. */
  void setNoDelay(boolean on) throws IOException;

  /** Reads TCP_NODELAY. */
  boolean noDelay() throws IOException;

  /** Sets SO_KEEPALIVE (TCP only; Unix streams ignore it). */
  void setKeepAlive(boolean on) throws IOException;

  /** Reads SO_KEEPALIVE (false for Unix streams). */
  boolean keepAlive() throws IOException;

  /** Sets SO_RCVBUF ({@code receive}) or SO_SNDBUF, in bytes; the kernel may adjust it. */
  void setBufferSize(boolean receive, int bytes) throws IOException;

  /** Reads SO_RCVBUF ({@code receive}) or SO_SNDBUF, in bytes. */
  int bufferSize(boolean receive) throws IOException;

  /**
   * Reads and clears the pending socket error (SO_ERROR).
   *
   * @return the pending error, or null
   */
  IOException takeError() throws IOException;
}
