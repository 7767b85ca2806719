package io.kyoto.runtime.tls;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.IOException;
import java.net.InetAddress;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The client side of TLS: tokio-rustls's {@code TlsConnector}. It checks the server's certificate
 * against the context's trust store and the name it was given (as HTTPS clients do), and sends that
 * name in SNI.
 *
 * {@snippet :
 * TlsConnector tls = TlsConnector.withDefaults().alpn("http/1.1");
 * Future<TlsStream<TcpStream>> conn = TcpStream.connect("example.com:443")
 *     .flatMap(tcp -> tls.connect("example.com", tcp));
 * }
 *
 * <p><b>Thread safety:</b> immutable; share one connector.
 */
public final class TlsConnector {
  private final SSLContext context;
  private final List<String> alpn;
  private final boolean verifyHostname;

  private TlsConnector(SSLContext context, List<String> alpn, boolean verifyHostname) {
    this.context = context;
    this.alpn = alpn;
    this.verifyHostname = verifyHostname;
  }

  /**
   * {@return a connector on the JDK's default context} It trusts the JDK's CA certificates (or
   * those of {@code javax.net.ssl.trustStore}).
   *
   * @throws IllegalStateException if the JDK has no default TLS context
   */
  public static TlsConnector withDefaults() {
    try {
      return of(SSLContext.getDefault());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  /**
   * {@return a connector on {@code context}} Its trust managers decide which servers are trusted;
   * its key managers give a client certificate if a server asks for one. As {@link TlsAcceptor#of},
   * it runs a handshake in memory first, so that the JDK's TLS code is loaded here and not in the
   * first connection's poll.
   *
   * @param context an initialised TLS context
   */
  public static TlsConnector of(SSLContext context) {
    Objects.requireNonNull(context, "context");
    Warmup.handshake(context, context);
    return new TlsConnector(context, List.of(), true);
  }

  /**
   * {@return a connector that offers these ALPN protocols, most preferred first} See {@link
   * TlsStream#applicationProtocol()} for the one chosen.
   *
   * @param protocols for example {@code "h2"}, {@code "http/1.1"}
   */
  public TlsConnector alpn(String... protocols) {
    return new TlsConnector(context, List.of(protocols), verifyHostname);
  }

  /**
   * {@return a connector that does not check that the certificate names the server} The chain is
   * still checked against the trust store. Only for tests and for peers reached by a name their
   * certificate does not carry; it makes a man in the middle with any trusted certificate possible.
   */
  public TlsConnector withoutHostnameVerification() {
    return new TlsConnector(context, alpn, false);
  }

  /**
   * {@return a future of the TLS session over {@code stream}, once the handshake is done} The
   * future owns {@code stream} until then: if the handshake fails (an untrusted certificate, a name
   * mismatch, a peer that is not speaking TLS) or the future is cancelled, {@code stream} is
   * closed. Failures are the JDK's {@link javax.net.ssl.SSLHandshakeException}s, whose message says
   * what was wrong.
   *
   * <p>Server names are taken as rustls takes them. A DNS name is checked against the certificate's
   * names and sent in SNI; internationalised names are sent in their ASCII ({@code xn--}) form. A
   * name with {@code '_'} (as {@code my_bucket.example.com}), which DNS names may hold but the
   * JDK's SNI and host-name check refuse, is checked by this connector against the certificate's
   * DNS subject alternative names (exact, or a {@code *.} wildcard for the first label) once the
   * handshake is done and before the stream is handed out (a client certificate the server asked
   * for has been sent by then), and is <em>not</em> sent in SNI: a server that picks its
   * certificate by SNI gives its default one. An IP address gets no SNI (as in rustls) and is
   * checked against the certificate's IP addresses. Anything else (an empty label as in {@code
   * "a..b"}, a space, a port) fails the future with an {@link IOException} "invalid TLS server
   * name", as rustls refuses an invalid DNS name, before anything is sent.
   *
   * @param serverName the server's host name or an IP address literal; a fully qualified name's
   *     trailing dot, as in {@code "example.com."}, is dropped for SNI and the check
   * @param stream a connected stream
   * @param <S> the stream's type
   */
  public <S extends AsyncRead & AsyncWrite> Future<TlsStream<S>> connect(
      String serverName, S stream) {
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(stream, "stream");
    // "example.com." names the same host; SNI may not carry the dot (RFC 6066 section 3), and the
    // JDK's SNIHostName refuses it. rustls and curl drop it for SNI and the certificate check.
    String name =
        serverName.length() > 1 && serverName.endsWith(".")
            ? serverName.substring(0, serverName.length() - 1)
            : serverName;
    boolean ip = isIpLiteral(name);
    SNIHostName sni = ip ? null : sniHostName(name);
    boolean jdkRefusesName = !ip && sni == null; // then DnsNames checks the name
    String invalid = jdkRefusesName ? DnsNames.invalidReason(name) : null;
    return new Handshake<>(
        stream,
        () -> {
          if (invalid != null) {
            // from the future, which closes the stream it owns
            throw new IOException("invalid TLS server name \"" + serverName + "\": " + invalid);
          }
          SSLEngine engine = context.createSSLEngine(name, -1);
          engine.setUseClientMode(true);
          SSLParameters params = engine.getSSLParameters();
          params.setServerNames(sni == null ? List.of() : List.of(sni));
          if (verifyHostname && !jdkRefusesName) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
          }
          if (!alpn.isEmpty()) {
            params.setApplicationProtocols(alpn.toArray(String[]::new));
          }
          engine.setSSLParameters(params);
          return engine;
        },
        verifyHostname && jdkRefusesName ? session -> DnsNames.verify(session, name) : null);
  }

  /** {@return the SNI name for {@code host}, or null if the JDK refuses it (as with '_')} */
  private static SNIHostName sniHostName(String host) {
    try {
      return new SNIHostName(host);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isIpLiteral(String host) {
    try {
      InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "TlsConnector[" + context.getProtocol() + ", alpn=" + alpn + "]";
  }
}
