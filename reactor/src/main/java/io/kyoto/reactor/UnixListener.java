package io.kyoto.reactor;

import io.kyoto.reactor.internal.ListenerHandle;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A non-blocking Unix domain stream listening socket, bound to a path in the file system.
 *
 * <p>Used like {@link TcpListener}: register for {@link Interest#READABLE} and {@link #accept()}
 * until it returns {@code null}. Binding fails if the path exists; closing the listener does not
 * remove the socket file (delete it yourself, as with any Unix socket).
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class UnixListener implements Source {
  private final ListenerHandle handle;

  private UnixListener(ListenerHandle handle) {
    this.handle = handle;
  }

  /**
   * Binds a listener at {@code path} on the default backend, with a backlog of 1024.
   *
   * @param path the socket file to create (at most 107 bytes long)
   * @return the listener
   * @throws IOException if the path exists or cannot be created
   */
  public static UnixListener bind(Path path) throws IOException {
    return bind(Backend.current(), path);
  }

  /**
   * Binds a listener at {@code path} on {@code backend}, with a backlog of 1024.
   *
   * @param backend the backend of the listener and its accepted streams
   * @param path the socket file to create (at most 107 bytes long)
   * @return the listener
   * @throws IOException if the path exists or cannot be created
   */
  public static UnixListener bind(Backend backend, Path path) throws IOException {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(path, "path");
    return new UnixListener(backend.provider().bindUnix(path, 1024));
  }

  /**
   * Accepts a pending connection.
   *
   * @return the connection, non-blocking and not registered; {@code null} if none is pending
   * @throws IOException if accepting fails
   */
  public UnixStream accept() throws IOException {
    StreamHandle stream = handle.accept();
    return stream == null ? null : new UnixStream(stream);
  }

  /**
   * The bound address.
   *
   * @return the bound address
   * @throws IOException if the listener is closed
   */
  public UnixDomainSocketAddress localAddress() throws IOException {
    return (UnixDomainSocketAddress) handle.localAddress();
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
    return "UnixListener{" + handle + "}";
  }
}
