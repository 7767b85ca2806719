package io.kyoto.reactor;

import io.kyoto.reactor.internal.PipeHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The read end of a {@link Pipe}: mio's {@code unix::pipe::Receiver}.
 *
 * <p>Register it for {@link Interest#READABLE}; on each event read until {@link
 * IoResult#WOULD_BLOCK}. It reads {@link IoResult#EOF} once every copy of the write end is closed
 * (this process's and any a child process opened) and everything written was read.
 *
 * <p><b>Thread safety:</b> thread safe; concurrent reads split the bytes unpredictably.
 */
public final class PipeReceiver implements Source {
  private final PipeHandle handle;

  PipeReceiver(PipeHandle handle) {
    this.handle = handle;
  }

  /**
   * Reads into the buffer's remaining space, advancing its position.
   *
   * @param dst the buffer
   * @return the number of bytes read; {@link IoResult#EOF} at end of stream; {@link
   *     IoResult#WOULD_BLOCK} if the pipe is empty; 0 only if {@code dst} has no space
   * @throws IOException if this end is closed
   */
  public int read(ByteBuffer dst) throws IOException {
    return handle.read(dst);
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
   * Closes this end: once no other copy of it is open, writes to the pipe fail with {@code EPIPE}.
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
    return "PipeReceiver{" + handle + "}";
  }
}
