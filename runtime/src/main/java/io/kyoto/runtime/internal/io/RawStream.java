package io.kyoto.runtime.internal.io;

import io.kyoto.reactor.Source;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The operations {@link StreamCore} needs from a reactor stream ({@code TcpStream} or {@code
 * UnixStream}, which share no interface). Results use the reactor's {@code IoResult} codes.
 */
public interface RawStream {
  /** {@return the reactor source, for registration} */
  Source source();

  /**
   * Reads into {@code dst}.
   *
   * @param dst the buffer
   * @return bytes read, EOF or WOULD_BLOCK
   * @throws IOException on failure
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Writes from {@code src}.
   *
   * @param src the buffer
   * @return bytes written or WOULD_BLOCK
   * @throws IOException on failure
   */
  int write(ByteBuffer src) throws IOException;

  /**
   * Gathering write.
   *
   * @param srcs the buffers
   * @return bytes written or WOULD_BLOCK
   * @throws IOException on failure
   */
  long write(ByteBuffer[] srcs) throws IOException;

  /**
   * Shuts down the write side.
   *
   * @throws IOException on failure
   */
  void shutdownOutput() throws IOException;

  /**
   * Completes a non-blocking connect.
   *
   * @return true once connected
   * @throws IOException why the connect failed
   */
  boolean finishConnect() throws IOException;

  /**
   * Closes the stream.
   *
   * @throws IOException on failure
   */
  void close() throws IOException;
}
