package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.tls.TlsAcceptor;
import io.kyoto.runtime.tls.TlsConnector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HttpClient.Builder#proxy}: through a small forward proxy with CONNECT, on threads. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpClientProxyTest {
  @TempDir static Path dir;

  static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("u:p w".getBytes());

  /** What the proxy saw: request lines (and whether the right Proxy-Authorization came). */
  final List<String> seen = new CopyOnWriteArrayList<>();

  ServerSocket proxySocket;
  Thread proxyThread;

  @BeforeEach
  void startProxy() throws IOException {
    proxySocket = new ServerSocket(0);
    proxyThread =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (!proxySocket.isClosed()) {
                    try {
                      Socket s = proxySocket.accept();
                      Thread.ofPlatform().daemon().start(() -> serveProxied(s));
                    } catch (IOException e) {
                      return;
                    }
                  }
                });
  }

  @AfterEach
  void stopProxy() throws IOException {
    proxySocket.close();
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) return null;
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** One client connection: absolute-form requests are forwarded one by one; CONNECT tunnels. */
  void serveProxied(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String head;
      while ((head = readHead(in)) != null) {
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        boolean authorized =
            head.toLowerCase(Locale.ROOT)
                .contains("proxy-authorization: " + AUTH.toLowerCase(Locale.ROOT));
        seen.add(requestLine + (authorized ? " [auth]" : ""));
        String[] parts = requestLine.split(" ");
        if (!authorized) {
          out.write(
              "HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
          continue;
        }
        if (parts[0].equals("CONNECT")) {
          String[] hp = parts[1].split(":");
          Socket upstream = new Socket(hp[0], Integer.parseInt(hp[1]));
          out.write(
              "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          Thread up = Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
          pump(upstream, client);
          up.join();
          return;
        }
        URI target = URI.create(parts[1]); // absolute form
        try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
          String forwarded =
              parts[0]
                  + " "
                  + target.getRawPath()
                  + (target.getRawQuery() != null ? "?" + target.getRawQuery() : "")
                  + " HTTP/1.1\r\n"
                  + head.substring(head.indexOf("\r\n") + 2)
                      .replaceAll("(?im)^proxy-authorization:.*\r\n", "")
                      .replace("\r\n\r\n", "\r\nconnection: close\r\n\r\n");
          upstream.getOutputStream().write(forwarded.getBytes(StandardCharsets.ISO_8859_1));
          byte[] answer = upstream.getInputStream().readAllBytes();
          // Keep the client connection: drop the origin's "connection: close".
          String text = new String(answer, StandardCharsets.ISO_8859_1);
          out.write(
              text.replaceFirst("(?i)connection: close\r\n", "")
                  .getBytes(StandardCharsets.ISO_8859_1));
        }
      }
    } catch (Exception e) {
      // the test fails on what the client sees
    }
  }

  static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // closed
    }
  }

  String proxyUrl(String userinfo) {
    return "http://" + userinfo + "127.0.0.1:" + proxySocket.getLocalPort();
  }

  @Test
  void plainHttpGoesToTheProxyInAbsoluteFormWithItsCredentials() throws Exception {
    try (ServerHarness h =
            new ServerHarness(
                req ->
                    Futures.ready(
                        Response.text(
                            "origin saw "
                                + req.target()
                                + " "
                                + req.header("proxy-authorization"))));
        HttpClient client = HttpClient.builder().proxy(proxyUrl("u:p%20w@")).build()) {
      Response r = h.rt.blockOn(client.get(h.url("/a?b=1")));
      assertEquals("origin saw /a?b=1 null", h.rt.blockOn(r.body().string()));
      Response again = h.rt.blockOn(client.get(h.url("/second")));
      assertEquals("origin saw /second null", h.rt.blockOn(again.body().string()));
      assertEquals(
          List.of(
              "GET http://127.0.0.1:" + h.port() + "/a?b=1 HTTP/1.1 [auth]",
              "GET http://127.0.0.1:" + h.port() + "/second HTTP/1.1 [auth]"),
          seen);

      try (HttpClient noAuth = HttpClient.builder().proxy(proxyUrl("")).build()) {
        assertEquals(407, h.rt.blockOn(noAuth.get(h.url("/x"))).status().code());
      }
      try (HttpClient bypass =
          HttpClient.builder().proxy(proxyUrl("")).noProxy("localhost", "127.0.0.1").build()) {
        Response direct = h.rt.blockOn(bypass.get(h.url("/d")));
        assertEquals("origin saw /d null", h.rt.blockOn(direct.body().string()));
      }
      assertEquals(3, seen.size(), "the bypassed request did not reach the proxy: " + seen);
    }
  }

  @Test
  void noProxyStarBypassesTheProxyForEveryHostAndAnIpEntryIsNoSuffix() throws Exception {
    // NO_PROXY=* in curl, Go and reqwest: no host goes through the proxy. An IP address entry
    // matches that address (or range) only: "0.0.1" is no domain suffix of 127.0.0.1.
    try (ServerHarness h = new ServerHarness(req -> Futures.ready(Response.text("origin")))) {
      for (String[] entries :
          new String[][] {
            {"*"}, {"example.com", "*"}, {"127.0.0.0/8"}, {"127.0.0.1:" + h.port()}
          }) {
        try (HttpClient bypass =
            HttpClient.builder().proxy(proxyUrl("")).noProxy(entries).build()) {
          Response r = h.rt.blockOn(bypass.get(h.url("/d")));
          assertEquals(200, r.status().code(), List.of(entries).toString());
          assertEquals("origin", h.rt.blockOn(r.body().string()));
        }
      }
      assertEquals(List.of(), seen, "no request reached the proxy");
      for (String[] entries :
          new String[][] {{"0.0.1"}, {"27.0.0.1"}, {"10.0.0.0/8"}, {"127.0.0.1:1"}, {"*.0.0.1"}}) {
        try (HttpClient proxied =
            HttpClient.builder().proxy(proxyUrl("")).noProxy(entries).build()) {
          Response r = h.rt.blockOn(proxied.get(h.url("/p")));
          assertEquals(407, r.status().code(), List.of(entries) + " sent the request directly");
          h.rt.blockOn(r.body().drain());
        }
      }
      assertEquals(5, seen.size(), seen.toString());
    }
  }

  @Test
  void httpsGoesThroughAConnectTunnelAndChecksTheOriginsCertificate() throws Exception {
    TestCertificates certs = new TestCertificates(dir);
    try (ServerHarness h =
            new ServerHarness(
                HttpServer.builder().tls(TlsAcceptor.of(certs.server)),
                req -> Futures.ready(Response.text("secure " + req.target())));
        HttpClient client =
            HttpClient.builder()
                .tls(TlsConnector.of(certs.client))
                .proxy(proxyUrl("u:p%20w@"))
                .build()) {
      String url = "https://localhost:" + h.port() + "/s";
      Response r = h.rt.blockOn(client.get(url));
      assertEquals("secure /s", h.rt.blockOn(r.body().string()));
      Response again = h.rt.blockOn(client.get(url));
      assertEquals("secure /s", h.rt.blockOn(again.body().string()));
      assertEquals(
          List.of("CONNECT localhost:" + h.port() + " HTTP/1.1 [auth]"),
          seen,
          "one tunnel, reused");

      try (HttpClient noAuth =
          HttpClient.builder().tls(TlsConnector.of(certs.client)).proxy(proxyUrl("")).build()) {
        IOException e = assertThrows(IOException.class, () -> h.rt.blockOn(noAuth.get(url)));
        assertEquals(
            "the proxy answered CONNECT with 407 Proxy Authentication Required", e.getMessage());
      }
    }
  }

  @Test
  void aWebSocketToAPlainWsOriginGoesThroughAConnectTunnel() throws Exception {
    // RFC 6455 section 4.1: through a proxy, a ws:// client asks for a tunnel (browsers do), since
    // a proxy that forwards absolute-form requests need not pass an Upgrade on. Other requests to
    // the same origin still go in absolute form, and neither borrows the other's connection.
    try (ServerHarness h = new ServerHarness(WebSocketClientTest.echoApp());
        HttpClient client =
            HttpClient.builder()
                .proxy(proxyUrl("u:p%20w@"))
                .requestTimeout(java.time.Duration.ofSeconds(5))
                .build()) {
      WebSocketClientTest.talk(h, client, "ws://127.0.0.1:" + h.port() + "/echo");
      Response plain = h.rt.blockOn(client.get(h.url("/plain")));
      assertEquals(404, plain.status().code());
      h.rt.blockOn(plain.body().drain());
      assertEquals(
          List.of(
              "CONNECT 127.0.0.1:" + h.port() + " HTTP/1.1 [auth]",
              "GET http://127.0.0.1:" + h.port() + "/plain HTTP/1.1 [auth]"),
          seen);
      assertEquals(1, client.idleConnections(), "only the absolute-form connection is idle");
    }
  }

  @Test
  void badProxyUrlsAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HttpClient.builder().proxy("https://proxy.example:3128"));
    assertTrue(
        e.getMessage().startsWith("the proxy must be an http://host:port URL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpClient.builder().proxy("proxy:3128"));
    IllegalArgumentException entry =
        assertThrows(
            IllegalArgumentException.class, () -> HttpClient.builder().noProxy("10.0.0.0/33"));
    assertTrue(entry.getMessage().endsWith(": 10.0.0.0/33"), entry.getMessage());
  }
}
