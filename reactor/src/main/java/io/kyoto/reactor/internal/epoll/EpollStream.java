package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.kyoto.reactor.internal.IoCodes;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A connected or connecting stream socket (TCP or Unix domain) on a raw descriptor.
 *
 * <p>Connect state: {@link #CONNECTING} until {@link #finishConnect()} observes the outcome, then
 * {@link #CONNECTED} or {@link #FAILED} (the failure is kept and rethrown, because {@code SO_ERROR}
 * is cleared when read). The state field is volatile: any thread may finish the connect.
 */
final class EpollStream extends FdHandle implements StreamHandle {
  static final int CONNECTING = 0;
  static final int CONNECTED = 1;
  static final int FAILED = 2;

  private final boolean tcp;
  private volatile int state;
  private volatile IOException failure;

  EpollStream(int fd, boolean tcp, boolean connected) {
    super(fd);
    this.tcp = tcp;
    this.state = connected ? CONNECTED : CONNECTING;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return readOnce(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return src.hasRemaining() ? sent(rawSend(src), "write") : 0;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    if (!allDirect(dsts, offset, length)) {
      return readEach(dsts, offset, length);
    }
    for (int i = offset; i < offset + length; i++) {
      checkWritable(dsts[i]);
    }
    int fd = acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      int count = fillIov(s.iov, dsts, offset, length);
      if (count == 0) {
        return 0;
      }
      long n;
      do {
        n = Syscalls.readv(fd, s.iov, count);
      } while (n == -Errno.EINTR);
      Reference.reachabilityFence(dsts);
      if (n > 0) {
        advance(dsts, offset, length, n);
        return n;
      }
      if (n == 0) {
        return IoCodes.EOF;
      }
      if (n == -Errno.EAGAIN) {
        return IoCodes.WOULD_BLOCK;
      }
      throw Errno.exception("readv", (int) -n);
    } finally {
      release();
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    if (!allDirect(srcs, offset, length)) {
      return writeEach(srcs, offset, length);
    }
    int fd = acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      int count = fillIov(s.iov, srcs, offset, length);
      if (count == 0) {
        return 0;
      }
      long n;
      do {
        n = Syscalls.writev(fd, s.iov, count);
      } while (n == -Errno.EINTR);
      Reference.reachabilityFence(srcs);
      if (n >= 0) {
        advance(srcs, offset, length, n);
        return n;
      }
      if (n == -Errno.EAGAIN) {
        return IoCodes.WOULD_BLOCK;
      }
      throw Errno.exception("writev", (int) -n);
    } finally {
      release();
    }
  }

  private static boolean allDirect(ByteBuffer[] buffers, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (!buffers[i].isDirect()) {
        return false;
      }
    }
    return true;
  }

  /** Fills the iovec array with the non-empty buffers, at most {@code IOV_MAX} of them. */
  private static int fillIov(MemorySegment iov, ByteBuffer[] buffers, int offset, int length) {
    int count = 0;
    for (int i = offset; i < offset + length && count < Syscalls.Scratch.IOV_MAX; i++) {
      ByteBuffer b = buffers[i];
      int rem = b.remaining();
      if (rem == 0) {
        continue;
      }
      iov.set(JAVA_LONG, count * 16L, segment(b).address());
      iov.set(JAVA_LONG, count * 16L + 8, rem);
      count++;
    }
    return count;
  }

  private static void advance(ByteBuffer[] buffers, int offset, int length, long n) {
    for (int i = offset; i < offset + length && n > 0; i++) {
      ByteBuffer b = buffers[i];
      int step = (int) Math.min(b.remaining(), n);
      b.position(b.position() + step);
      n -= step;
    }
  }

  /**
   * Scattering read with heap buffers, which have no stable address for an {@code iovec}: reads
   * buffer by buffer and stops at the first that is not filled.
   */
  private long readEach(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      ByteBuffer b = dsts[i];
      if (!b.hasRemaining()) {
        continue;
      }
      int n = read(b);
      if (n < 0) {
        return total > 0 ? total : n;
      }
      total += n;
      if (b.hasRemaining()) {
        break;
      }
    }
    return total;
  }

  /** Gathering write with heap buffers: writes buffer by buffer until one is written partly. */
  private long writeEach(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      ByteBuffer b = srcs[i];
      if (!b.hasRemaining()) {
        continue;
      }
      int n = write(b);
      if (n < 0) {
        return total > 0 ? total : n;
      }
      total += n;
      if (b.hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public boolean finishConnect() throws IOException {
    int s = state;
    if (s == CONNECTED) {
      return true;
    }
    if (s == FAILED) {
      throw failure;
    }
    int fd = acquire();
    try {
      Syscalls.Scratch scratch = Syscalls.scratch();
      int r = Syscalls.getIntOption(fd, Syscalls.SOL_SOCKET, Syscalls.SO_ERROR, scratch);
      if (r < 0) {
        throw Errno.exception("getsockopt(SO_ERROR)", -r);
      }
      int error = scratch.opt.get(JAVA_INT, 0);
      if (error != 0) {
        IOException e = Errno.connectFailure("connect", error);
        failure = e;
        state = FAILED;
        throw e;
      }
      r = Syscalls.getpeername(fd, scratch);
      if (r == 0) {
        state = CONNECTED;
        return true;
      }
      if (-r == Errno.ENOTCONN) {
        return false;
      }
      throw Errno.exception("connect", -r);
    } finally {
      release();
    }
  }

  @Override
  public void shutdown(boolean read, boolean write) throws IOException {
    if (!read && !write) {
      return;
    }
    int how = read && write ? Syscalls.SHUT_RDWR : read ? Syscalls.SHUT_RD : Syscalls.SHUT_WR;
    int fd = acquire();
    try {
      int r = Syscalls.shutdown(fd, how);
      // ENOTCONN on a stream that was connected: the peer reset it, so there is nothing left to
      // shut down. Ignored, as the JDK (and so the nio backend) does, so that closing the write
      // half at the end of a copy does not fail after a reset the reads already reported.
      if (r < 0 && !(-r == Errno.ENOTCONN && state == CONNECTED)) {
        throw Errno.exception("shutdown", -r);
      }
    } finally {
      release();
    }
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    return Addresses.local(this);
  }

  @Override
  public SocketAddress peerAddress() throws IOException {
    return Addresses.peer(this);
  }

  @Override
  public void setNoDelay(boolean on) throws IOException {
    if (tcp) {
      Options.setInt(this, Syscalls.IPPROTO_TCP, Syscalls.TCP_NODELAY, on ? 1 : 0, "TCP_NODELAY");
    }
  }

  @Override
  public boolean noDelay() throws IOException {
    return tcp
        && Options.getInt(this, Syscalls.IPPROTO_TCP, Syscalls.TCP_NODELAY, "TCP_NODELAY") != 0;
  }

  @Override
  public void setKeepAlive(boolean on) throws IOException {
    if (tcp) {
      Options.setInt(this, Syscalls.SOL_SOCKET, Syscalls.SO_KEEPALIVE, on ? 1 : 0, "SO_KEEPALIVE");
    }
  }

  @Override
  public boolean keepAlive() throws IOException {
    return tcp
        && Options.getInt(this, Syscalls.SOL_SOCKET, Syscalls.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
  }

  @Override
  public void setBufferSize(boolean receive, int bytes) throws IOException {
    Options.setInt(
        this,
        Syscalls.SOL_SOCKET,
        receive ? Syscalls.SO_RCVBUF : Syscalls.SO_SNDBUF,
        bytes,
        receive ? "SO_RCVBUF" : "SO_SNDBUF");
  }

  @Override
  public int bufferSize(boolean receive) throws IOException {
    // Linux reports twice what was set (its bookkeeping share); halve it, as the JDK's sockets do,
    // so both backends read back the value that was set.
    return Options.getInt(
            this,
            Syscalls.SOL_SOCKET,
            receive ? Syscalls.SO_RCVBUF : Syscalls.SO_SNDBUF,
            receive ? "SO_RCVBUF" : "SO_SNDBUF")
        / 2;
  }

  @Override
  public IOException takeError() throws IOException {
    int error = Options.getInt(this, Syscalls.SOL_SOCKET, Syscalls.SO_ERROR, "SO_ERROR");
    return error == 0 ? null : Errno.exception("socket error", error);
  }

  @Override
  public String toString() {
    if (!isOpen()) {
      return "closed";
    }
    try {
      return "fd=" + fdForDiagnostics() + ", local=" + localAddress() + ", peer=" + peerAddress();
    } catch (IOException e) {
      return "fd="
          + fdForDiagnostics()
          + (state == CONNECTING ? ", connecting" : ", not connected");
    }
  }
}
