package io.kyoto.reactor;

import java.io.IOException;

/**
 * An operating-system error reported by the {@link Backend#EPOLL epoll} backend, carrying its
 * {@code errno}.
 *
 * <p>The message names the operation, the system's description and the symbolic name, for example
 * {@code "connect: Connection refused (ECONNREFUSED)"}. The usual connect and bind failures come as
 * the JDK's types on both backends ({@link java.net.ConnectException}, {@link
 * java.net.NoRouteToHostException}, {@link java.net.BindException}), with this exception as their
 * cause on epoll; other errors are this exception itself on epoll and the JDK's on nio, so code
 * that must run on both backends catches {@link IOException}.
 */
public class NativeIoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int errno;
  private final String errnoName;

  /**
   * Creates the exception.
   *
   * @param operation the system call or operation that failed, e.g. {@code "connect"}
   * @param errno the error number
   * @param errnoName the symbolic name, e.g. {@code "ECONNREFUSED"}
   * @param description the system's description, e.g. {@code "Connection refused"}
   */
  public NativeIoException(String operation, int errno, String errnoName, String description) {
    super(operation + ": " + description + " (" + errnoName + ")");
    this.errno = errno;
    this.errnoName = errnoName;
  }

  /** {@return the error number ({@code errno})} */
  public int errno() {
    return errno;
  }

  /** {@return the symbolic name of {@link #errno()}, e.g. {@code "ECONNRESET"}} */
  public String errnoName() {
    return errnoName;
  }
}
