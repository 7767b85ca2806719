package io.kyoto.reactor;

import io.kyoto.reactor.internal.ListenOptions;
import io.kyoto.reactor.internal.ListenerHandle;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A non-blocking TCP listening socket.
 *
 * <p>Register it for {@link Interest#READABLE}; on each event, {@link #accept()} until it returns
 * {@code null} (the draining rule of {@link Poll}). Accepted streams are non-blocking, belong to
 * the same {@link Backend} and are not registered.
 *
 * <p>{@link #bind(InetSocketAddress)} sets {@code SO_REUSEADDR} (so a restarted server can bind
 * while old connections linger in TIME_WAIT) and a backlog of 1024; {@link #builder()} sets {@code
 * SO_REUSEPORT}, the backlog and the backend.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class TcpListener implements Source {
  private final ListenerHandle handle;

  private TcpListener(ListenerHandle handle) {
    this.handle = handle;
  }

  /**
   * Binds a listener on the default backend with {@code SO_REUSEADDR} and a backlog of 1024.
   *
   * @param address the address; port 0 picks a free port (see {@link #localAddress()})
   * @return the listening socket
   * @throws IOException if the address is in use or cannot be bound
   */
  public static TcpListener bind(InetSocketAddress address) throws IOException {
    return builder().bind(address);
  }

  /** {@return a builder for listener options: backend, reuse of address and port, backlog} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Accepts a pending connection.
   *
   * @return the connection, non-blocking and not registered; {@code null} if none is pending
   * @throws IOException if accepting fails (for example, too many open files)
   */
  public TcpStream accept() throws IOException {
    StreamHandle stream = handle.accept();
    return stream == null ? null : new TcpStream(stream);
  }

  /**
   * The bound address, with the actual port when bound to port 0.
   *
   * @return the bound address, with the actual port when bound to port 0
   * @throws IOException if the listener is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) handle.localAddress();
  }

  @Override
  public boolean isOpen() {
    return handle.isOpen();
  }

  @Override
  public void close() throws IOException {
    handle.close();
  }

  ListenerHandle handle() {
    return handle;
  }

  @Override
  public String toString() {
    try {
      return "TcpListener{" + localAddress() + ", " + handle.backendName() + "}";
    } catch (IOException e) {
      return "TcpListener{closed, " + handle.backendName() + "}";
    }
  }

  /** Options for a {@link TcpListener}, applied before binding. */
  public static final class Builder {
    private Backend backend;
    private boolean reuseAddress = true;
    private boolean reusePort;
    private int backlog = 1024;

    private Builder() {}

    /**
     * The backend of the listener and its accepted streams; the default is {@link
     * Backend#current()}.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(Backend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Sets {@code SO_REUSEADDR}; on by default.
     *
     * @param on whether to set the option
     * @return this builder
     */
    public Builder reuseAddress(boolean on) {
      this.reuseAddress = on;
      return this;
    }

    /**
     * Sets {@code SO_REUSEPORT}, letting several listeners (typically one per thread) bind the same
     * address, with the kernel spreading connections over them; off by default.
     *
     * @param on whether to set the option
     * @return this builder
     */
    public Builder reusePort(boolean on) {
      this.reusePort = on;
      return this;
    }

    /**
     * The accept queue length; 1024 by default. The kernel caps it ({@code net.core.somaxconn}).
     *
     * @param backlog the queue length
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder backlog(int backlog) {
      if (backlog < 1) {
        throw new IllegalArgumentException("backlog must be positive, was " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * Creates the socket, applies the options, binds and listens.
     *
     * @param address the address; port 0 picks a free port
     * @return the listener
     * @throws IOException if the address is in use or cannot be bound
     */
    public TcpListener bind(InetSocketAddress address) throws IOException {
      Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("address is unresolved: " + address);
      }
      Backend b = backend != null ? backend : Backend.current();
      return new TcpListener(
          b.provider().bindTcp(address, new ListenOptions(reuseAddress, reusePort, backlog)));
    }
  }
}
