package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;

/** Integer socket options for any descriptor handle. */
final class Options {
  private Options() {}

  static void setInt(FdHandle handle, int level, int name, int value, String label)
      throws IOException {
    int fd = handle.acquire();
    try {
      int r = Syscalls.setIntOption(fd, level, name, value);
      if (r < 0) {
        throw Errno.exception("setsockopt(" + label + ")", -r);
      }
    } finally {
      handle.release();
    }
  }

  static int getInt(FdHandle handle, int level, int name, String label) throws IOException {
    int fd = handle.acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      int r = Syscalls.getIntOption(fd, level, name, s);
      if (r < 0) {
        throw Errno.exception("getsockopt(" + label + ")", -r);
      }
      return s.opt.get(JAVA_INT, 0);
    } finally {
      handle.release();
    }
  }
}
