package io.kyoto.runtime.tls;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The server side of TLS: tokio-rustls's {@code TlsAcceptor}. The context's key managers give the
 * server's certificate and key.
 *
 * {@snippet :
 * TlsAcceptor tls = TlsAcceptor.of(context);
 * listener.incoming().forEach(tcp -> Task.spawn(
 *     tls.accept(tcp).flatMap(conn -> Io.using(conn, c -> Io.copy(c, c)))));
 * }
 *
 * <p><b>Thread safety:</b> immutable; share one acceptor.
 */
public final class TlsAcceptor {
  /** Whether the server asks clients for a certificate. */
  public enum ClientAuth {
    /** Clients are not asked for a certificate (the default). */
    NONE,
    /** Clients are asked; one without a certificate is still accepted. */
    WANT,
    /** Clients must present a certificate the context's trust managers accept. */
    NEED
  }

  private final SSLContext context;
  private final List<String> alpn;
  private final ClientAuth clientAuth;

  private TlsAcceptor(SSLContext context, List<String> alpn, ClientAuth clientAuth) {
    this.context = context;
    this.alpn = alpn;
    this.clientAuth = clientAuth;
  }

  /**
   * {@return an acceptor on {@code context}} It runs one handshake in memory first (tens to
   * hundreds of milliseconds, once per process), so that the JDK's TLS code is loaded here rather
   * than in the first connection's poll on a runtime thread: create acceptors while configuring,
   * not inside tasks.
   *
   * @param context an initialised TLS context with a key manager holding the server's key and
   *     certificate chain
   */
  public static TlsAcceptor of(SSLContext context) {
    Objects.requireNonNull(context, "context");
    Warmup.handshake(context, context);
    return new TlsAcceptor(context, List.of(), ClientAuth.NONE);
  }

  /**
   * {@return an acceptor that chooses among these ALPN protocols, most preferred first} A client
   * that offers none of them fails the handshake ({@code no_application_protocol}); one that offers
   * no ALPN at all is accepted without a protocol.
   *
   * @param protocols for example {@code "h2"}, {@code "http/1.1"}
   */
  public TlsAcceptor alpn(String... protocols) {
    return new TlsAcceptor(context, List.of(protocols), clientAuth);
  }

  /**
   * {@return an acceptor that asks clients for certificates as {@code auth} says}
   *
   * @param auth none, wanted, or needed
   */
  public TlsAcceptor clientAuth(ClientAuth auth) {
    return new TlsAcceptor(context, alpn, Objects.requireNonNull(auth, "auth"));
  }

  /**
   * {@return a future of the TLS session over {@code stream}, once the handshake is done} The
   * future owns {@code stream} until then: if the handshake fails or the future is cancelled,
   * {@code stream} is closed. Bound it with a timeout: a client that connects and sends nothing
   * holds it forever.
   *
   * @param stream an accepted stream
   * @param <S> the stream's type
   */
  public <S extends AsyncRead & AsyncWrite> Future<TlsStream<S>> accept(S stream) {
    Objects.requireNonNull(stream, "stream");
    return new Handshake<>(
        stream,
        () -> {
          SSLEngine engine = context.createSSLEngine();
          engine.setUseClientMode(false);
          SSLParameters params = engine.getSSLParameters();
          switch (clientAuth) {
            case NEED -> params.setNeedClientAuth(true);
            case WANT -> params.setWantClientAuth(true);
            case NONE -> {
              // nothing asked
            }
          }
          if (!alpn.isEmpty()) {
            params.setApplicationProtocols(alpn.toArray(String[]::new));
          }
          engine.setSSLParameters(params);
          return engine;
        });
  }

  @Override
  public String toString() {
    return "TlsAcceptor["
        + context.getProtocol()
        + ", alpn="
        + alpn
        + ", clientAuth="
        + clientAuth
        + "]";
  }
}
