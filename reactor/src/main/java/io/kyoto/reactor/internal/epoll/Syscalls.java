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
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.Optional;

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
 *       send}, {@code readv}, {@code writev}, {@code accept4}, {@code epoll_ctl}, {@code pipe2},
 *       ...) are linked with {@link Linker.Option#critical(boolean) critical(true)}: no
 *       thread-state transition, and heap arrays may be passed directly, so heap {@code
 *       ByteBuffer}s need no copy. {@code epoll_wait} and {@code close} (which may linger) are not
 *       critical.
 *   <li>All functions are called through three shared handles ({@link #CALL}, {@link
 *       Late#BLOCKING}, {@link Late#BUF}) of one six-{@code long} shape, with the function's
 *       address as an argument: see {@link #SHAPE} for why and for the ABI reasoning.
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
  static final int SO_SNDBUF = 7;
  static final int SO_RCVBUF = 8;
  static final int SO_KEEPALIVE = 9;
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
  // <fcntl.h>: pipe2's flags, the same bits as SOCK_NONBLOCK and SOCK_CLOEXEC on both
  // architectures.
  static final int O_NONBLOCK = 0x800;
  static final int O_CLOEXEC = 0x80000;

  /** Size of {@code struct epoll_event}: packed (12 bytes) on x86_64, 16 bytes on aarch64. */
  static final long EPOLL_EVENT_SIZE;

  /** Offset of {@code epoll_event.data}. */
  static final long EPOLL_DATA_OFFSET;

  /** Why the backend cannot run here, or null. */
  static final Throwable UNAVAILABLE;

  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  // An offset rather than a layout-path VarHandle: building that handle spins several LambdaForms
  // at start-up, and reading an int at an offset needs none.
  private static final long ERRNO_OFFSET =
      CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

  /**
   * The one shape every downcall is made through: six {@code long} arguments and a {@code long}
   * result, the function's address first. Linking a downcall generates code per distinct descriptor
   * and option set (tens of ms for the first, 5-20 ms for each further one, all paid at start-up),
   * so all calls share a few address-less handles instead of one handle per function.
   *
   * <p>ABI (x86_64 System V and AAPCS64, the two architectures enabled here): the first six integer
   * or pointer arguments travel in registers ({@code rdi rsi rdx rcx r8 r9} / {@code x0-x5}), so a
   * function declared with fewer parameters ignores the trailing ones, and none of the functions
   * bound here is variadic. An {@code int} parameter is read from the low 32 bits of its register,
   * so passing the sign-extended {@code long} is exact. An {@code int} result is returned in the
   * low 32 bits of {@code rax} / {@code x0} with the upper bits unspecified: such results are
   * narrowed with {@code (int)}, which keeps exactly those 32 bits ({@link #ret}). A pointer
   * argument is passed as its address; only native segments are passed that way ({@link #ptr}),
   * kept reachable by the caller for the call's duration (see SAFETY above).
   */
  private static final FunctionDescriptor SHAPE =
      FunctionDescriptor.of(
          JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

  /** {@link #SHAPE} with {@code critical(true)}: calls that never block on a non-blocking fd. */
  private static final MethodHandle CALL;

  // The functions' addresses.
  private static final MemorySegment EPOLL_CREATE1;
  private static final MemorySegment EPOLL_CTL;
  private static final MemorySegment EPOLL_WAIT;
  private static final MemorySegment EVENTFD;
  private static final MemorySegment READ;
  private static final MemorySegment WRITE;
  private static final MemorySegment SEND;
  private static final MemorySegment READV;
  private static final MemorySegment WRITEV;
  private static final MemorySegment CLOSE;
  private static final MemorySegment SOCKET;
  private static final MemorySegment BIND;
  private static final MemorySegment LISTEN;
  private static final MemorySegment ACCEPT4;
  private static final MemorySegment CONNECT;
  private static final MemorySegment SETSOCKOPT;
  private static final MemorySegment GETSOCKOPT;
  private static final MemorySegment GETSOCKNAME;
  private static final MemorySegment GETPEERNAME;
  private static final MemorySegment SHUTDOWN;
  private static final MemorySegment SENDTO;
  private static final MemorySegment RECVFROM;
  private static final MemorySegment PIPE2;

  /** {@code epoll_pwait2} (glibc 2.35, Linux 5.11), or null where libc lacks it. */
  private static final MemorySegment EPOLL_PWAIT2;

  /** Cleared on the first {@code ENOSYS} (a kernel older than libc): epoll_wait from then on. */
  private static volatile boolean pwait2Works;

  static {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
    EPOLL_EVENT_SIZE = x86 ? 12 : 16;
    EPOLL_DATA_OFFSET = x86 ? 4 : 8;
    Throwable cause = null;
    MethodHandle call = null;
    MemorySegment pwait2 = null;
    String[] names = {
      "epoll_create1", "epoll_ctl", "epoll_wait", "eventfd", "read", "write", "send", "readv",
      "writev", "close", "socket", "bind", "listen", "accept4", "connect", "setsockopt",
      "getsockopt", "getsockname", "getpeername", "shutdown", "sendto", "recvfrom", "pipe2"
    };
    MemorySegment[] f = new MemorySegment[names.length];
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
        SymbolLookup libc = Linker.nativeLinker().defaultLookup();
        for (int i = 0; i < names.length; i++) {
          Optional<MemorySegment> symbol = libc.find(names[i]);
          if (symbol.isEmpty()) {
            throw new UnsupportedOperationException("libc has no " + names[i]);
          }
          f[i] = symbol.get();
        }
        pwait2 = libc.find("epoll_pwait2").orElse(null);
        call = link(SHAPE, true);
      } catch (Throwable t) {
        cause = t;
      }
    }
    UNAVAILABLE = cause;
    CALL = call;
    EPOLL_CREATE1 = f[0];
    EPOLL_CTL = f[1];
    EPOLL_WAIT = f[2];
    EVENTFD = f[3];
    READ = f[4];
    WRITE = f[5];
    SEND = f[6];
    READV = f[7];
    WRITEV = f[8];
    CLOSE = f[9];
    SOCKET = f[10];
    BIND = f[11];
    LISTEN = f[12];
    ACCEPT4 = f[13];
    CONNECT = f[14];
    SETSOCKOPT = f[15];
    GETSOCKOPT = f[16];
    GETSOCKNAME = f[17];
    GETPEERNAME = f[18];
    SHUTDOWN = f[19];
    SENDTO = f[20];
    RECVFROM = f[21];
    PIPE2 = f[22];
    EPOLL_PWAIT2 = pwait2;
    pwait2Works = pwait2 != null;
  }

  private Syscalls() {}

  /**
   * The two handles a selector and its waker do not need to start, linked on first use: the first
   * {@code epoll_wait} (or {@code read}, {@code write}, {@code close}) links both. In a runtime,
   * that is a worker thread's first idle poll, which then pays for the two stubs while the starting
   * thread goes on binding its listeners, instead of the starting thread paying for them first.
   */
  private static final class Late {
    /** {@link #SHAPE} with {@code critical(false)}: calls that may block ({@code epoll_wait}). */
    static final MethodHandle BLOCKING = link(SHAPE, false);

    /**
     * {@link #SHAPE} with the second argument an {@code ADDRESS}, {@code critical(true)}: the calls
     * with a caller's buffer there ({@code read}, {@code write}, {@code send}, {@code sendto},
     * {@code recvfrom}). The buffer stays a {@code MemorySegment} so that a heap buffer's array is
     * handed to the call without a copy, and an arena-backed buffer's arena is kept open during the
     * call.
     */
    static final MethodHandle BUF =
        link(
            FunctionDescriptor.of(
                JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            true);

    private Late() {}
  }

  // Restricted by design: binding libc is this class's whole purpose. Availability is checked
  // first (isNativeAccessEnabled), so the JVM never prints its native-access warning.
  @SuppressWarnings("restricted")
  private static MethodHandle link(FunctionDescriptor fd, boolean critical) {
    Linker linker = Linker.nativeLinker();
    Linker.Option capture = Linker.Option.captureCallState("errno");
    return critical
        ? linker.downcallHandle(fd, capture, Linker.Option.critical(true))
        : linker.downcallHandle(fd, capture);
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
    return capture.get(JAVA_INT, ERRNO_OFFSET);
  }

  /** The result of a function returning {@code ssize_t}: itself, or {@code -errno}. */
  private static long check(long result, MemorySegment capture) {
    return result >= 0 ? result : -errno(capture);
  }

  /**
   * The result of a function returning {@code int}: its low 32 bits (the upper half of the register
   * is unspecified), or {@code -errno}.
   */
  private static int ret(long result, MemorySegment capture) {
    int r = (int) result;
    return r >= 0 ? r : -errno(capture);
  }

  /** The address of a native segment, to pass as a pointer argument of {@link #SHAPE}. */
  private static long ptr(MemorySegment segment) {
    if (!segment.isNative()) {
      throw new IllegalArgumentException("not a native segment: " + segment);
    }
    return segment.address();
  }

  private static Error fatal(Throwable t) {
    return t instanceof Error e ? e : new AssertionError("unexpected failure of a downcall", t);
  }

  /** A call through {@link #CALL}. */
  private static long call(
      MemorySegment fn, MemorySegment c, long a, long b, long d, long e, long f, long g) {
    try {
      return (long) CALL.invokeExact(fn, c, a, b, d, e, f, g);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** A call through {@link Late#BLOCKING} (at most four arguments are used: the rest are 0). */
  private static long callBlocking(
      MemorySegment fn, MemorySegment c, long a, long b, long d, long e) {
    try {
      return (long) Late.BLOCKING.invokeExact(fn, c, a, b, d, e, 0L, 0L);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  /** A call through {@link Late#BUF}. */
  private static long callBuf(
      MemorySegment fn,
      MemorySegment c,
      long a,
      MemorySegment buf,
      long d,
      long e,
      long f,
      long g) {
    try {
      return (long) Late.BUF.invokeExact(fn, c, a, buf, d, e, f, g);
    } catch (Throwable t) {
      throw fatal(t);
    }
  }

  // -- epoll and eventfd --------------------------------------------------------------------

  static int epollCreate() {
    MemorySegment c = scratch().errno;
    return ret(call(EPOLL_CREATE1, c, EPOLL_CLOEXEC, 0, 0, 0, 0, 0), c);
  }

  /** epoll_ctl with an event built in the thread's scratch memory. */
  static int epollCtl(int epfd, int op, int fd, int events, long data) {
    Scratch s = scratch();
    MemorySegment ev = s.opt;
    ev.set(JAVA_INT, 0, events);
    ev.set(JAVA_LONG.withByteAlignment(1), EPOLL_DATA_OFFSET, data);
    return ret(call(EPOLL_CTL, s.errno, epfd, op, fd, ptr(ev), 0, 0), s.errno);
  }

  static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) {
    MemorySegment c = scratch().errno;
    long r = callBlocking(EPOLL_WAIT, c, epfd, ptr(events), max, timeoutMillis);
    Reference.reachabilityFence(events);
    return ret(r, c);
  }

  /** {@return whether {@link #epollPwait2} may be called} */
  static boolean hasEpollPwait2() {
    return pwait2Works;
  }

  /**
   * Turns {@code epoll_pwait2} off or back on (if libc has it), as its failure with {@code ENOSYS}
   * does: for tests of the {@code epoll_wait} fallback.
   *
   * @param enabled whether to use it
   */
  static void useEpollPwait2(boolean enabled) {
    pwait2Works = enabled && EPOLL_PWAIT2 != null;
  }

  /**
   * {@code epoll_pwait2} with a timeout in nanoseconds (no signal mask), so a timer wakes the
   * thread at its deadline instead of up to a millisecond after it, as {@code epoll_wait}'s
   * millisecond timeout rounded up does. Falls back to {@link #epollWait} for good on {@code
   * ENOSYS} or {@code EPERM}.
   */
  static int epollPwait2(int epfd, MemorySegment events, int max, long timeoutNanos) {
    Scratch s = scratch();
    MemorySegment ts = s.opt;
    ts.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
    ts.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
    long r = callBlocking(EPOLL_PWAIT2, s.errno, epfd, ptr(events), max, ptr(ts));
    Reference.reachabilityFence(events);
    int n = ret(r, s.errno);
    if (n == -Errno.ENOSYS || n == -Errno.EPERM) {
      // ENOSYS: a kernel older than libc (before 5.11). EPERM: a seccomp filter that does not know
      // the call (older container runtimes' default profiles); epoll_wait never fails with it.
      pwait2Works = false;
      return epollWait(epfd, events, max, waitMillis(timeoutNanos));
    }
    return n;
  }

  /**
   * {@return {@code epoll_wait}'s timeout for {@code timeoutNanos}: -1 (no limit) for a negative
   * one, else whole milliseconds rounded up} Rounding down would return before the deadline and
   * make the caller poll again at once.
   */
  static int waitMillis(long timeoutNanos) {
    if (timeoutNanos < 0) {
      return -1;
    }
    long ms = timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 == 0 ? 0 : 1);
    return (int) Math.min(ms, Integer.MAX_VALUE);
  }

  static int eventfd(int initval) {
    MemorySegment c = scratch().errno;
    return ret(call(EVENTFD, c, initval, EFD_NONBLOCK | EFD_CLOEXEC, 0, 0, 0, 0), c);
  }

  /**
   * Adds {@code value} to an eventfd counter (an 8-byte {@code write} from the thread's scratch
   * memory, through {@link #CALL}: it never blocks on a non-blocking eventfd).
   */
  static long eventfdWrite(int efd, long value) {
    Scratch s = scratch();
    s.opt.set(JAVA_LONG, 0, value);
    return check(call(WRITE, s.errno, efd, ptr(s.opt), 8, 0, 0, 0), s.errno);
  }

  /** Reads (and so resets) an eventfd counter into the thread's scratch memory. */
  static long eventfdRead(int efd) {
    Scratch s = scratch();
    return check(call(READ, s.errno, efd, ptr(s.opt), 8, 0, 0, 0), s.errno);
  }

  // -- descriptors ----------------------------------------------------------------------------

  static long read(int fd, MemorySegment buf, long count) {
    MemorySegment c = scratch().errno;
    return check(callBuf(READ, c, fd, buf, count, 0, 0, 0), c);
  }

  static long write(int fd, MemorySegment buf, long count) {
    MemorySegment c = scratch().errno;
    return check(callBuf(WRITE, c, fd, buf, count, 0, 0, 0), c);
  }

  /** send(2) with MSG_NOSIGNAL: a write to a reset connection fails with EPIPE, not SIGPIPE. */
  static long send(int fd, MemorySegment buf, long count) {
    MemorySegment c = scratch().errno;
    return check(callBuf(SEND, c, fd, buf, count, MSG_NOSIGNAL, 0, 0), c);
  }

  static long readv(int fd, MemorySegment iov, int count) {
    MemorySegment c = scratch().errno;
    return check(call(READV, c, fd, ptr(iov), count, 0, 0, 0), c);
  }

  static long writev(int fd, MemorySegment iov, int count) {
    MemorySegment c = scratch().errno;
    return check(call(WRITEV, c, fd, ptr(iov), count, 0, 0, 0), c);
  }

  static int close(int fd) {
    MemorySegment c = scratch().errno;
    return ret(callBlocking(CLOSE, c, fd, 0, 0, 0), c);
  }

  /**
   * {@code pipe2(O_NONBLOCK | O_CLOEXEC)}: the read end's descriptor is left at offset 0 of {@code
   * s.opt}, the write end's at offset 4.
   */
  static int pipe2(Scratch s) {
    return ret(call(PIPE2, s.errno, ptr(s.opt), O_NONBLOCK | O_CLOEXEC, 0, 0, 0, 0), s.errno);
  }

  // -- sockets ----------------------------------------------------------------------------------

  static int socket(int domain, int type) {
    MemorySegment c = scratch().errno;
    return ret(call(SOCKET, c, domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0, 0, 0), c);
  }

  static int bind(int fd, MemorySegment addr, int len) {
    MemorySegment c = scratch().errno;
    return ret(call(BIND, c, fd, ptr(addr), len, 0, 0, 0), c);
  }

  static int listen(int fd, int backlog) {
    MemorySegment c = scratch().errno;
    return ret(call(LISTEN, c, fd, backlog, 0, 0, 0, 0), c);
  }

  /** accept4 without the peer address (read lazily with getpeername when asked). */
  static int accept(int fd) {
    MemorySegment c = scratch().errno;
    return ret(call(ACCEPT4, c, fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0), c);
  }

  static int connect(int fd, MemorySegment addr, int len) {
    MemorySegment c = scratch().errno;
    return ret(call(CONNECT, c, fd, ptr(addr), len, 0, 0, 0), c);
  }

  /** getsockopt of an int option; the value is returned through the scratch {@code opt}. */
  static int getIntOption(int fd, int level, int name, Scratch s) {
    s.len.set(JAVA_INT, 0, 4);
    return ret(call(GETSOCKOPT, s.errno, fd, level, name, ptr(s.opt), ptr(s.len), 0), s.errno);
  }

  static int setIntOption(int fd, int level, int name, int value) {
    Scratch s = scratch();
    s.opt.set(JAVA_INT, 0, value);
    return ret(call(SETSOCKOPT, s.errno, fd, level, name, ptr(s.opt), 4, 0), s.errno);
  }

  /** getsockname into {@code s.addr}; the length is left in {@code s.len}. */
  static int getsockname(int fd, Scratch s) {
    s.len.set(JAVA_INT, 0, (int) s.addr.byteSize());
    return ret(call(GETSOCKNAME, s.errno, fd, ptr(s.addr), ptr(s.len), 0, 0, 0), s.errno);
  }

  /** getpeername into {@code s.addr}; the length is left in {@code s.len}. */
  static int getpeername(int fd, Scratch s) {
    s.len.set(JAVA_INT, 0, (int) s.addr.byteSize());
    return ret(call(GETPEERNAME, s.errno, fd, ptr(s.addr), ptr(s.len), 0, 0, 0), s.errno);
  }

  static int shutdown(int fd, int how) {
    MemorySegment c = scratch().errno;
    return ret(call(SHUTDOWN, c, fd, how, 0, 0, 0, 0), c);
  }

  static long sendto(int fd, MemorySegment buf, long count, MemorySegment addr, int len) {
    MemorySegment c = scratch().errno;
    long r = callBuf(SENDTO, c, fd, buf, count, MSG_NOSIGNAL, ptr(addr), len);
    Reference.reachabilityFence(addr);
    return check(r, c);
  }

  /** recvfrom with the sender's address in {@code s.addr} (length in {@code s.len}). */
  static long recvfrom(int fd, MemorySegment buf, long count, Scratch s) {
    s.len.set(JAVA_INT, 0, (int) s.addr.byteSize());
    return check(callBuf(RECVFROM, s.errno, fd, buf, count, 0, ptr(s.addr), ptr(s.len)), s.errno);
  }
}
