package io.kyoto.web;

import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Runs an {@link HttpServer} on a multi-thread runtime for tests that use real clients. */
final class ServerHarness implements AutoCloseable {
  final Runtime rt;
  final HttpServer server;
  final JoinHandle<Void> serving;

  ServerHarness(Service<Request, Response> app) throws Exception {
    this(HttpServer.builder(), app);
  }

  ServerHarness(HttpServer.Builder builder, Service<Request, Response> app) throws Exception {
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();
    server = rt.blockOn(builder.bind("127.0.0.1:0"));
    serving = rt.spawn(server.serve(app));
  }

  int port() {
    return server.localAddress().getPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  Socket socket() throws IOException {
    Socket s = new Socket("127.0.0.1", port());
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends raw bytes and reads until the server closes the connection. */
  String exchangeUntilClose(String raw) throws IOException {
    try (Socket s = socket()) {
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readAll(s.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) > 0) bytes.write(buf, 0, n);
    } catch (java.net.SocketException e) {
      // a reset after the response: keep what arrived
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private boolean closed;

  @Override
  public void close() throws Exception {
    if (closed) return;
    closed = true;
    server.shutdown();
    rt.blockOn(serving);
    rt.close();
  }
}
