package io.kyoto.reactor.internal.epoll;

import io.kyoto.reactor.NativeIoException;
import io.kyoto.reactor.internal.CloseGuard;
import io.kyoto.reactor.internal.IoCodes;
import io.kyoto.reactor.internal.SourceHandle;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;

/**
 * A socket or pipe file descriptor guarded against use after close.
 *
 * <p>Every operation calls {@link #acquire()} before its system call and {@link #release()} after
 * it; the descriptor number is closed by {@link #close()} or by the last {@code release()} after
 * it, so it is never reused by the kernel while a racing operation could still pass it to a system
 * call (see {@link CloseGuard}). Closing the descriptor also removes it from every epoll set (the
 * backend never duplicates descriptors), which is how closing a source deregisters it.
 */
abstract sealed class FdHandle implements SourceHandle
    permits EpollStream, EpollListener, EpollDatagram, EpollPipe {
  private static final VarHandle SELECTOR;

  static {
    try {
      SELECTOR =
          MethodHandles.lookup().findVarHandle(FdHandle.class, "selector", EpollSelector.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int fd;
  private final CloseGuard guard = new CloseGuard();

  // The selector this descriptor is registered with, or null. Claimed by CAS so that two threads
  // registering the same source with two Polls cannot both succeed; volatile so a deregister on
  // one thread is seen by a register on another.
  @SuppressWarnings("unused") // accessed through SELECTOR
  private volatile EpollSelector selector;

  FdHandle(int fd) {
    this.fd = fd;
  }

  /**
   * Starts an operation.
   *
   * @return the descriptor, valid until {@link #release()}
   * @throws ClosedChannelException if the handle is closed
   */
  final int acquire() throws ClosedChannelException {
    if (!guard.acquire()) {
      throw new ClosedChannelException();
    }
    return fd;
  }

  /** Ends an operation started by {@link #acquire()}. */
  final void release() {
    if (guard.release()) {
      Syscalls.close(fd);
    }
  }

  @Override
  public final boolean isOpen() {
    return !guard.isClosed();
  }

  @Override
  public final void close() throws IOException {
    if (guard.markClosed()) {
      int r = Syscalls.close(fd);
      // EINTR on close still releases the descriptor on Linux; retrying could close a reused one.
      if (r < 0 && -r != Errno.EINTR) {
        throw Errno.exception("close", -r);
      }
    }
  }

  @Override
  public final String backendName() {
    return "epoll";
  }

  /**
   * Claims the handle for {@code owner}; false if it is registered with an open selector. A claim
   * held by a closed selector is void: closing a Poll releases its sources for another.
   */
  final boolean claim(EpollSelector owner) {
    while (true) {
      EpollSelector current = (EpollSelector) SELECTOR.getVolatile(this);
      if (current != null && !current.isClosed()) {
        return false;
      }
      if (SELECTOR.compareAndSet(this, current, owner)) {
        return true;
      }
    }
  }

  /** Releases a claim of {@code owner}; false if {@code owner} did not hold it. */
  final boolean unclaim(EpollSelector owner) {
    return SELECTOR.compareAndSet(this, owner, null);
  }

  /** Whether {@code owner} holds the claim. */
  final boolean claimedBy(EpollSelector owner) {
    return SELECTOR.getVolatile(this) == owner;
  }

  /** The descriptor number, for diagnostics only. */
  final int fdForDiagnostics() {
    return fd;
  }

  /**
   * {@code read(2)} into the buffer's remaining space, retrying on {@code EINTR}.
   *
   * @return the bytes read (the position is advanced), or {@code -errno}
   */
  final long rawRead(ByteBuffer dst) throws ClosedChannelException {
    int pos = dst.position();
    int rem = dst.limit() - pos;
    int fd = acquire();
    try {
      long n;
      do {
        n = Syscalls.read(fd, segment(dst), rem);
      } while (n == -Errno.EINTR);
      if (n > 0) {
        dst.position(pos + (int) n);
      }
      return n;
    } finally {
      release();
    }
  }

  /**
   * {@code send(2)} of the buffer's remaining bytes (no {@code SIGPIPE}), retrying on {@code
   * EINTR}.
   *
   * @return the bytes sent (the position is advanced), or {@code -errno}
   */
  final long rawSend(ByteBuffer src) throws ClosedChannelException {
    return rawOut(src, true);
  }

  /**
   * {@code write(2)} of the buffer's remaining bytes, retrying on {@code EINTR}: for descriptors
   * that are not sockets (a pipe), where {@code send} fails with {@code ENOTSOCK}. A write to a
   * pipe without a reader fails with {@code EPIPE}; the JVM ignores the {@code SIGPIPE} it raises.
   *
   * @return the bytes written (the position is advanced), or {@code -errno}
   */
  final long rawWrite(ByteBuffer src) throws ClosedChannelException {
    return rawOut(src, false);
  }

  private long rawOut(ByteBuffer src, boolean socket) throws ClosedChannelException {
    int pos = src.position();
    int rem = src.limit() - pos;
    int fd = acquire();
    try {
      long n;
      do {
        n = socket ? Syscalls.send(fd, segment(src), rem) : Syscalls.write(fd, segment(src), rem);
      } while (n == -Errno.EINTR);
      if (n > 0) {
        src.position(pos + (int) n);
      }
      return n;
    } finally {
      release();
    }
  }

  /**
   * One {@code read} into {@code dst} for a stream-like descriptor (a socket, a pipe end): the
   * bytes read, {@link IoCodes#EOF} at the end, {@link IoCodes#WOULD_BLOCK} when nothing is there.
   */
  final int readOnce(ByteBuffer dst) throws IOException {
    checkWritable(dst);
    if (!dst.hasRemaining()) {
      return 0;
    }
    long n = rawRead(dst);
    if (n > 0) {
      return (int) n;
    }
    if (n == 0) {
      return IoCodes.EOF;
    }
    if (n == -Errno.EAGAIN) {
      return IoCodes.WOULD_BLOCK;
    }
    throw Errno.exception("read", (int) -n);
  }

  /**
   * Maps the result of {@link #rawSend} or {@link #rawWrite} to a byte count or {@link
   * IoCodes#WOULD_BLOCK}.
   *
   * @throws NativeIoException for any other error
   */
  static int sent(long n, String op) throws NativeIoException {
    if (n >= 0) {
      return (int) n;
    }
    if (n == -Errno.EAGAIN) {
      return IoCodes.WOULD_BLOCK;
    }
    throw Errno.exception(op, (int) -n);
  }

  /** The memory of {@code buffer} from its position to its limit. */
  static MemorySegment segment(ByteBuffer buffer) {
    return MemorySegment.ofBuffer(buffer);
  }

  /** Rejects a read-only destination buffer. */
  static void checkWritable(ByteBuffer dst) {
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
  }
}
