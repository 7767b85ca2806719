package io.kyoto.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.tls.TlsAcceptor;
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
}
