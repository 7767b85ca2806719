package io.kyoto.runtime.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.net.TcpStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TlsConnector}, {@link TlsAcceptor} and {@link TlsStream} over real TCP, against each other
 * and against independent implementations (the JDK's blocking {@code SSLSocket}, curl).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
  @TempDir static Path certs;
  static SSLContext server;
  static SSLContext client;
  static Path certPem;
  static TrustManagerFactory trust;

  private final Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();

  /** A self-signed EC certificate for localhost and 127.0.0.1, made with the JDK's keytool. */
  @BeforeAll
  static void makeCertificate() throws Exception {
    Path ks = certs.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "kyoto",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        ks.toString(),
        "-storepass",
        "changeit",
        "-storetype",
        "PKCS12");
    certPem = certs.resolve("cert.pem");
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "kyoto",
        "-keystore",
        ks.toString(),
        "-storepass",
        "changeit",
        "-file",
        certPem.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    trust = tmf;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + List.of(command));
    assertEquals(0, p.exitValue(), out);
  }

  @AfterEach
  void close() {
    rt.close();
  }

  /** Serves one TLS connection with {@code handler}; returns the bound address. */
  private InetSocketAddress serveOne(
      TlsAcceptor acceptor, ThrowingFunction<TlsStream<TcpStream>, Future<Void>> handler)
      throws Exception {
    TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
    serverTask =
        rt.spawn(
            listener
                .accept()
                .flatMap(acceptor::accept)
                .flatMap(tls -> Io.using(tls, handler))
                .inspect(v -> listener.close()));
    return listener.localAddress();
  }

  private JoinHandle<Void> serverTask;

  private Future<TlsStream<TcpStream>> connect(
      TlsConnector connector, String name, InetSocketAddress addr) {
    return TcpStream.connect(addr).flatMap(tcp -> connector.connect(name, tcp));
  }

  @Test
  void aMegabyteEchoesBackThroughTls() throws Exception {
    InetSocketAddress addr = serveOne(TlsAcceptor.of(server), tls -> Io.copy(tls, tls).discard());
    byte[] data = new byte[1 << 20];
    new Random(1).nextBytes(data);
    ByteBuffer back = ByteBuffer.allocate(data.length);
    TlsStream<TcpStream> tls = rt.blockOn(connect(TlsConnector.of(client), "localhost", addr));
    assertTrue(tls.session().getProtocol().startsWith("TLS"), tls.session().getProtocol());
    rt.blockOn(
        Futures.join(
            tls.writeAll(ByteBuffer.wrap(data)).flatMap(v -> tls.flush()),
            tls.readExact(back),
            (a, b) -> null));
    assertArrayEquals(data, back.array());
    rt.blockOn(tls.closeAsync()); // close_notify: the server's copy ends, and so does its task
    rt.blockOn(serverTask);
  }

  @Test
  void aCancelledReadWithdrawsItsWakerFromTheTcpStreamUnderneath() throws Exception {
    InetSocketAddress addr =
        serveOne(TlsAcceptor.of(server), tls -> tls.readToEnd().discard()); // sends no data
    TlsStream<TcpStream> tls = rt.blockOn(connect(TlsConnector.of(client), "localhost", addr));
    java.util.concurrent.atomic.AtomicInteger wakes =
        new java.util.concurrent.atomic.AtomicInteger();
    io.kyoto.runtime.Waker counting = wakes::incrementAndGet;
    int wokenByClose =
        rt.blockOn(
            cx -> {
              Future<Integer> read = tls.read(ByteBuffer.allocate(16));
              assertTrue(read.poll(new io.kyoto.runtime.Context(counting)).isPending());
              read.cancel();
              // Only what the close does counts: an event that came before the cancel (a session
              // ticket) may have woken the waker already.
              int before = wakes.get();
              tls.close(); // closes the TCP stream, waking whatever still waits on it
              return io.kyoto.runtime.Poll.ready(wakes.get() - before);
            });
    assertEquals(0, wokenByClose, "the cancelled read's task was woken by the close");
    rt.blockOn(serverTask.handle((v, e) -> null));
  }

  @Test
  void closeNotifyIsTheEndOfTheStream() throws Exception {
    InetSocketAddress addr =
        serveOne(
            TlsAcceptor.of(server),
            tls ->
                tls.writeAll(ByteBuffer.wrap("bye".getBytes(UTF_8))).flatMap(v -> tls.shutdown()));
    TlsStream<TcpStream> tls = rt.blockOn(connect(TlsConnector.of(client), "localhost", addr));
    assertEquals("bye", new String(rt.blockOn(tls.readToEnd()), UTF_8));
    tls.close();
  }

  @Test
  void aConnectionClosedWithoutCloseNotifyFailsTheReadAsATruncation() throws Exception {
    TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
    rt.spawn(
        listener
            .accept()
            .flatMap(TlsAcceptor.of(server)::accept)
            .flatMap(
                tls ->
                    tls.writeAll(ByteBuffer.wrap("partial".getBytes(UTF_8)))
                        .flatMap(v -> tls.flush())
                        .inspect(v -> tls.close()))); // the TCP connection, without close_notify
    TlsStream<TcpStream> tls =
        rt.blockOn(connect(TlsConnector.of(client), "localhost", listener.localAddress()));
    EOFException e = assertThrows(EOFException.class, () -> rt.blockOn(tls.readToEnd()));
    assertTrue(e.getMessage().contains("without close_notify"), e.getMessage());
    tls.close();
  }

  @Test
  void aCertificateForAnotherNameIsRefused() throws Exception {
    InetSocketAddress addr = serveOne(TlsAcceptor.of(server), tls -> Futures.ready(null));
    SSLHandshakeException e =
        assertThrows(
            SSLHandshakeException.class,
            () -> rt.blockOn(connect(TlsConnector.of(client), "kyoto.example", addr)));
    assertTrue(e.getMessage().contains("kyoto.example"), e.getMessage());
    // The server sees the client's alert (or the closed connection) and fails its handshake.
    assertThrows(Exception.class, () -> rt.blockOn(serverTask));
    // Without host-name verification the same certificate is accepted.
    InetSocketAddress again = serveOne(TlsAcceptor.of(server), tls -> Futures.ready(null));
    rt.blockOn(
            connect(TlsConnector.of(client).withoutHostnameVerification(), "kyoto.example", again))
        .close();
  }

  @Test
  void anUntrustedCertificateIsRefusedByTheDefaultTrustStore() throws Exception {
    InetSocketAddress addr = serveOne(TlsAcceptor.of(server), tls -> Futures.ready(null));
    SSLHandshakeException e =
        assertThrows(
            SSLHandshakeException.class,
            () -> rt.blockOn(connect(TlsConnector.withDefaults(), "localhost", addr)));
    assertTrue(e.getMessage().contains("PKIX"), e.getMessage());
  }

  @Test
  void anIpAddressIsCheckedAgainstTheCertificatesIpAddresses() throws Exception {
    InetSocketAddress addr = serveOne(TlsAcceptor.of(server), tls -> Futures.ready(null));
    TlsStream<TcpStream> tls = rt.blockOn(connect(TlsConnector.of(client), "127.0.0.1", addr));
    tls.close();
  }

  @Test
  void alpnPicksAProtocolBothSidesSpeak() throws Exception {
    InetSocketAddress addr =
        serveOne(
            TlsAcceptor.of(server).alpn("http/1.1"),
            tls -> tls.writeAll(ByteBuffer.wrap(tls.applicationProtocol().getBytes(UTF_8))));
    TlsStream<TcpStream> tls =
        rt.blockOn(connect(TlsConnector.of(client).alpn("h2", "http/1.1"), "localhost", addr));
    assertEquals("http/1.1", tls.applicationProtocol());
    ByteBuffer got = ByteBuffer.allocate(8);
    rt.blockOn(tls.readExact(got));
    assertEquals("http/1.1", new String(got.array(), UTF_8), "the server saw the same");
    tls.close();
  }

  @Test
  void shuttingDownAfterThePeersCloseNotifySucceedsEvenIfThePeerHasGone() throws Exception {
    io.kyoto.runtime.io.DuplexStream.Pair pipe = Io.duplex(64 * 1024);
    var both =
        rt.blockOn(
            Futures.join(
                TlsConnector.of(client).connect("localhost", pipe.client()),
                TlsAcceptor.of(server).accept(pipe.server()),
                (c, s) -> new Object[] {c, s}));
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> c =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[0];
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> s =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[1];
    // The server says goodbye properly, then its end of the connection is gone: our writes fail.
    rt.blockOn(s.writeAll(ByteBuffer.wrap("bye".getBytes(UTF_8))).flatMap(v -> s.shutdown()));
    s.close();
    assertEquals("bye", new String(rt.blockOn(c.readToEnd()), UTF_8));
    // As tokio-rustls: after the peer's close_notify, failing to send ours is not an error.
    rt.blockOn(c.closeAsync());
  }

  /** A connected client and server over an in-memory pipe that holds {@code bufSize} bytes. */
  private Object[] pipePair(int bufSize, TlsConnector connector, TlsAcceptor acceptor)
      throws Exception {
    io.kyoto.runtime.io.DuplexStream.Pair pipe = Io.duplex(bufSize);
    return rt.blockOn(
        Futures.join(
            connector.connect("localhost", pipe.client()),
            acceptor.accept(pipe.server()),
            (c, s) -> new Object[] {c, s}));
  }

  @Test
  void aFlushThatOnlyHasOurCloseNotifyReplyLeftSucceedsWhenThePeerHasGone() throws Exception {
    for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
      Object[] both = pipePair(4096, TlsConnector.of(clientFor(protocol)), TlsAcceptor.of(server));
      @SuppressWarnings("unchecked")
      TlsStream<io.kyoto.runtime.io.DuplexStream> c =
          (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[0];
      @SuppressWarnings("unchecked")
      TlsStream<io.kyoto.runtime.io.DuplexStream> s =
          (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[1];
      assertEquals(protocol, s.session().getProtocol());
      // The client says goodbye and goes at once, as the JDK's SSLSocket.close() does.
      rt.blockOn(c.writeAll(ByteBuffer.wrap("hi".getBytes(UTF_8))).flatMap(v -> c.shutdown()));
      c.close();
      assertEquals("hi", new String(rt.blockOn(s.readToEnd()), UTF_8));
      // Io.copy's last flush: of ours, only the close_notify reply (which the JDK queues under
      // TLS 1.2) is unsent, and nobody is left to read it.
      rt.blockOn(s.flush());
      rt.blockOn(s.closeAsync());
    }
  }

  @Test
  void aFlushWhoseApplicationDataCannotReachAPeerThatHasGoneStillFails() throws Exception {
    Object[] both = pipePair(4096, TlsConnector.of(client), TlsAcceptor.of(server));
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> c =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[0];
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> s =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[1];
    // A record bigger than the pipe: most of it stays queued, as the client reads nothing. Then
    // the client says goodbye and goes: the answer is lost, and flushing or shutting down must
    // say so even though the client's close_notify came.
    rt.blockOn(s.write(ByteBuffer.allocate(16 * 1024)));
    rt.blockOn(c.shutdown());
    c.close();
    assertEquals(0, rt.blockOn(s.readToEnd()).length);
    java.io.IOException flush =
        assertThrows(java.io.IOException.class, () -> rt.blockOn(s.flush()));
    assertTrue(flush.getMessage().contains("broken pipe"), flush.getMessage());
    java.io.IOException shutdown =
        assertThrows(java.io.IOException.class, () -> rt.blockOn(s.closeAsync()));
    assertTrue(shutdown.getMessage().contains("broken pipe"), shutdown.getMessage());
  }

  /** {@return a client context trusting our certificate that offers {@code protocol} at most} */
  private static SSLContext clientFor(String protocol) throws Exception {
    SSLContext c = SSLContext.getInstance(protocol);
    c.init(null, trust.getTrustManagers(), null);
    return c;
  }

  @Test
  void aCancelledHandshakeClosesTheStream() throws Exception {
    TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
    // A server that accepts TCP but never answers the ClientHello.
    JoinHandle<byte[]> silent =
        rt.spawn(listener.accept().flatMap(tcp -> Io.using(tcp, t -> t.readToEnd())));
    assertThrows(
        Exception.class,
        () ->
            rt.blockOn(
                Time.timeout(
                    Duration.ofMillis(300),
                    connect(TlsConnector.of(client), "localhost", listener.localAddress()))));
    byte[] clientHello = rt.blockOn(silent); // ends: the client closed its side
    assertTrue(clientHello.length > 0 && clientHello[0] == 0x16, "a TLS handshake record");
  }

  @Test
  void theJdksBlockingSslSocketTalksToTheAcceptor() throws Exception {
    InetSocketAddress addr = serveOne(TlsAcceptor.of(server), tls -> Io.copy(tls, tls).discard());
    try (SSLSocket s =
        (SSLSocket) client.getSocketFactory().createSocket("localhost", addr.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("ping over TLS".getBytes(UTF_8));
      out.flush();
      byte[] back = s.getInputStream().readNBytes(13);
      assertEquals("ping over TLS", new String(back, UTF_8));
    }
    rt.blockOn(serverTask); // the SSLSocket's close_notify ended the copy
  }

  @Test
  void theConnectorTalksToTheJdksBlockingSslServerSocket() throws Exception {
    try (SSLServerSocket ss =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                      byte[] in = s.getInputStream().readNBytes(5);
                      s.getOutputStream().write(("echo:" + new String(in, UTF_8)).getBytes(UTF_8));
                      s.getOutputStream().flush();
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      TlsStream<TcpStream> tls =
          rt.blockOn(
              connect(
                  TlsConnector.of(client),
                  "localhost",
                  new InetSocketAddress("127.0.0.1", ss.getLocalPort())));
      rt.blockOn(tls.writeAll(ByteBuffer.wrap("hello".getBytes(UTF_8))));
      assertEquals("echo:hello", new String(rt.blockOn(tls.readToEnd()), UTF_8));
      tls.close();
      t.join();
    }
  }

  @Test
  void curlGetsAnAnswerOverTls() throws Exception {
    Path curl = Path.of("/usr/bin/curl");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(curl), "needs curl");
    byte[] answer =
        "HTTP/1.1 200 OK\r\ncontent-length: 12\r\nconnection: close\r\n\r\nhello, curl!"
            .getBytes(UTF_8);
    InetSocketAddress addr =
        serveOne(
            TlsAcceptor.of(server).alpn("http/1.1"),
            tls -> {
              ByteBuffer head = ByteBuffer.allocate(4096);
              return readHead(tls, head).flatMap(v -> tls.writeAll(ByteBuffer.wrap(answer)));
            });
    Process p =
        new ProcessBuilder(
                curl.toString(),
                "-sS",
                "--cacert",
                certPem.toString(),
                "https://localhost:" + addr.getPort() + "/")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals("hello, curl!", out);
    assertEquals(0, p.exitValue());
    rt.blockOn(serverTask);
  }

  /** Reads until the end of an HTTP request head. */
  private static Future<Void> readHead(TlsStream<TcpStream> tls, ByteBuffer head) {
    return Futures.lazy(
        () ->
            tls.read(head)
                .flatMap(
                    n -> {
                      String s = new String(head.array(), 0, head.position(), UTF_8);
                      if (n < 0 || s.contains("\r\n\r\n")) {
                        return Futures.ready(null);
                      }
                      return readHead(tls, head);
                    }));
  }

  @Test
  void aFullyQualifiedNameWithItsTrailingDotIsSentAndCheckedWithoutIt() throws Exception {
    // As rustls and curl: "localhost." names the same host; SNI may not carry the dot (RFC 6066).
    InetSocketAddress addr =
        serveOne(
            TlsAcceptor.of(server),
            tls -> {
              var names =
                  ((javax.net.ssl.ExtendedSSLSession) tls.session()).getRequestedServerNames();
              String sni = ((javax.net.ssl.SNIHostName) names.get(0)).getAsciiName();
              return tls.writeAll(ByteBuffer.wrap(sni.getBytes(UTF_8)))
                  .flatMap(v -> tls.shutdown());
            });
    TlsStream<TcpStream> tls = rt.blockOn(connect(TlsConnector.of(client), "localhost.", addr));
    assertEquals("localhost", new String(rt.blockOn(tls.readToEnd()), UTF_8));
    tls.close();
    rt.blockOn(serverTask);
  }

  @Test
  void aServerNameWithAnUnderscoreIsCheckedAgainstTheCertificateAndSentWithoutSni()
      throws Exception {
    // rustls takes "_" in DNS names; the JDK's SNIHostName and its own host-name check refuse it.
    // A certificate made by openssl, as such names are not keytool's.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
    Path dir = certs.resolve("underscore");
    Files.createDirectories(dir);
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Path p12 = dir.resolve("server.p12");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=kyoto",
        "-addext",
        "subjectAltName=DNS:Foo_Bar.localhost,DNS:*.wild.localhost");
    run(
        "openssl",
        "pkcs12",
        "-export",
        "-in",
        cert.toString(),
        "-inkey",
        key.toString(),
        "-out",
        p12.toString(),
        "-passout",
        "pass:changeit",
        "-name",
        "kyoto");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext underscoreServer = SSLContext.getInstance("TLS");
    underscoreServer.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext underscoreClient = SSLContext.getInstance("TLS");
    underscoreClient.init(null, tmf.getTrustManagers(), null);
    TlsAcceptor acceptor = TlsAcceptor.of(underscoreServer);
    TlsConnector connector = TlsConnector.of(underscoreClient);
    for (String name : List.of("foo_bar.localhost", "x_y.wild.localhost", "FOO_BAR.localhost.")) {
      InetSocketAddress addr =
          serveOne(
              acceptor,
              tls -> {
                var sni = ((javax.net.ssl.ExtendedSSLSession) tls.session());
                String seen = "sni:" + sni.getRequestedServerNames().size();
                return tls.writeAll(ByteBuffer.wrap(seen.getBytes(UTF_8)))
                    .flatMap(v -> tls.shutdown());
              });
      TlsStream<TcpStream> tls = rt.blockOn(connect(connector, name, addr));
      assertEquals("sni:0", new String(rt.blockOn(tls.readToEnd()), UTF_8), name);
      tls.close();
      rt.blockOn(serverTask);
    }
    // The check is still made: a name the certificate does not carry is refused.
    for (String name : List.of("other_name.localhost", "a.x_y.wild.localhost")) {
      InetSocketAddress addr = serveOne(acceptor, tls -> Futures.ready(null));
      SSLHandshakeException e =
          assertThrows(
              SSLHandshakeException.class, () -> rt.blockOn(connect(connector, name, addr)));
      assertTrue(e.getMessage().contains(name), e.getMessage());
      // The check comes after the handshake: the server may or may not see the connection
      // closed before its own close_notify is out, so only its end is awaited.
      rt.blockOn(serverTask.recover(failure -> null));
    }
    // Unless it is turned off.
    InetSocketAddress addr = serveOne(acceptor, tls -> Futures.ready(null));
    rt.blockOn(connect(connector.withoutHostnameVerification(), "other_name.localhost", addr))
        .close();
  }

  @Test
  void aServerNameThatIsNeitherADnsNameNorAnIpAddressFailsTheConnectWithAClearError()
      throws Exception {
    for (String name : List.of("a..b", "bad name", "-dash.example", "", "host:443")) {
      TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
      JoinHandle<byte[]> peer =
          rt.spawn(listener.accept().flatMap(tcp -> Io.using(tcp, t -> t.readToEnd())));
      java.io.IOException e =
          assertThrows(
              java.io.IOException.class,
              () -> rt.blockOn(connect(TlsConnector.of(client), name, listener.localAddress())));
      assertTrue(
          e.getMessage().contains("invalid TLS server name \"" + name + "\""), e.getMessage());
      assertEquals(0, rt.blockOn(peer).length, "nothing was sent, and the stream is closed");
      listener.close();
    }
  }

  /** A stream that keeps a copy of every byte written through it. */
  private static final class Recording
      implements io.kyoto.runtime.io.AsyncRead, io.kyoto.runtime.io.AsyncWrite, AutoCloseable {
    final io.kyoto.runtime.io.DuplexStream inner;
    final java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();

    Recording(io.kyoto.runtime.io.DuplexStream inner) {
      this.inner = inner;
    }

    @Override
    public io.kyoto.runtime.Poll<Void> pollRead(io.kyoto.runtime.Context cx, ByteBuffer dst)
        throws java.io.IOException {
      return inner.pollRead(cx, dst);
    }

    @Override
    public io.kyoto.runtime.Poll<Void> pollWrite(io.kyoto.runtime.Context cx, ByteBuffer src)
        throws java.io.IOException {
      ByteBuffer copy = src.duplicate();
      io.kyoto.runtime.Poll<Void> p = inner.pollWrite(cx, src);
      written.write(
          copy.array(), copy.arrayOffset() + copy.position(), src.position() - copy.position());
      return p;
    }

    @Override
    public io.kyoto.runtime.Poll<Void> pollFlush(io.kyoto.runtime.Context cx)
        throws java.io.IOException {
      return inner.pollFlush(cx);
    }

    @Override
    public io.kyoto.runtime.Poll<Void> pollShutdown(io.kyoto.runtime.Context cx)
        throws java.io.IOException {
      return inner.pollShutdown(cx);
    }

    @Override
    public void close() {
      inner.close();
    }

    /** {@return the TLS record types written from byte {@code from} on} */
    List<Integer> recordsFrom(int from) {
      byte[] b = written.toByteArray();
      List<Integer> types = new java.util.ArrayList<>();
      for (int i = from; i < b.length; i += 5 + (((b[i + 3] & 0xff) << 8) | (b[i + 4] & 0xff))) {
        types.add((int) b[i]);
      }
      return types;
    }
  }

  @Test
  void aGatheringWriteOfSmallBuffersIsSentInOneRecordWithItsBytesInOrder() throws Exception {
    io.kyoto.runtime.io.DuplexStream.Pair pipe = Io.duplex(64 * 1024);
    Recording wire = new Recording(pipe.client());
    var both =
        rt.blockOn(
            Futures.join(
                TlsConnector.of(client).connect("localhost", wire),
                TlsAcceptor.of(server).accept(pipe.server()),
                (c, s) -> List.of(c, s)));
    @SuppressWarnings("unchecked")
    TlsStream<Recording> c = (TlsStream<Recording>) both.get(0);
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> s =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both.get(1);
    // An HTTP response as the server writes it: the head's pieces, then the body.
    List<String> parts =
        List.of("HTTP/1.1 200 OK\r\n", "content-length: 5\r\n", "x: y\r\n", "\r\n", "hello");
    int start = wire.written.size();
    rt.blockOn(
        c.writeAllVectored(
                parts.stream()
                    .map(p -> ByteBuffer.wrap(p.getBytes(UTF_8)))
                    .toArray(ByteBuffer[]::new))
            .flatMap(v -> c.shutdown()));
    assertEquals(String.join("", parts), new String(rt.blockOn(s.readToEnd()), UTF_8));
    // One application_data record for the five buffers, then the close_notify (an alert under
    // TLS 1.2, application_data outside under TLS 1.3).
    assertEquals(2, wire.recordsFrom(start).size(), "records: " + wire.recordsFrom(start));
    assertTrue(c.isWriteVectored(), "so callers such as the HTTP server gather their buffers");
    // Bigger than a record: split at the engine's limit, nothing lost or reordered.
    byte[] big = new byte[40_000];
    new Random(2).nextBytes(big);
    Object[] back =
        rt.blockOn(
            Futures.join(
                s.writeAllVectored(
                        ByteBuffer.wrap(big, 0, 3),
                        ByteBuffer.wrap(big, 3, 20_000),
                        ByteBuffer.wrap(big, 20_003, 19_997))
                    .flatMap(v -> s.shutdown()),
                c.readToEnd(),
                (a, b) -> new Object[] {b}));
    assertArrayEquals(big, (byte[]) back[0]);
    c.close();
    s.close();
  }

  @Test
  void closeAsyncWaitsUntilTheInnerStreamTookItsBytesButNotForThePeer() throws Exception {
    Object[] both = pipePair(4096, TlsConnector.of(client), TlsAcceptor.of(server));
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> c =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[0];
    @SuppressWarnings("unchecked")
    TlsStream<io.kyoto.runtime.io.DuplexStream> s =
        (TlsStream<io.kyoto.runtime.io.DuplexStream>) both[1];
    // A record bigger than the pipe, which the server does not read yet: the close waits.
    int written = rt.blockOn(c.write(ByteBuffer.allocate(16 * 1024))); // one record's worth
    Future<Void> closing = c.closeAsync();
    assertTrue(closing.poll(io.kyoto.runtime.io.IoTestSupport.noopContext()).isPending());
    // Once the server reads, the close is done: the server's own close_notify is not awaited
    // (the server never sends one here).
    byte[] got = rt.blockOn(Futures.join(closing, s.readToEnd(), (a, b) -> b));
    assertEquals(written, got.length);
    s.close();
  }

  @Test
  void aKeyUpdateTheReaderMustAnswerDoesNotStopReadsWhileThePeerIsNotReading() throws Exception {
    // TLS 1.3: the peer asks for a KeyUpdate (the JDK's SSLSocket.startHandshake() on an open
    // session) while our writes are stuck because it reads nothing until it has sent its own
    // data. Our KeyUpdate is queued behind those writes; reads must go on meanwhile, or neither
    // side ever moves.
    int size = 32 << 20;
    try (SSLServerSocket ss =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                      s.startHandshake();
                      Thread.sleep(1000); // the client's upload fills the socket buffers
                      s.startHandshake(); // a KeyUpdate with update_requested
                      s.getOutputStream().write(new byte[size]);
                      s.getOutputStream().flush();
                      s.getInputStream().readNBytes(size);
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      TlsStream<TcpStream> tls =
          rt.blockOn(
              connect(
                  TlsConnector.of(client),
                  "localhost",
                  new InetSocketAddress("127.0.0.1", ss.getLocalPort())));
      assertEquals("TLSv1.3", tls.session().getProtocol());
      ByteBuffer down = ByteBuffer.allocate(size);
      rt.blockOn(
          Time.timeout(
              Duration.ofSeconds(20),
              Futures.join(
                  tls.writeAll(ByteBuffer.allocate(size)).flatMap(v -> tls.flush()),
                  tls.readExact(down),
                  (a, b) -> null)));
      tls.close();
      t.join();
    }
  }
}
