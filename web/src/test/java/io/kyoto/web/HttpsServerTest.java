package io.kyoto.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.tls.TlsAcceptor;
import io.kyoto.runtime.tls.TlsConnector;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HttpServer.Builder#tls}: HTTPS with real clients (the JDK's HttpClient, curl). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpsServerTest {
  @TempDir static Path dir;
  static TestCertificates certs;
  static ServerHarness harness;

  @BeforeAll
  static void start() throws Exception {
    certs = new TestCertificates(dir);
    Service<Request, Response> app =
        Service.of(req -> Futures.ready(Response.text("secure " + req.path())));
    harness =
        new ServerHarness(
            HttpServer.builder()
                .tls(TlsAcceptor.of(certs.server).alpn("http/1.1"))
                .headerReadTimeout(Duration.ofSeconds(2)),
            app);
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
  }

  private static String url(String path) {
    return "https://localhost:" + harness.port() + path;
  }

  @Test
  void theJdkHttpClientGetsAnswersOverOneKeptAliveConnection() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(certs.client)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    long before = harness.server.acceptedConnections();
    for (String path : new String[] {"/a", "/b", "/c"}) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(url(path))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("secure " + path, r.body());
      assertTrue(r.sslSession().isPresent());
    }
    assertEquals(before + 1, harness.server.acceptedConnections(), "keep-alive over TLS");
  }

  @Test
  void kyotosClientTalksHttpsAndPoolsTheConnection() throws Exception {
    try (io.kyoto.web.HttpClient client =
        io.kyoto.web.HttpClient.builder()
            .tls(TlsConnector.of(certs.client).alpn("http/1.1"))
            .build()) {
      long before = harness.server.acceptedConnections();
      for (String path : new String[] {"/x", "/y", "/z"}) {
        Response r = harness.rt.blockOn(client.get(url(path)));
        assertEquals(200, r.status().code());
        assertEquals("secure " + path, harness.rt.blockOn(r.body().string()));
      }
      assertEquals(before + 1, harness.server.acceptedConnections(), "one pooled TLS connection");
      assertEquals(1, client.idleConnections());
      // The same port over plain http is another origin: never handed the TLS connection.
      assertThrows(
          Exception.class,
          () -> harness.rt.blockOn(client.get("http://localhost:" + harness.port() + "/")));
    }
  }

  @Test
  void kyotosClientRefusesAServerItsTrustStoreDoesNotKnow() throws Exception {
    try (io.kyoto.web.HttpClient client = io.kyoto.web.HttpClient.create()) { // the JDK's CAs
      SSLHandshakeException e =
          assertThrows(SSLHandshakeException.class, () -> harness.rt.blockOn(client.get(url("/"))));
      assertTrue(e.getMessage().contains("PKIX"), e.getMessage());
    }
  }

  @Test
  void kyotosClientTalksToTheJdksBlockingSslServerSocket() throws Exception {
    try (javax.net.ssl.SSLServerSocket ss =
            (javax.net.ssl.SSLServerSocket)
                certs.server.getServerSocketFactory().createServerSocket(0);
        io.kyoto.web.HttpClient client =
            io.kyoto.web.HttpClient.builder().tls(TlsConnector.of(certs.client)).build()) {
      Thread server =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (Socket s = ss.accept()) {
                      String head = readHead(s.getInputStream());
                      String line = head.substring(0, head.indexOf('\r'));
                      byte[] body = ("jdk saw " + line).getBytes(UTF_8);
                      s.getOutputStream()
                          .write(
                              ("HTTP/1.1 200 OK\r\ncontent-length: " + body.length + "\r\n\r\n")
                                  .getBytes(UTF_8));
                      s.getOutputStream().write(body);
                      s.getOutputStream().flush();
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      Response r =
          harness.rt.blockOn(client.get("https://localhost:" + ss.getLocalPort() + "/hello?q=1"));
      assertEquals("jdk saw GET /hello?q=1 HTTP/1.1", harness.rt.blockOn(r.body().string()));
      server.join();
    }
  }

  private static String readHead(InputStream in) throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) break;
      sb.append((char) b);
    }
    return sb.toString();
  }

  @Test
  void curlWithTheCertificateGetsTheAnswer() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
    Process p =
        new ProcessBuilder(
                "/usr/bin/curl", "-sS", "--http1.1", "--cacert", certs.pem.toString(), url("/curl"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals("secure /curl", out);
    assertEquals(0, p.exitValue());
  }

  @Test
  void plainHttpToTheTlsPortIsClosedWithoutAnAnswerAndTheServerGoesOn() throws Exception {
    try (Socket s = new Socket("127.0.0.1", harness.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] got = in.readAllBytes(); // at most a TLS alert, then the end
      assertTrue(got.length < 16, "no HTTP answer: " + new String(got, UTF_8));
    }
    theJdkHttpClientGetsAnswersOverOneKeptAliveConnection();
  }

  @Test
  void aClientThatNeverStartsTheHandshakeIsDroppedAtTheHeaderReadTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", harness.port())) {
      s.setSoTimeout(10_000);
      long t0 = System.nanoTime();
      assertEquals(-1, s.getInputStream().read(), "closed by the server");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms >= 1500, "not before the 2 s timeout: " + ms + " ms");
    }
  }

  @Test
  void gracefulShutdownClosesAConnectionStillInItsHandshakeAtOnce() throws Exception {
    // As a plain connection holding a partial head: neither the header-read timeout (which bounds
    // the handshake) nor the shutdown deadline may be waited for.
    ServerHarness h =
        new ServerHarness(
            HttpServer.builder()
                .tls(TlsAcceptor.of(certs.server))
                .headerReadTimeout(Duration.ofMinutes(5))
                .shutdownTimeout(Duration.ofMinutes(5)),
            Service.of(req -> Futures.ready(Response.text("never"))));
    try (Socket silent = h.socket()) {
      Thread.sleep(200); // let the server accept it and start the handshake
      h.server.shutdown();
      // The socket's 10 s read timeout only bounds a failing run.
      assertEquals(-1, silent.getInputStream().read(), "closed at once");
      h.rt.blockOn(io.kyoto.runtime.Time.timeout(Duration.ofSeconds(10), h.serving));
    } finally {
      h.rt.close();
    }
  }

  @Test
  void anEarlyResponseIsReturnedOverTlsWhenTheServerStopsReadingTheUpload() throws Exception {
    // As HttpClientTest's plain version: the upload fails mid-way, and the server's 413, already
    // received, is still read; the failed write must not fail the TLS read as well.
    ServerHarness h =
        new ServerHarness(
            HttpServer.builder().tls(TlsAcceptor.of(certs.server)).maxBodyBytes(1000),
            HttpServerTest.APP);
    try (io.kyoto.web.HttpClient client =
        io.kyoto.web.HttpClient.builder().tls(TlsConnector.of(certs.client)).build()) {
      Response r =
          h.rt.blockOn(
              client.send(
                  Request.post(
                      "https://localhost:" + h.port() + "/up", Body.of(new byte[16 << 20]))));
      assertEquals(413, r.status().code());
      assertTrue(h.rt.blockOn(r.body().string()).contains("exceeds the limit"));
      assertEquals(0, client.idleConnections(), "a half-sent request's connection is not reused");
    } finally {
      h.close();
    }
  }

  @Test
  void aClientThatStopsReadingTheFinalResponseIsCutOffAfterTheSendTimeout() throws Exception {
    try (ServerHarness h =
        new ServerHarness(
            HttpServer.builder()
                .tls(TlsAcceptor.of(certs.server))
                .sendTimeout(Duration.ofMillis(500)),
            ServerLimitsTest.BIG_APP)) {
      try (java.net.Socket plain = ServerLimitsTest.stingySocket(h);
          javax.net.ssl.SSLSocket s =
              (javax.net.ssl.SSLSocket)
                  certs
                      .client
                      .getSocketFactory()
                      .createSocket(plain, "localhost", h.port(), true)) {
        s.startHandshake();
        s.getOutputStream()
            .write("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
        s.getOutputStream().flush();
        // The client reads nothing: the server's TLS writes of the final response stall.
        ServerLimitsTest.awaitConnectionEnded(h);
        // The kernel may still deliver what it held: the property is that the connection ended.
        long got = ServerLimitsTest.drain(s.getInputStream());
        assertTrue(got >= 0, "drained " + got + " bytes");
      }
    }
  }
}
