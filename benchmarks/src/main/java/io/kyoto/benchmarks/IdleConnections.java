package io.kyoto.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client of the idle-connections job: opens N keep-alive connections to a server, sends one
 * {@code GET /} on each, reads the response head, then holds every connection open until its
 * standard input closes (the script measures the server's resident memory meanwhile).
 *
 * <p>usage: {@code IdleConnections HOST PORT N}; prints {@code held=K of=N ms=T} once the responses
 * are in, then waits for EOF on stdin.
 */
public final class IdleConnections {
  private IdleConnections() {}

  private static final byte[] REQUEST =
      "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: kyoto-idle\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  /**
   * Opens, requests, holds.
   *
   * @param args host, port and number of connections
   * @throws IOException if standard input fails
   */
  public static void main(String[] args) throws IOException {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 7010;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    long t0 = System.nanoTime();
    List<Socket> sockets = new ArrayList<>(n);
    int failed = 0;
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      try {
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress(host, port), 10_000);
        OutputStream out = s.getOutputStream();
        out.write(REQUEST);
        sockets.add(s);
      } catch (IOException e) {
        failed++;
        s.close();
      }
    }
    int held = 0;
    byte[] buf = new byte[4096];
    for (Socket s : sockets) {
      try {
        InputStream in = s.getInputStream();
        int k = in.read(buf);
        if (k >= 12 && new String(buf, 0, 12, StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
          held++;
        }
      } catch (IOException e) {
        failed++;
      }
    }
    System.out.printf(
        "held=%d of=%d failed=%d ms=%d%n", held, n, failed, (System.nanoTime() - t0) / 1_000_000);
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold until the script closes our stdin
    }
    for (Socket s : sockets) {
      s.close();
    }
  }
}
