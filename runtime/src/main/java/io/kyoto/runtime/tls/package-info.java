/**
 * TLS over any asynchronous stream: what {@code tokio-rustls} and {@code tokio-native-tls} are to
 * tokio, on the JDK's {@link javax.net.ssl.SSLEngine}.
 *
 * <p>{@link io.kyoto.runtime.tls.TlsConnector} runs the client side of the handshake (with SNI and
 * host-name verification), {@link io.kyoto.runtime.tls.TlsAcceptor} the server side; both give a
 * {@link io.kyoto.runtime.tls.TlsStream}, which is an {@link io.kyoto.runtime.io.AsyncRead} and
 * {@link io.kyoto.runtime.io.AsyncWrite} like the stream it wraps.
 *
 * {@snippet :
 * Future<TlsStream<TcpStream>> tls = TcpStream.connect("example.com:443")
 *     .flatMap(tcp -> TlsConnector.withDefaults().connect("example.com", tcp));
 * }
 *
 * <p>Certificates, keys, protocol versions and cipher suites come from the {@link
 * javax.net.ssl.SSLContext} given to the connector or acceptor: key stores, trust stores and system
 * properties work as for any JDK TLS code.
 */
package io.kyoto.runtime.tls;
