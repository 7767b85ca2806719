package io.kyoto.reactor.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One end of a pipe: the read end ({@link #read}) or the write end ({@link #write}). Calling the
 * other end's operation is a caller's error (the public {@code PipeReceiver} and {@code PipeSender}
 * expose one each).
 */
public interface PipeHandle extends SourceHandle {
  /**
   * Reads into the buffer's remaining space (read end only).
   *
   * @return bytes read (0 only if the buffer has no space), {@link IoCodes#EOF} once every write
   *     end is closed and the pipe is empty, or {@link IoCodes#WOULD_BLOCK}
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Writes from the buffer's remaining bytes (write end only).
   *
   * @return bytes written, or {@link IoCodes#WOULD_BLOCK} while the pipe is full
   * @throws IOException {@code EPIPE} once the read end is closed everywhere
   */
  int write(ByteBuffer src) throws IOException;

  /**
   * The path under which the operating system reopens this end's pipe ({@code /proc/self/fd/N}).
   *
   * @return the path; empty where the backend cannot name its descriptor or {@code /proc} is not
   *     mounted
   * @throws IOException if the end is closed
   */
  Optional<Path> descriptorPath() throws IOException;
}
