package io.kyoto.runtime.process;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.blocking.BlockingReader;
import io.kyoto.runtime.io.AsyncRead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * A child's standard error, piped: tokio's {@code ChildStderr}. Reads run on the blocking pool, one
 * at a time; end of stream comes when the child closes it (at its exit at the latest). If a read's
 * future is cancelled, the bytes it brought are kept for the next read, and the cancelled task is
 * no longer woken by that read.
 *
 * <p><b>After a kill:</b> {@link Child#kill()} (or {@link Child#startKill()}, or {@link
 * Command#killOnDrop(boolean)}) makes the JDK close this pipe at once, and it may drop what the
 * child wrote that was not read yet. A read after the kill, or one in flight during it, then
 * reports the end of the stream (not the JDK's "Stream closed" error). To keep the whole output,
 * read to the end before killing, or let the child exit on its own.
 *
 * <p><b>Thread safety:</b> one task reads at a time.
 */
public final class ChildStderr implements AsyncRead, AutoCloseable {
  private final BlockingReader pipe;

  ChildStderr(InputStream in, long pid, BooleanSupplier killed) {
    this.pipe = new BlockingReader(in, "stderr of process " + pid, killed);
  }

  /**
   * {@inheritDoc}
   *
   * <p>After a {@linkplain Child#kill() kill} it reports the end of the stream rather than the
   * "Stream closed" failure of the pipe the JDK closed: treat that end as the kill's, not as the
   * end of what the child wrote.
   */
  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    return pipe.pollRead(cx, dst);
  }

  /** Takes back the waker a cancelled read left with the blocking read in flight. */
  @Override
  public void withdrawRead(Waker waker) {
    pipe.withdrawRead(waker);
  }

  /**
   * Closes the pipe. A child that writes more then fails with a broken pipe (or is killed by {@code
   * SIGPIPE}). Idempotent.
   */
  @Override
  public void close() {
    pipe.close();
  }
}
