package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.net.SocketAddress;

/** {@code getsockname}/{@code getpeername} for any descriptor handle. */
final class Addresses {
  private Addresses() {}

  static SocketAddress local(FdHandle handle) throws IOException {
    return query(handle, false);
  }

  static SocketAddress peer(FdHandle handle) throws IOException {
    return query(handle, true);
  }

  private static SocketAddress query(FdHandle handle, boolean peer) throws IOException {
    int fd = handle.acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      int r = peer ? Syscalls.getpeername(fd, s) : Syscalls.getsockname(fd, s);
      if (r < 0) {
        throw Errno.exception(peer ? "getpeername" : "getsockname", -r);
      }
      return SockAddr.decode(s.addr, s.len.get(JAVA_INT, 0));
    } finally {
      handle.release();
    }
  }
}
