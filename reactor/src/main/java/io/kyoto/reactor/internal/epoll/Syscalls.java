package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * Every Linux system call the epoll backend makes, bound once through {@code java.lang.foreign}.
 *
 * <h2>Conventions</h2>
 *
 * <ul>
 *   <li>Each wrapper returns the call's result when it is non-negative and {@code -errno} when the
 *       call failed, so the caller decides, without an exception, whether {@code EAGAIN} means
 *       "would block".
 *   <li>{@code errno} is read with {@link Linker.Option#captureCallState}: the JVM may run code
 *       between the call and a later read of {@code errno}, so it must be captured by the call
 *       itself. The capture buffer is per thread ({@link Scratch}).
 *   <li>Calls that never block on a non-blocking descriptor ({@code read}, {@code write}, {@code
 *       send}, {@code readv}, {@code writev}, {@code accept4}, {@code epoll_ctl}, ...) are linked
 *       with {@link Linker.Option#critical(boolean) critical(true)}: no thread-state transition,
 *       and heap arrays may be passed directly, so heap {@code ByteBuffer}s need no copy. {@code
 *       epoll_wait} and {@code close} (which may linger) are not critical.
 * </ul>
 *
 * <p>SAFETY: every {@link MemorySegment} passed here is either a per-thread {@link Scratch} segment
 * (alive as long as its thread), a segment of a {@code ByteBuffer} the caller keeps reachable for
 * the duration of the call, or the selector's event array, which outlives every {@code epoll_wait}
 * on it (the selector is closed only once no thread polls).
 */
final class Syscalls {
  // <sys/socket.h>, <netinet/in.h>, <sys/epoll.h>, <sys/eventfd.h>: the asm-generic values shared
  // by x86_64 and aarch64, the two architectures this backend enables itself on.
  static final int AF_UNIX = 1;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_STREAM = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_NONBLOCK = 0x800;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SO_ERROR = 4;
  static final int SO_BROADCAST = 6;
  static final int SO_REUSEPORT = 15;
  static final int IPPROTO_TCP = 6;
  static final int TCP_NODELAY = 1;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_V6ONLY = 26;
  static final int SHUT_RD = 0;
  static final int SHUT_WR = 1;
  static final int SHUT_RDWR = 2;
  static final int MSG_NOSIGNAL = 0x4000;
  static final int EPOLL_CLOEXEC = 0x80000;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLL_CTL_MOD = 3;
  static final int EPOLLIN = 0x1;
  static final int EPOLLPRI = 0x2;
  static final int EPOLLOUT = 0x4;
  static final int EPOLLERR = 0x8;
  static final int EPOLLHUP = 0x10;
  static final int EPOLLRDHUP = 0x2000;
  static final int EPOLLET = 1 << 31;
  static final int EFD_NONBLOCK = 0x800;
  static final int EFD_CLOEXEC = 0x80000;

  /** Size of {@code struct epoll_event}: packed (12 bytes) on x86_64, 16 bytes on aarch64. */
  static final long EPOLL_EVENT_SIZE;

  /** Offset of {@code epoll_event.data}. */
  static final long EPOLL_DATA_OFFSET;

  /** Why the backend cannot run here, or null. */
  static final Throwable UNAVAILABLE;

  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle EPOLL_CREATE1;
  private static final MethodHandle EPOLL_CTL;
  private static final MethodHandle EPOLL_WAIT;
  private static final MethodHandle EVENTFD;
  private static final MethodHandle READ;
  private static final MethodHandle WRITE;
  private static final MethodHandle SEND;
  private static final MethodHandle CLOSE;
  private static final MethodHandle SOCKET;
  private static final MethodHandle BIND;
  private static final MethodHandle LISTEN;
  private static final MethodHandle ACCEPT4;
  private static final MethodHandle SETSOCKOPT;
  private static final MethodHandle GETSOCKNAME;
  private static final MethodHandle GETPEERNAME;

  static {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
    EPOLL_EVENT_SIZE = x86 ? 12 : 16;
    EPOLL_DATA_OFFSET = x86 ? 4 : 8;
    Throwable cause = null;
    MethodHandle[] h = new MethodHandle[15];
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      cause = new UnsupportedOperationException("epoll needs Linux; this is " + os);
    } else if (!x86 && !arch.equals("aarch64")) {
      cause =
          new UnsupportedOperationException(
              "the epoll backend supports x86_64 and aarch64, not " + arch);
    } else if (!Syscalls.class.getModule().isNativeAccessEnabled()) {
      cause =
          new IllegalCallerException(
              "native access is not enabled for "
                  + (Syscalls.class.getModule().isNamed()
                      ? "module io.kyoto.reactor"
                      : "the class path")
                  + "; run java with --enable-native-access=ALL-UNNAMED (or =io.kyoto.reactor on the"
                  + " module path), or put 'Enable-Native-Access: ALL-UNNAMED' in an executable"
                  + " jar's manifest");
    } else {
      try {
        int i = 0;
        h[i++] = link("epoll_create1", false, JAVA_INT, JAVA_INT);
        h[i++] = link("epoll_ctl", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
        h[i++] = link("epoll_wait", false, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        h[i++] = link("eventfd", true, JAVA_INT, JAVA_INT, JAVA_INT);
        h[i++] = link("read", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
        h[i++] = link("write", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
        h[i++] = link("send", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        h[i++] = link("close", false, JAVA_INT, JAVA_INT);
        h[i++] = link("socket", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        h[i++] = link("bind", true, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        h[i++] = link("listen", true, JAVA_INT, JAVA_INT, JAVA_INT);
        h[i++] = link("accept4", true, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        h[i++] =
            link("setsockopt", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        h[i++] = link("getsockname", true, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        h[i++] = link("getpeername", true, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
      } catch (Throwable t) {
        cause = t;
      }
    }
    UNAVAILABLE = cause;
    EPOLL_CREATE1 = h[0];
    EPOLL_CTL = h[1];
    EPOLL_WAIT = h[2];
    EVENTFD = h[3];
    READ = h[4];
    WRITE = h[5];
    SEND = h[6];
    CLOSE = h[7];
    SOCKET = h[8];
    BIND = h[9];
    LISTEN = h[10];
    ACCEPT4 = h[11];
    SETSOCKOPT = h[12];
    GETSOCKNAME = h[13];
    GETPEERNAME = h[14];
  }

  private Syscalls() {}

  /**
   * Downcalls a server does not need to start: linked on first use, so start-up pays only for the
   * signatures it uses (each new signature costs 10-20 ms of FFM stub generation).
   */
  private static final class Lazy {
    static final MethodHandle READV = link("readv", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle WRITEV = link("writev", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle CONNECT =
        link("connect", true, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle GETSOCKOPT =
        link("getsockopt", true, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle SHUTDOWN = link("shutdown", true, JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle SENDTO =
        link("sendto", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle RECVFROM =
        link("recvfrom", true, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);

    private Lazy() {}
  }

  // Restricted by design: binding libc is this class's whole purpose. Availability is checked
  // first (isNativeAccessEnabled), so the JVM never prints its native-access warning.
  @SuppressWarnings("restricted")
  private static MethodHandle link(
      String name, boolean critical, MemoryLayout result, MemoryLayout... args) {
    Linker linker = Linker.nativeLinker();
    MemorySegment symbol =
        linker
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    FunctionDescriptor fd = FunctionDescriptor.of(result, args);
    Linker.Option capture = Linker.Option.captureCallState("errno");
    return critical
        ? linker.downcallHandle(symbol, fd, capture, Linker.Option.critical(true))
        : linker.downcallHandle(symbol, fd, capture);
  }

  /**
   * Per-thread native scratch memory: the errno capture buffer, a {@code sockaddr_storage}, a
   * {@code socklen_t}, an option value and an {@code iovec} array. Allocated from an automatic
   * arena, so it is freed once its thread is gone.
   */
  static final class Scratch {
    static final int IOV_MAX = 64;
    final MemorySegment errno;
    final MemorySegment addr;
    final MemorySegment len;
    final MemorySegment opt;
    final MemorySegment iov;

    Scratch() {
      Arena arena = Arena.ofAuto();
      errno = arena.allocate(CAPTURE);
      addr = arena.allocate(128, 8);
      len = arena.allocate(4, 4);
      opt = arena.allocate(16, 8);
      iov = arena.allocate(IOV_MAX * 16L, 8);
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  static Scratch scratch() {
    return SCRATCH.get();
  }

  private static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }

  private static long check(long result, MemorySegment capture) {
    return result >= 0 ? result : -errno(capture);
  }

  private static int check(int result, MemorySegment capture) {
    return result >= 0 ? result : -errno(capture);
  }

  private static Error fatal(Throwable t) {
    return t instanceof Error e ? e : new AssertionError("unexpected failure of a downcall", t);
  }

  // -- epoll and eventfd --------------------------------------------------------------------

  static int epollCreate() {
    MemorySegment c = scratch().errno;
    try {
      return check((int) EPOLL_CREATE1.invokeExact(c, EPOLL_CLOEXEC), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** epoll_ctl with an event built in the thread's scratch memory. */
  static int epollCtl(int epfd, int op, int fd, int events, long data) {
    Scratch s = scratch();
    MemorySegment ev = s.opt;
    ev.set(JAVA_INT, 0, events);
    ev.set(JAVA_LONG.withByteAlignment(1), EPOLL_DATA_OFFSET, data);
    try {
      return check((int) EPOLL_CTL.invokeExact(s.errno, epfd, op, fd, ev), s.errno);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) EPOLL_WAIT.invokeExact(c, epfd, events, max, timeoutMillis), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int eventfd(int initval) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) EVENTFD.invokeExact(c, initval, EFD_NONBLOCK | EFD_CLOEXEC), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  // -- descriptors ----------------------------------------------------------------------------

  static long read(int fd, MemorySegment buf, long count) {
    MemorySegment c = scratch().errno;
    try {
      return check((long) READ.invokeExact(c, fd, buf, count), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static long write(int fd, MemorySegment buf, long count) {
    MemorySegment c = scratch().errno;
    try {
      return check((long) WRITE.invokeExact(c, fd, buf, count), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** send(2) with MSG_NOSIGNAL: a write to a reset connection fails with EPIPE, not SIGPIPE. */
  static long send(int fd, MemorySegment buf, long count) {
    MemorySegment c = scratch().errno;
    try {
      return check((long) SEND.invokeExact(c, fd, buf, count, MSG_NOSIGNAL), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static long readv(int fd, MemorySegment iov, int count) {
    MemorySegment c = scratch().errno;
    try {
      return check((long) Lazy.READV.invokeExact(c, fd, iov, count), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static long writev(int fd, MemorySegment iov, int count) {
    MemorySegment c = scratch().errno;
    try {
      return check((long) Lazy.WRITEV.invokeExact(c, fd, iov, count), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int close(int fd) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) CLOSE.invokeExact(c, fd), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  // -- sockets ----------------------------------------------------------------------------------

  static int socket(int domain, int type) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) SOCKET.invokeExact(c, domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int bind(int fd, MemorySegment addr, int len) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) BIND.invokeExact(c, fd, addr, len), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int listen(int fd, int backlog) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) LISTEN.invokeExact(c, fd, backlog), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** accept4 without the peer address (read lazily with getpeername when asked). */
  static int accept(int fd) {
    MemorySegment c = scratch().errno;
    try {
      return check(
          (int)
              ACCEPT4.invokeExact(
                  c, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_NONBLOCK | SOCK_CLOEXEC),
          c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int connect(int fd, MemorySegment addr, int len) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) Lazy.CONNECT.invokeExact(c, fd, addr, len), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** getsockopt of an int option; the value is returned through the scratch {@code opt}. */
  static int getIntOption(int fd, int level, int name, Scratch s) {
    s.len.set(JAVA_INT, 0, 4);
    try {
      return check(
          (int) Lazy.GETSOCKOPT.invokeExact(s.errno, fd, level, name, s.opt, s.len), s.errno);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int setIntOption(int fd, int level, int name, int value) {
    Scratch s = scratch();
    s.opt.set(JAVA_INT, 0, value);
    try {
      return check((int) SETSOCKOPT.invokeExact(s.errno, fd, level, name, s.opt, 4), s.errno);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** getsockname into {@code s.addr}; the length is left in {@code s.len}. */
  static int getsockname(int fd, Scratch s) {
    s.len.set(JAVA_INT, 0, (int) s.addr.byteSize());
    try {
      return check((int) GETSOCKNAME.invokeExact(s.errno, fd, s.addr, s.len), s.errno);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** getpeername into {@code s.addr}; the length is left in {@code s.len}. */
  static int getpeername(int fd, Scratch s) {
    s.len.set(JAVA_INT, 0, (int) s.addr.byteSize());
    try {
      return check((int) GETPEERNAME.invokeExact(s.errno, fd, s.addr, s.len), s.errno);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static int shutdown(int fd, int how) {
    MemorySegment c = scratch().errno;
    try {
      return check((int) Lazy.SHUTDOWN.invokeExact(c, fd, how), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  static long sendto(int fd, MemorySegment buf, long count, MemorySegment addr, int len) {
    MemorySegment c = scratch().errno;
    try {
      return check((long) Lazy.SENDTO.invokeExact(c, fd, buf, count, MSG_NOSIGNAL, addr, len), c);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** recvfrom with the sender's address in {@code s.addr} (length in {@code s.len}). */
  static long recvfrom(int fd, MemorySegment buf, long count, Scratch s) {
    s.len.set(JAVA_INT, 0, (int) s.addr.byteSize());
    try {
      return check(
          (long) Lazy.RECVFROM.invokeExact(s.errno, fd, buf, count, 0, s.addr, s.len), s.errno);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }
}
