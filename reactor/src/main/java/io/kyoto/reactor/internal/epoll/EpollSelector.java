package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.kyoto.reactor.internal.EventBuffer;
import io.kyoto.reactor.internal.Readiness;
import io.kyoto.reactor.internal.SelectorHandle;
import io.kyoto.reactor.internal.SourceHandle;
import io.kyoto.reactor.internal.WakerHandle;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll instance in edge-triggered mode.
 *
 * <p>Every source is added with {@code EPOLLET} and the caller's token as {@code epoll_data.u64},
 * so an event maps to a token without a lookup table. Readable interest is {@code EPOLLIN |
 * EPOLLRDHUP} (so a half-close is reported), writable interest {@code EPOLLOUT}. Errors and
 * hang-ups ({@code EPOLLERR}, {@code EPOLLHUP}) are reported as readable and writable too: the next
 * operation then returns the end of stream or throws the error, whichever interest the owner waits
 * on.
 *
 * <p>Lifetime: the owning {@code Poll} guarantees that no thread is inside {@link #select} or any
 * other method when {@link #close} runs. The event array is therefore freed by a shared arena
 * closed in {@code close}; {@link #select} is confined to one thread at a time, which is the only
 * writer of {@code events}.
 */
final class EpollSelector implements SelectorHandle {
  /** The token of the descriptor that {@link #interrupt} adds to wake a blocked poll. */
  static final long INTERRUPT_TOKEN = Long.MIN_VALUE;

  private static final ValueLayout.OfLong DATA = JAVA_LONG.withByteAlignment(1);

  private final int epfd;
  private final Arena arena = Arena.ofShared();
  private MemorySegment events;
  private int eventCapacity;
  // Descriptors owned by this selector besides epfd; written by createWaker/interrupt (each at
  // most once, guarded by Poll) and read by close, which Poll runs after every other call.
  private volatile int wakerFd = -1;
  private volatile int interruptFd = -1;
  // Set by close; sources registered here may then register with another selector.
  private volatile boolean closed;

  EpollSelector(int epfd) {
    this.epfd = epfd;
  }

  private static int flags(int interest) {
    int flags = Syscalls.EPOLLET;
    if ((interest & Readiness.READABLE) != 0) {
      flags |= Syscalls.EPOLLIN | Syscalls.EPOLLRDHUP;
    }
    if ((interest & Readiness.WRITABLE) != 0) {
      flags |= Syscalls.EPOLLOUT;
    }
    return flags;
  }

  private static FdHandle fdHandle(SourceHandle source) {
    return (FdHandle) source;
  }

  @Override
  public void register(SourceHandle source, long token, int interest) throws IOException {
    FdHandle handle = fdHandle(source);
    if (!handle.claim(this)) {
      throw new IOException(
          handle.claimedBy(this)
              ? "register: the source is already registered with this Poll; use reregister"
              : "register: the source is registered with another Poll; deregister it there first");
    }
    boolean added = false;
    try {
      control(handle, Syscalls.EPOLL_CTL_ADD, flags(interest), token, "register");
      added = true;
    } finally {
      if (!added) {
        handle.unclaim(this);
      }
    }
  }

  @Override
  public void reregister(SourceHandle source, long token, int interest) throws IOException {
    FdHandle handle = fdHandle(source);
    if (!handle.claimedBy(this)) {
      throw new IOException("reregister: the source is not registered with this Poll");
    }
    control(handle, Syscalls.EPOLL_CTL_MOD, flags(interest), token, "reregister");
  }

  @Override
  public void deregister(SourceHandle source) throws IOException {
    FdHandle handle = fdHandle(source);
    if (!handle.claimedBy(this)) {
      throw new IOException("deregister: the source is not registered with this Poll");
    }
    control(handle, Syscalls.EPOLL_CTL_DEL, 0, 0, "deregister");
    handle.unclaim(this);
  }

  private void control(FdHandle handle, int op, int flags, long token, String what)
      throws IOException {
    int fd = handle.acquire();
    try {
      int r = Syscalls.epollCtl(epfd, op, fd, flags, token);
      if (r < 0) {
        int errno = -r;
        if (errno == Errno.EEXIST) {
          throw new IOException(what + ": the source is already registered");
        }
        if (errno == Errno.ENOENT) {
          throw new IOException(what + ": the source is not registered with this Poll");
        }
        throw Errno.exception("epoll_ctl (" + what + ")", errno);
      }
    } finally {
      handle.release();
    }
  }

  @Override
  public void select(EventBuffer out, long timeoutNanos) throws IOException {
    out.clear();
    int max = out.capacity();
    if (max > eventCapacity) {
      events = arena.allocate(max * Syscalls.EPOLL_EVENT_SIZE, 8);
      eventCapacity = max;
    }
    MemorySegment ev = events;
    int n =
        timeoutNanos > 0 && Syscalls.hasEpollPwait2()
            ? Syscalls.epollPwait2(epfd, ev, max, timeoutNanos)
            : Syscalls.epollWait(epfd, ev, max, Syscalls.waitMillis(timeoutNanos));
    if (n < 0) {
      if (-n == Errno.EINTR) {
        return; // a signal: an early, empty return is allowed
      }
      throw Errno.exception("epoll_wait", -n);
    }
    for (int i = 0; i < n; i++) {
      long offset = i * Syscalls.EPOLL_EVENT_SIZE;
      int flags = ev.get(JAVA_INT, offset);
      long token = ev.get(DATA, offset + Syscalls.EPOLL_DATA_OFFSET);
      out.add(token, readiness(flags));
    }
  }

  /** Maps epoll flags to {@link Readiness} bits, as mio's {@code sys/unix/selector/epoll.rs}. */
  static int readiness(int flags) {
    int bits = 0;
    if ((flags & (Syscalls.EPOLLIN | Syscalls.EPOLLPRI)) != 0) {
      bits |= Readiness.READABLE;
    }
    if ((flags & Syscalls.EPOLLPRI) != 0) {
      bits |= Readiness.PRIORITY;
    }
    if ((flags & Syscalls.EPOLLOUT) != 0) {
      bits |= Readiness.WRITABLE;
    }
    boolean hup = (flags & Syscalls.EPOLLHUP) != 0;
    boolean err = (flags & Syscalls.EPOLLERR) != 0;
    if (hup || ((flags & Syscalls.EPOLLIN) != 0 && (flags & Syscalls.EPOLLRDHUP) != 0)) {
      bits |= Readiness.READ_CLOSED;
    }
    if (hup || err) {
      bits |= Readiness.WRITE_CLOSED | Readiness.READABLE | Readiness.WRITABLE;
    }
    if (err) {
      bits |= Readiness.ERROR;
    }
    return bits;
  }

  @Override
  public WakerHandle createWaker(long token) throws IOException {
    int efd = Syscalls.eventfd(0);
    if (efd < 0) {
      throw Errno.exception("eventfd", -efd);
    }
    int r = Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_ADD, efd, flags(Readiness.READABLE), token);
    if (r < 0) {
      Syscalls.close(efd);
      throw Errno.exception("epoll_ctl (waker)", -r);
    }
    wakerFd = efd;
    return new EpollWaker(efd);
  }

  /**
   * Wakes a thread blocked in {@link #select} for {@code Poll.close()}: adds an eventfd that is
   * already readable, which wakes {@code epoll_wait}. The poll is closed afterwards, so the event
   * (token {@link #INTERRUPT_TOKEN}) is at most one spurious event of the last poll.
   */
  @Override
  public void interrupt() throws IOException {
    int efd = Syscalls.eventfd(1);
    if (efd < 0) {
      throw Errno.exception("eventfd", -efd);
    }
    interruptFd = efd;
    int r = Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_ADD, efd, Syscalls.EPOLLIN, INTERRUPT_TOKEN);
    if (r < 0) {
      throw Errno.exception("epoll_ctl (interrupt)", -r);
    }
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    int w = wakerFd;
    if (w >= 0) {
      Syscalls.close(w);
    }
    int i = interruptFd;
    if (i >= 0) {
      Syscalls.close(i);
    }
    int r = Syscalls.close(epfd);
    arena.close();
    if (r < 0 && -r != Errno.EINTR) {
      throw Errno.exception("close (epoll)", -r);
    }
  }
}
