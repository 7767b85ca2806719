package io.kyoto.reactor.internal.epoll;

import io.kyoto.reactor.internal.ListenerHandle;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.SocketAddress;

/** A listening stream socket (TCP or Unix domain) on a raw descriptor. */
final class EpollListener extends FdHandle implements ListenerHandle {
  private static final int ECONNABORTED = 103;

  private final boolean tcp;

  EpollListener(int fd, boolean tcp) {
    super(fd);
    this.tcp = tcp;
  }

  @Override
  public StreamHandle accept() throws IOException {
    int fd = acquire();
    try {
      while (true) {
        int client = Syscalls.accept(fd);
        if (client >= 0) {
          return new EpollStream(client, tcp, true);
        }
        int errno = -client;
        if (errno == Errno.EAGAIN) {
          return null;
        }
        // A connection reset while queued, or a signal: try the next one.
        if (errno != Errno.EINTR && errno != ECONNABORTED) {
          throw Errno.exception("accept", errno);
        }
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
  public String toString() {
    try {
      return "fd=" + fdForDiagnostics() + ", listening on " + localAddress();
    } catch (IOException e) {
      return "closed";
    }
  }
}
