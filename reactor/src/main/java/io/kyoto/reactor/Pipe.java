package io.kyoto.reactor;

import io.kyoto.reactor.internal.PipeHandle;
import java.io.IOException;
import java.util.Objects;

/**
 * A Unix pipe with both ends non-blocking: mio's {@code unix::pipe::new}.
 *
 * <p>Bytes written to the {@link #sender()} are read from the {@link #receiver()}, in order. Each
 * end is a {@link Source}: register the receiver for {@link Interest#READABLE} and the sender for
 * {@link Interest#WRITABLE}, and drain as with a socket (see {@link Poll}). The receiver reads
 * {@link IoResult#EOF} once every sender is closed and the pipe is empty; the sender's write fails
 * ({@code EPIPE}) once the receiver is closed, and the event that tells so is a writable one.
 *
 * {@snippet :
 * Pipe pipe = Pipe.open();
 * poll.registry().register(pipe.receiver(), token, Interest.READABLE);
 * pipe.sender().write(ByteBuffer.wrap(bytes)); // may return IoResult.WOULD_BLOCK when full
 * }
 *
 * <p><b>Handing an end to a child process:</b> on the {@link Backend#EPOLL epoll} backend, {@link
 * PipeSender#descriptorPath()} and {@link PipeReceiver#descriptorPath()} name the end's descriptor
 * as {@code /proc/self/fd/N}. Opening that path opens the same pipe again, as a FIFO, with a mode
 * of its own (blocking unless asked otherwise), and never waits, so a {@link
 * java.lang.ProcessBuilder.Redirect#to(java.io.File)} or {@link
 * java.lang.ProcessBuilder.Redirect#from(java.io.File)} of it gives the child that end. Close this
 * process's copy of the child's end once the child is started, or the other end never sees the
 * pipe's end.
 *
 * <p>Both ends are created close-on-exec.
 */
public final class Pipe {
  private final PipeSender sender;
  private final PipeReceiver receiver;

  private Pipe(PipeSender sender, PipeReceiver receiver) {
    this.sender = sender;
    this.receiver = receiver;
  }

  /**
   * Creates a pipe on the default backend.
   *
   * @return the pipe
   * @throws IOException if the operating system refuses (too many open files)
   */
  public static Pipe open() throws IOException {
    return open(Backend.current());
  }

  /**
   * Creates a pipe on {@code backend}.
   *
   * @param backend the backend of both ends
   * @return the pipe
   * @throws IOException if the operating system refuses (too many open files)
   */
  public static Pipe open(Backend backend) throws IOException {
    Objects.requireNonNull(backend, "backend");
    PipeHandle[] ends = backend.provider().openPipe();
    return new Pipe(new PipeSender(ends[1]), new PipeReceiver(ends[0]));
  }

  /** {@return the write end} */
  public PipeSender sender() {
    return sender;
  }

  /** {@return the read end} */
  public PipeReceiver receiver() {
    return receiver;
  }

  @Override
  public String toString() {
    return "Pipe{" + sender + ", " + receiver + "}";
  }
}
