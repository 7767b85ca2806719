package io.kyoto.runtime.process;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncRead;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A child's standard error, piped: tokio's {@code ChildStderr}. The end of the stream comes once
 * every process holding the pipe's other end has closed it: the child (at its exit at the latest)
 * and any descendant that inherited it, such as a shell's background {@code cmd &}.
 *
 * <p>How it is read depends on the reactor backend in effect when the child was {@linkplain
 * Command#spawn() spawned} (the spawning runtime's, or the JVM's default outside a runtime):
 *
 * <ul>
 *   <li><b>epoll</b> (the default on Linux): a pipe of Kyoto's own, as tokio's, read when the
 *       reactor reports it readable, so no thread waits for the child. What a background descendant
 *       writes after the child exited is read until it closes the pipe, and {@link Child#kill()}
 *       does not touch the pipe: what the child wrote before it died is still read, to the end. The
 *       descriptor is released at the end of the stream, by {@link #close()}, or once this object
 *       is unreachable. (Read on a runtime whose reactor is not epoll, the same pipe is read on the
 *       blocking pool.) The pipe registers with the reactor of the runtime of its first read and
 *       stays with it, as tokio's I/O resources stay with their runtime: once that runtime is shut
 *       down, reads fail ("its I/O driver is gone"), whichever runtime makes them.
 *   <li><b>nio</b> (or where {@code /proc/self/fd} is missing): the JDK's pipe, read on the
 *       blocking pool, one read at a time. When the child exits, the JDK's process reaper takes
 *       what the pipe holds and closes it, so output a background descendant writes later is lost.
 *       <b>After a kill</b> ({@link Child#kill()}, {@link Child#startKill()}, {@link
 *       Command#killOnDrop(boolean)}) the JDK closes the pipe at once and may drop what the child
 *       wrote that was not read yet; a read after the kill, or one in flight during it, then
 *       reports the end of the stream (not the JDK's "Stream closed" error). To keep the whole
 *       output there, read to the end before killing, or let the child exit on its own.
 * </ul>
 *
 * <p>If a read's future is cancelled, the cancelled task is no longer woken by that read (on the
 * blocking pool, the bytes it brought are kept for the next read).
 *
 * <p><b>Thread safety:</b> one task reads at a time.
 */
public final class ChildStderr implements AsyncRead, AutoCloseable {
  private final ReadingEnd pipe;

  ChildStderr(ReadingEnd pipe) {
    this.pipe = pipe;
    if (pipe.ownsPipe()) {
      OwnPipes.releaseWhenUnreachable(this, pipe::release);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>On the JDK's pipe (nio), after a {@linkplain Child#kill() kill} it reports the end of the
   * stream rather than the "Stream closed" failure of the pipe the JDK closed: treat that end as
   * the kill's, not as the end of what the child wrote. On Kyoto's own pipe (epoll) the end is
   * always the end of what was written.
   */
  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    return pipe.pollRead(cx, dst);
  }

  /** Takes back the waker a cancelled read left waiting for the pipe. */
  @Override
  public void withdrawRead(Waker waker) {
    pipe.withdrawRead(waker);
  }

  /**
   * Closes the pipe. A child that writes more then fails with a broken pipe (or is killed by {@code
   * SIGPIPE}). Idempotent. On the blocking pool (nio, or a pipe read on a runtime that is not
   * epoll) a read in flight holds the pipe open until it returns: the child's next write then still
   * succeeds and its bytes are dropped; only the write after that breaks the pipe.
   */
  @Override
  public void close() {
    pipe.close();
  }
}
