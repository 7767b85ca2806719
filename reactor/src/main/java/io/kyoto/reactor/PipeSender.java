package io.kyoto.reactor;

import io.kyoto.reactor.internal.PipeHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The write end of a {@link Pipe}: mio's {@code unix::pipe::Sender}.
 *
 * <p>Register it for {@link Interest#WRITABLE}; on each event write until {@link
 * IoResult#WOULD_BLOCK}. Once the read end is closed the sender is reported writable (on epoll with
 * {@link Event#isError()} too) and a write fails with {@code EPIPE} ("Broken pipe").
 *
 * <p><b>Thread safety:</b> thread safe; concurrent writes interleave unpredictably (writes of at
 * most 4096 bytes, {@code PIPE_BUF}, are atomic on Linux).
 */
public final class PipeSender implements Source {
  private final PipeHandle handle;

  PipeSender(PipeHandle handle) {
    this.handle = handle;
  }

  /**
   * Writes the buffer's remaining bytes, as many as the pipe takes, advancing its position.
   *
   * @param src the bytes to write
   * @return the number of bytes written (possibly fewer than remaining), or {@link
   *     IoResult#WOULD_BLOCK} if the pipe is full
   * @throws IOException if the read end is closed ({@code EPIPE}) or this end is
   */
  public int write(ByteBuffer src) throws IOException {
    return handle.write(src);
  }

  /**
   * The path that reopens this end's pipe, {@code /proc/self/fd/N}: see {@link Pipe} for handing an
   * end to a child process. Valid while this end is open.
   *
   * @return the path on the {@link Backend#EPOLL epoll} backend where {@code /proc} is mounted;
   *     empty on {@link Backend#NIO nio}, whose channels do not reveal their descriptors
   * @throws IOException if this end is closed
   */
  public Optional<Path> descriptorPath() throws IOException {
    return handle.descriptorPath();
  }

  @Override
  public boolean isOpen() {
    return handle.isOpen();
  }

  /**
   * Closes this end: once no other copy of it is open (a child's, reopened through {@link
   * #descriptorPath()}), the receiver reads end of stream after what was written.
   */
  @Override
  public void close() throws IOException {
    handle.close();
  }

  PipeHandle handle() {
    return handle;
  }

  @Override
  public String toString() {
    return "PipeSender{" + handle + "}";
  }
}
