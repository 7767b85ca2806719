package io.kyoto.reactor.internal.epoll;

import io.kyoto.reactor.NativeIoException;
import java.io.IOException;

/** Linux {@code errno} values the backend tests for, and the names and texts of common ones. */
final class Errno {
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int ENOSYS = 38;
  static final int EBADF = 9;
  static final int EAGAIN = 11;
  static final int EEXIST = 17;
  static final int EPIPE = 32;
  static final int ENOTCONN = 107;
  static final int EISCONN = 106;
  static final int EALREADY = 114;
  static final int EINPROGRESS = 115;

  // errno -> {name, description}; the texts are glibc's strerror() for each value.
  private static final String[][] TABLE = new String[134][];

  static {
    put(1, "EPERM", "Operation not permitted");
    put(2, "ENOENT", "No such file or directory");
    put(4, "EINTR", "Interrupted system call");
    put(5, "EIO", "Input/output error");
    put(9, "EBADF", "Bad file descriptor");
    put(11, "EAGAIN", "Resource temporarily unavailable");
    put(12, "ENOMEM", "Cannot allocate memory");
    put(13, "EACCES", "Permission denied");
    put(14, "EFAULT", "Bad address");
    put(17, "EEXIST", "File exists");
    put(20, "ENOTDIR", "Not a directory");
    put(22, "EINVAL", "Invalid argument");
    put(23, "ENFILE", "Too many open files in system");
    put(24, "EMFILE", "Too many open files");
    put(28, "ENOSPC", "No space left on device");
    put(32, "EPIPE", "Broken pipe");
    put(36, "ENAMETOOLONG", "File name too long");
    put(88, "ENOTSOCK", "Socket operation on non-socket");
    put(90, "EMSGSIZE", "Message too long");
    put(92, "ENOPROTOOPT", "Protocol not available");
    put(93, "EPROTONOSUPPORT", "Protocol not supported");
    put(95, "EOPNOTSUPP", "Operation not supported");
    put(97, "EAFNOSUPPORT", "Address family not supported by protocol");
    put(98, "EADDRINUSE", "Address already in use");
    put(99, "EADDRNOTAVAIL", "Cannot assign requested address");
    put(100, "ENETDOWN", "Network is down");
    put(101, "ENETUNREACH", "Network is unreachable");
    put(103, "ECONNABORTED", "Software caused connection abort");
    put(104, "ECONNRESET", "Connection reset by peer");
    put(105, "ENOBUFS", "No buffer space available");
    put(106, "EISCONN", "Transport endpoint is already connected");
    put(107, "ENOTCONN", "Transport endpoint is not connected");
    put(110, "ETIMEDOUT", "Connection timed out");
    put(111, "ECONNREFUSED", "Connection refused");
    put(113, "EHOSTUNREACH", "No route to host");
    put(114, "EALREADY", "Operation already in progress");
    put(115, "EINPROGRESS", "Operation now in progress");
  }

  private Errno() {}

  private static void put(int errno, String name, String text) {
    TABLE[errno] = new String[] {name, text};
  }

  /** The symbolic name of {@code errno}, or {@code "errno N"}. */
  static String name(int errno) {
    return errno > 0 && errno < TABLE.length && TABLE[errno] != null
        ? TABLE[errno][0]
        : "errno " + errno;
  }

  /** The description of {@code errno}, or {@code "Unknown error N"}. */
  static String description(int errno) {
    return errno > 0 && errno < TABLE.length && TABLE[errno] != null
        ? TABLE[errno][1]
        : "Unknown error " + errno;
  }

  /** The exception for a failed {@code operation}. */
  static NativeIoException exception(String operation, int errno) {
    return new NativeIoException(operation, errno, name(errno), description(errno));
  }

  /**
   * The exception for a failed connect: for the usual errors the JDK's type, as the nio backend
   * throws ({@link java.net.ConnectException} for a refused or timed-out connect, {@link
   * java.net.NoRouteToHostException} for an unreachable host or network), with the same message and
   * the {@link NativeIoException} (its errno) as cause; else the native exception itself.
   */
  static IOException connectFailure(String operation, int errno) {
    NativeIoException n = exception(operation, errno);
    IOException typed =
        switch (errno) {
          case 110, 111 -> new java.net.ConnectException(n.getMessage()); // ETIMEDOUT, REFUSED
          case 101, 113 -> new java.net.NoRouteToHostException(n.getMessage()); // NET/HOSTUNREACH
          default -> null;
        };
    if (typed == null) {
      return n;
    }
    typed.initCause(n);
    return typed;
  }

  /**
   * The exception for a failed bind: a {@link java.net.BindException} (as the nio backend throws)
   * for an address in use or not available, or access denied (a privileged port), with the {@link
   * NativeIoException} as cause; else the native exception itself.
   */
  static IOException bindFailure(String operation, int errno) {
    NativeIoException n = exception(operation, errno);
    if (errno != 98 && errno != 99 && errno != 13) { // EADDRINUSE, EADDRNOTAVAIL, EACCES
      return n;
    }
    IOException typed = new java.net.BindException(n.getMessage());
    typed.initCause(n);
    return typed;
  }
}
