package io.kyoto.web.internal.server;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.net.TcpStream;
import io.kyoto.runtime.tls.TlsAcceptor;
import io.kyoto.runtime.tls.TlsStream;
import java.util.function.Function;

/**
 * An HTTPS connection's task: the TLS handshake, bounded by the header-read timeout (a client that
 * connects and says nothing holds no more than an idle HTTP connection would), then the HTTP
 * connection over the TLS stream. A failed or timed-out handshake ends the task quietly with the
 * socket closed, as a malformed request does. Graceful shutdown closes a connection still in its
 * handshake at once, as the HTTP connection closes one holding a partial request head: no request
 * has reached the application yet.
 */
public final class TlsConnection implements Future<Void> {
  /** Looked up on first use, as the HTTP connection's logger. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.web.HttpServer");

    private Log() {}
  }

  private final Function<TlsStream<TcpStream>, Future<Void>> http;
  private final ServerContext server;
  private Future<TlsStream<TcpStream>> handshake;
  private Future<Void> shutdownSignal;
  private Future<Void> connection;

  /**
   * Creates the task.
   *
   * @param acceptor the server's TLS settings
   * @param stream the accepted socket, owned by this task from now on
   * @param config the server settings (the handshake's deadline is the header-read timeout)
   * @param server the server's shared state (graceful shutdown)
   * @param http makes the HTTP connection over the established TLS stream
   */
  public TlsConnection(
      TlsAcceptor acceptor,
      TcpStream stream,
      ServerConfig config,
      ServerContext server,
      Function<TlsStream<TcpStream>, Future<Void>> http) {
    this.http = http;
    this.server = server;
    this.handshake = Time.timeout(config.headerReadTimeout(), acceptor.accept(stream));
  }

  @Override
  public Poll<Void> poll(Context cx) throws Exception {
    if (connection == null) {
      Poll<TlsStream<TcpStream>> p;
      try {
        p = handshake.poll(cx);
      } catch (Exception e) {
        // Not TLS, an alert, a timeout: the acceptor closed the socket. Nothing to answer.
        Log.LOG.log(System.Logger.Level.DEBUG, "TLS handshake failed", e);
        return Poll.ready(null);
      }
      if (p.isPending()) {
        if (shutdownSignal == null) {
          shutdownSignal = server.shutdownSignal();
        }
        if (shutdownSignal.poll(cx).isReady()) {
          shutdownSignal = null;
          handshake.cancel(); // closes the socket
          handshake = null;
          return Poll.ready(null);
        }
        return Poll.pending();
      }
      handshake = null;
      if (shutdownSignal != null) {
        shutdownSignal.cancel();
        shutdownSignal = null;
      }
      connection = http.apply(p.value());
    }
    return connection.poll(cx);
  }

  @Override
  public void cancel() {
    if (shutdownSignal != null) {
      shutdownSignal.cancel();
    }
    if (handshake != null) {
      handshake.cancel(); // closes the socket
    }
    if (connection != null) {
      connection.cancel();
    }
  }
}
