package io.kyoto.reactor.internal.epoll;

import io.kyoto.reactor.internal.PipeHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One end of a pipe from {@code pipe2(O_NONBLOCK | O_CLOEXEC)}.
 *
 * <p>Registered with epoll like a socket: the read end reports {@code EPOLLIN} when bytes arrive
 * and {@code EPOLLHUP} (so readable and read-closed) once every write end is closed; the write end
 * reports {@code EPOLLOUT} when the pipe has room and {@code EPOLLERR} (so writable and error) once
 * every read end is closed, after which a write fails with {@code EPIPE}.
 *
 * <p>{@link #descriptorPath()} names the descriptor under {@code /proc/self/fd}. Opening that path
 * does not duplicate the descriptor: for a pipe it opens the pipe itself again, as a FIFO, with a
 * new open file description, so the opener gets its own (blocking unless asked otherwise) mode, and
 * the open never waits, because a pipe always has both ends (a FIFO's open waits for its peer only
 * when it is a named FIFO). This is how a child process is given its end: see {@code
 * ProcessBuilder.Redirect}.
 */
final class EpollPipe extends FdHandle implements PipeHandle {
  /** Whether {@code /proc/self/fd} exists, checked once. */
  private static final class Proc {
    static final Path FD = Path.of("/proc/self/fd");
    static final boolean MOUNTED = Files.isDirectory(FD);

    private Proc() {}
  }

  private final boolean readEnd;

  EpollPipe(int fd, boolean readEnd) {
    super(fd);
    this.readEnd = readEnd;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return readOnce(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return src.hasRemaining() ? sent(rawWrite(src), "write") : 0;
  }

  @Override
  public Optional<Path> descriptorPath() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return Proc.MOUNTED
        ? Optional.of(Proc.FD.resolve(Integer.toString(fdForDiagnostics())))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return isOpen()
        ? "pipe " + (readEnd ? "read" : "write") + " end, fd=" + fdForDiagnostics()
        : "closed";
  }
}
