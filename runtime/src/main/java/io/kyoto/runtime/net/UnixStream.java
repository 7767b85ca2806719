package io.kyoto.runtime.net;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.internal.io.StreamCore;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A Unix domain stream socket on the runtime's I/O driver: tokio's {@code UnixStream}.
 *
 * <p><b>Thread safety:</b> one reading task and one writing task at a time.
 */
public final class UnixStream extends StreamSocket {
  private final io.kyoto.reactor.UnixStream raw;

  UnixStream(StreamCore core) {
    super(core);
    this.raw = ((UnixRaw) core.raw()).stream();
  }

  /**
   * Connects to the socket at {@code path}.
   *
   * <p><b>Cancel safety:</b> cancel safe: cancelling closes the socket being connected.
   *
   * @param path the socket's path
   * @return a future of the connected stream
   */
  public static Future<UnixStream> connect(Path path) {
    Objects.requireNonNull(path, "path");
    return Futures.lazy(
        () ->
            new Connecting<>(
                List.of(path),
                (backend, p) -> new UnixRaw(io.kyoto.reactor.UnixStream.connect(backend, p)),
                UnixStream::new));
  }

  /**
   * {@return the local address}
   *
   * @throws IOException if the socket is closed
   */
  public SocketAddress localAddress() throws IOException {
    return raw.localAddress();
  }

  /**
   * {@return the peer's address}
   *
   * @throws IOException if the socket is closed
   */
  public SocketAddress peerAddress() throws IOException {
    return raw.peerAddress();
  }

  @Override
  public String toString() {
    return "UnixStream{" + raw + "}";
  }
}
