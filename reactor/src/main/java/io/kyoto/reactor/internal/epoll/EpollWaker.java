package io.kyoto.reactor.internal.epoll;

import io.kyoto.reactor.internal.WakerHandle;
import java.io.IOException;

/**
 * Wakes an epoll selector by writing to an {@code eventfd} registered with {@code EPOLLET}.
 *
 * <p>Each write is a new edge, so the counter need not be drained for the next wake to be seen; it
 * only grows. Should it ever reach its maximum (2^64 - 2 wakes) the write fails with {@code
 * EAGAIN}; the waker then reads the counter back to zero and writes again.
 */
final class EpollWaker implements WakerHandle {
  private final int efd;

  EpollWaker(int efd) {
    this.efd = efd;
  }

  @Override
  public void wake() throws IOException {
    while (true) {
      long r = Syscalls.eventfdWrite(efd, 1L);
      if (r == 8 || r == -Errno.EINTR) {
        if (r == 8) {
          return;
        }
        continue;
      }
      if (r == -Errno.EAGAIN) {
        Syscalls.eventfdRead(efd);
        continue;
      }
      throw Errno.exception("write (eventfd waker)", (int) -r);
    }
  }
}
