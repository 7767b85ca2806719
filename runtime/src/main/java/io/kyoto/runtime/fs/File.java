package io.kyoto.runtime.fs;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.io.WithdrawingOp;
import io.kyoto.runtime.internal.rt.BlockingJob;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An open file that reads and writes through the blocking pool: tokio's {@code tokio::fs::File}. It
 * is an {@link AsyncRead} and an {@link AsyncWrite}, so {@code Io.copy}, {@code BufReader}, {@code
 * Io.lines} and the codecs work on it as on a socket.
 *
 * {@snippet :
 * Future<Long> copied = File.open(src).flatMap(in -> Io.using(in, i ->
 *     File.create(dst).flatMap(out -> Io.using(out, o -> Io.copy(i, o)))));
 * }
 *
 * <h2>How operations run (tokio's model)</h2>
 *
 * <p>At most one blocking operation is in flight per file, and operations run in the order they are
 * issued:
 *
 * <ul>
 *   <li>A <b>read</b> asks for up to {@code dst.remaining()} bytes (at most {@value #MAX_BUF}) into
 *       the file's own buffer, then copies them into {@code dst}. If the read's future is cancelled
 *       while the job runs, the bytes are kept for the next read; a write or seek before that
 *       rewinds the position over them, so nothing is skipped. Its failure goes to the next read;
 *       any other operation discards it, as tokio's do.
 *   <li>A <b>write</b> copies up to {@value #MAX_BUF} bytes of {@code src} into the file's buffer,
 *       starts the blocking write and completes at once, as tokio's does. A failure of that write
 *       is reported by the next operation ({@code write}, {@link #pollFlush flush}, read, seek,
 *       {@link #closeAsync}). Call {@link #flush()} (or {@link #closeAsync()}) to know that every
 *       write reached the operating system, and {@link #syncAll()} to know it reached the disk.
 *   <li>{@link #close()} does not discard a write in flight: the file's descriptor is closed when
 *       that write ends. A write's failure is then lost; {@link #closeAsync()} reports it.
 *   <li>A cancelled future of any operation (read, write, flush, {@link #seek seek}, {@link
 *       #position()}, {@link #size()}, {@link #syncAll()}, {@link #syncData()}, {@link
 *       #closeAsync()}) takes back the wake-up it left with the operation in flight, be it its own
 *       or an earlier one ({@link #withdrawRead}, {@link #withdrawWrite}), so that operation's end
 *       (which may be late: a FIFO, a slow disk) neither wakes nor keeps reachable a task that
 *       stopped waiting. The operation itself goes on: a cancelled sync still syncs, and its
 *       result, like a cancelled size's, is dropped.
 * </ul>
 *
 * <p><b>Thread safety:</b> one task uses a file at a time, as for sockets.
 */
public final class File implements AsyncRead, AsyncWrite, AsyncCloseable {
  /** The most bytes one read or write moves, tokio's {@code MAX_BUF} (2 MiB). */
  public static final int MAX_BUF = 2 * 1024 * 1024;

  private static final int MIN_BUF = 8 * 1024;

  private enum Kind {
    READ,
    WRITE,
    OTHER
  }

  /** A finished blocking operation. */
  private record Done(Kind kind, long value, IOException error) {}

  /** A blocking operation on the channel. */
  @FunctionalInterface
  private interface Op {
    long run(FileChannel channel) throws IOException;
  }

  private final FileChannel channel;
  private final Path path;
  private final Object lock = new Object();
  private boolean jobPending; // under lock: a job was spawned and has not ended
  private boolean closed; // under lock for writes; the owner reads it

  // The owner's state. While inFlight is set, buf belongs to its job.
  private ByteBuffer buf;
  private BlockingJob<Done> inFlight;
  private boolean readAhead; // buf holds a finished read's bytes (position..limit); empty = EOF
  private IOException lastWriteError;

  File(FileChannel channel, Path path) {
    this.channel = channel;
    this.path = path;
  }

  /**
   * {@return a future of {@code path} opened for reading} As tokio's {@code File::open}.
   *
   * @param path the file
   */
  public static Future<File> open(Path path) {
    return options().read(true).open(path);
  }

  /**
   * {@return a future of {@code path} opened for writing, created if missing and truncated if not}
   * As tokio's {@code File::create}.
   *
   * @param path the file
   */
  public static Future<File> create(Path path) {
    return options().write(true).create(true).truncate(true).open(path);
  }

  /**
   * {@return a future of a new file at {@code path}, opened for writing} Fails with {@link
   * java.nio.file.FileAlreadyExistsException} if it exists, as tokio's {@code File::create_new}.
   *
   * @param path the file
   */
  public static Future<File> createNew(Path path) {
    return options().write(true).createNew(true).open(path);
  }

  /** {@return options to open a file with, nothing chosen yet} */
  public static OpenOptions options() {
    return new OpenOptions();
  }

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    ensureOpen();
    if (!dst.hasRemaining()) {
      return Poll.ready(null);
    }
    while (true) {
      if (readAhead) {
        if (buf.hasRemaining()) {
          int n = Math.min(buf.remaining(), dst.remaining());
          dst.put(dst.position(), buf, buf.position(), n);
          dst.position(dst.position() + n);
          buf.position(buf.position() + n);
          readAhead = buf.hasRemaining();
        } else {
          readAhead = false; // the read found the end of the file: report it once
        }
        return Poll.ready(null);
      }
      if (inFlight != null) {
        Done d = finishInFlight(cx);
        if (d == null) {
          return Poll.pending();
        }
        absorb(d, true);
        continue;
      }
      throwLastWriteError();
      int n = Math.min(dst.remaining(), MAX_BUF);
      ByteBuffer b = buffer(n);
      b.clear().limit(n);
      start(
          Kind.READ,
          ch -> {
            int r = ch.read(b);
            b.flip();
            return r;
          });
    }
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    ensureOpen();
    if (!src.hasRemaining()) {
      return Poll.ready(null);
    }
    if (awaitIdle(cx)) {
      return Poll.pending();
    }
    discardReadAhead(); // before the buffer is reused for the write's bytes
    int n = Math.min(src.remaining(), MAX_BUF);
    ByteBuffer b = buffer(n);
    b.clear();
    b.put(0, src, src.position(), n);
    b.limit(n);
    src.position(src.position() + n);
    start(
        Kind.WRITE,
        ch -> {
          while (b.hasRemaining()) {
            ch.write(b);
          }
          return n;
        });
    return Poll.ready(null);
  }

  /** Takes back the waker a cancelled read left with the operation in flight. */
  @Override
  public void withdrawRead(Waker waker) {
    withdrawFromInFlight(waker);
  }

  /** Takes back the waker a cancelled write or flush left with the operation in flight. */
  @Override
  public void withdrawWrite(Waker waker) {
    withdrawFromInFlight(waker);
  }

  private void withdrawFromInFlight(Waker waker) {
    BlockingJob<Done> job = inFlight;
    if (job != null) {
      job.withdraw(waker); // only if it is still the waker the job will wake
    }
  }

  /**
   * Waits until no operation is in flight and reports a failed write.
   *
   * <p>Flushing does not sync to the disk: see {@link #syncAll()}.
   */
  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    ensureOpen();
    return awaitIdle(cx) ? Poll.pending() : Poll.ready(null);
  }

  /** Flushes; a file has no write side to shut down. */
  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    return pollFlush(cx);
  }

  /**
   * {@return a future that moves the position to {@code position} bytes from the start, and yields
   * it} Waits for the operation in flight first; the next read or write starts there. In
   * {@linkplain OpenOptions#append append} mode writes still go to the end.
   *
   * @param position the new position, not negative (past the end is allowed: a write there leaves a
   *     hole of zeros)
   */
  public Future<Long> seek(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("negative position: " + position);
    }
    return withdrawing(
        cx -> {
          ensureOpen();
          if (awaitIdle(cx)) {
            return Poll.pending();
          }
          discardReadAhead();
          channel.position(position);
          return Poll.ready(position);
        });
  }

  /**
   * {@return a future of the current position: where the next read or write starts} As tokio's
   * {@code stream_position}; waits for the operation in flight first.
   */
  public Future<Long> position() {
    return withdrawing(
        cx -> {
          ensureOpen();
          if (awaitIdle(cx)) {
            return Poll.pending();
          }
          discardReadAhead();
          return Poll.ready(channel.position());
        });
  }

  /** {@return a future of the file's current size in bytes, after the writes issued so far} */
  public Future<Long> size() {
    return afterIdle(FileChannel::size);
  }

  /**
   * {@return a future that flushes, then forces the content and metadata to the storage device} As
   * tokio's {@code sync_all} ({@code fsync}).
   */
  public Future<Void> syncAll() {
    return afterIdle(
            ch -> {
              ch.force(true);
              return 0;
            })
        .map(x -> null);
  }

  /**
   * {@return a future that flushes, then forces the content (not all metadata) to the storage
   * device} As tokio's {@code sync_data} ({@code fdatasync}).
   */
  public Future<Void> syncData() {
    return afterIdle(
            ch -> {
              ch.force(false);
              return 0;
            })
        .map(x -> null);
  }

  /** Flushes (reporting a failed write), then closes. */
  @Override
  public Future<Void> closeAsync() {
    return withdrawing(
        cx -> {
          Poll<Void> p;
          try {
            p = pollFlush(cx);
          } catch (ClosedChannelException e) {
            return Poll.ready(null); // closed already: nothing left to flush
          } catch (IOException e) {
            close();
            throw e;
          }
          if (p.isPending()) {
            return p;
          }
          close();
          return p;
        });
  }

  /**
   * Closes the file. A write in flight still completes (the descriptor is closed when it ends), but
   * its failure, if any, is lost: use {@link #closeAsync()} to see it. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (!jobPending) {
        closeChannel();
      }
    }
  }

  @Override
  public String toString() {
    return "File[" + path + "]";
  }

  private void ensureOpen() throws ClosedChannelException {
    synchronized (lock) {
      if (closed) {
        throw new ClosedChannelException();
      }
    }
  }

  /**
   * Finishes the operation in flight, if any, and reports a failed write.
   *
   * @return true if still waiting (a wake-up is arranged)
   */
  private boolean awaitIdle(Context cx) throws IOException {
    while (inFlight != null) {
      Done d = finishInFlight(cx);
      if (d == null) {
        return true;
      }
      absorb(d, false);
    }
    discardReadAheadIfEnded();
    throwLastWriteError();
    return false;
  }

  /** {@return the finished operation, or null while it runs} */
  private Done finishInFlight(Context cx) throws IOException {
    Poll<Done> p;
    try {
      p = inFlight.poll(cx);
    } catch (IOException e) {
      inFlight = null;
      throw e;
    } catch (Exception e) {
      inFlight = null;
      throw new IOException("file operation on " + path + " did not complete", e);
    }
    if (p.isPending()) {
      return null;
    }
    inFlight = null;
    return p.value();
  }

  /**
   * Takes in an operation's result that no caller waits for any more.
   *
   * @param forRead whether a read takes it in: it then resumes the cancelled read and reports its
   *     failure; any other operation discards a read's failure, as tokio's do (the failed read
   *     moved nothing, and what the read was for is no longer asked)
   */
  private void absorb(Done d, boolean forRead) throws IOException {
    switch (d.kind) {
      case READ -> {
        if (d.error != null) {
          if (forRead) {
            throw d.error;
          }
          return;
        }
        readAhead = true;
      }
      case WRITE -> {
        if (d.error != null && lastWriteError == null) {
          lastWriteError = d.error;
        }
      }
      case OTHER -> {
        // a sync or size whose future was dropped: its result is of no use
      }
    }
  }

  private void throwLastWriteError() throws IOException {
    IOException e = lastWriteError;
    if (e != null) {
      lastWriteError = null;
      throw e;
    }
  }

  private void discardReadAheadIfEnded() {
    if (readAhead && !buf.hasRemaining()) {
      readAhead = false;
    }
  }

  /** Before a write or seek: moves the position back over bytes read but not consumed. */
  private void discardReadAhead() throws IOException {
    if (readAhead) {
      int unread = buf.remaining();
      readAhead = false;
      buf.clear();
      if (unread > 0) {
        channel.position(channel.position() - unread);
      }
    }
  }

  private ByteBuffer buffer(int n) {
    if (buf == null || buf.capacity() < n) {
      int cap = Math.max(MIN_BUF, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
      buf = ByteBuffer.allocateDirect(Math.min(cap, MAX_BUF));
    }
    return buf;
  }

  private void start(Kind kind, Op op) {
    synchronized (lock) {
      jobPending = true;
    }
    // Mandatory: a write was reported done when its bytes were copied, so shutdown must not drop
    // it (tokio's spawn_mandatory_blocking); file operations end on their own.
    inFlight =
        BlockingJob.spawnMandatory(
            () -> {
              try {
                return new Done(kind, op.run(channel), null);
              } catch (IOException e) {
                return new Done(kind, 0, e);
              } catch (NonReadableChannelException e) {
                return new Done(kind, 0, new IOException("file not opened for reading: " + path));
              } catch (NonWritableChannelException e) {
                return new Done(kind, 0, new IOException("file not opened for writing: " + path));
              } finally {
                synchronized (lock) {
                  jobPending = false;
                  if (closed) {
                    closeChannel();
                  }
                }
              }
            });
  }

  /** {@return a future that waits until idle, then runs {@code op} as the next operation} */
  private Future<Long> afterIdle(Op op) {
    Objects.requireNonNull(op, "op");
    return withdrawing(
        new Future<>() {
          private Future<Done> mine;

          @Override
          public Poll<Long> poll(Context cx) throws IOException {
            ensureOpen();
            if (mine == null) {
              if (awaitIdle(cx)) {
                return Poll.pending();
              }
              discardReadAhead();
              start(Kind.OTHER, op);
              mine = inFlight;
            }
            if (inFlight != mine) {
              throw new IllegalStateException("the file was used by another operation meanwhile");
            }
            Done d = finishInFlight(cx);
            if (d == null) {
              return Poll.pending();
            }
            if (d.error != null) {
              throw d.error;
            }
            return Poll.ready(d.value);
          }
        });
  }

  /**
   * {@return {@code op} as a future whose cancel takes back the waker its last pending poll left
   * with the operation in flight} {@code op} itself must hold nothing to release.
   */
  private <T> Future<T> withdrawing(Future<T> op) {
    return new WithdrawingOp<>() {
      @Override
      protected Poll<T> pollOperation(Context cx) throws Exception {
        return op.poll(cx);
      }

      @Override
      protected void withdraw(Waker waker) {
        withdrawFromInFlight(waker);
      }
    };
  }

  /** Under lock. */
  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the descriptor is released even when close reports an error
    }
  }
}
