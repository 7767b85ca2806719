package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.kyoto.reactor.internal.BackendProvider;
import io.kyoto.reactor.internal.DatagramHandle;
import io.kyoto.reactor.internal.ListenOptions;
import io.kyoto.reactor.internal.ListenerHandle;
import io.kyoto.reactor.internal.PipeHandle;
import io.kyoto.reactor.internal.SelectorHandle;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Creates epoll selectors, raw non-blocking sockets and pipes. */
public final class EpollProvider implements BackendProvider {
  /** The provider; usable only when {@link #unavailabilityCause()} is null. */
  public static final EpollProvider INSTANCE = new EpollProvider();

  private EpollProvider() {}

  /**
   * Why the epoll backend cannot run in this JVM.
   *
   * @return the cause (not Linux, unsupported architecture, native access disabled), or null
   */
  public static Throwable unavailabilityCause() {
    return Syscalls.UNAVAILABLE;
  }

  @Override
  public String name() {
    return "epoll";
  }

  @Override
  public SelectorHandle openSelector() throws IOException {
    int epfd = Syscalls.epollCreate();
    if (epfd < 0) {
      throw Errno.exception("epoll_create1", -epfd);
    }
    return new EpollSelector(epfd);
  }

  private static int socket(int family, int type, String what) throws IOException {
    int fd = Syscalls.socket(family, type);
    if (fd < 0) {
      throw Errno.exception("socket (" + what + ")", -fd);
    }
    return fd;
  }

  /** Closes {@code fd} after a failed set-up step and throws that step's error. */
  private static IOException fail(int fd, String operation, int errno) {
    Syscalls.close(fd);
    return Errno.exception(operation, errno);
  }

  private static void option(int fd, int level, int name, int value, String label)
      throws IOException {
    int r = Syscalls.setIntOption(fd, level, name, value);
    if (r < 0) {
      throw fail(fd, "setsockopt(" + label + ")", -r);
    }
  }

  private static void bindAndListen(int fd, MemorySegment addr, int len, int backlog, Object where)
      throws IOException {
    int r = Syscalls.bind(fd, addr, len);
    if (r < 0) {
      Syscalls.close(fd);
      throw Errno.bindFailure("bind " + where, -r);
    }
    if (backlog > 0) {
      r = Syscalls.listen(fd, backlog);
      if (r < 0) {
        throw fail(fd, "listen " + where, -r);
      }
    }
  }

  @Override
  public ListenerHandle bindTcp(InetSocketAddress address, ListenOptions options)
      throws IOException {
    int family = SockAddr.family(address);
    int fd = socket(family, Syscalls.SOCK_STREAM, "tcp");
    if (family == Syscalls.AF_INET6) {
      option(fd, Syscalls.IPPROTO_IPV6, Syscalls.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
    }
    if (options.reuseAddress()) {
      option(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEADDR, 1, "SO_REUSEADDR");
    }
    if (options.reusePort()) {
      option(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEPORT, 1, "SO_REUSEPORT");
    }
    Syscalls.Scratch s = Syscalls.scratch();
    int len = SockAddr.encode(address, s.addr);
    bindAndListen(fd, s.addr, len, options.backlog(), address);
    return new EpollListener(fd, true);
  }

  @Override
  public StreamHandle connectTcp(InetSocketAddress address) throws IOException {
    int fd = socket(SockAddr.family(address), Syscalls.SOCK_STREAM, "tcp");
    Syscalls.Scratch s = Syscalls.scratch();
    int len = SockAddr.encode(address, s.addr);
    return connect(fd, s.addr, len, true, address);
  }

  private static StreamHandle connect(
      int fd, MemorySegment addr, int len, boolean tcp, Object where) throws IOException {
    int r;
    do {
      r = Syscalls.connect(fd, addr, len);
    } while (r == -Errno.EINTR);
    if (r == 0) {
      return new EpollStream(fd, tcp, true);
    }
    // Only EINPROGRESS means "connecting" (as in mio). EAGAIN is a failure: a Unix stream connect
    // gets it when the listener's backlog is full, and the socket is then not connecting at all.
    if (-r == Errno.EINPROGRESS) {
      return new EpollStream(fd, tcp, false);
    }
    Syscalls.close(fd);
    throw Errno.connectFailure("connect " + where, -r);
  }

  @Override
  public ListenerHandle bindUnix(Path path, int backlog) throws IOException {
    Syscalls.Scratch s = Syscalls.scratch();
    int len = SockAddr.encode(path, s.addr);
    int fd = socket(Syscalls.AF_UNIX, Syscalls.SOCK_STREAM, "unix");
    bindAndListen(fd, s.addr, len, backlog, path);
    return new EpollListener(fd, false);
  }

  @Override
  public StreamHandle connectUnix(Path path) throws IOException {
    Syscalls.Scratch s = Syscalls.scratch();
    int len = SockAddr.encode(path, s.addr);
    int fd = socket(Syscalls.AF_UNIX, Syscalls.SOCK_STREAM, "unix");
    return connect(fd, s.addr, len, false, path);
  }

  @Override
  public PipeHandle[] openPipe() throws IOException {
    Syscalls.Scratch s = Syscalls.scratch();
    int r = Syscalls.pipe2(s);
    if (r < 0) {
      throw Errno.exception("pipe2", -r);
    }
    return new PipeHandle[] {
      new EpollPipe(s.opt.get(JAVA_INT, 0), true), new EpollPipe(s.opt.get(JAVA_INT, 4), false)
    };
  }

  @Override
  public DatagramHandle bindUdp(InetSocketAddress address, boolean reuseAddress, boolean reusePort)
      throws IOException {
    int family = SockAddr.family(address);
    int fd = socket(family, Syscalls.SOCK_DGRAM, "udp");
    if (family == Syscalls.AF_INET6) {
      option(fd, Syscalls.IPPROTO_IPV6, Syscalls.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
    }
    if (reuseAddress) {
      option(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEADDR, 1, "SO_REUSEADDR");
    }
    if (reusePort) {
      option(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEPORT, 1, "SO_REUSEPORT");
    }
    Syscalls.Scratch s = Syscalls.scratch();
    int len = SockAddr.encode(address, s.addr);
    bindAndListen(fd, s.addr, len, 0, address);
    return new EpollDatagram(fd);
  }
}
