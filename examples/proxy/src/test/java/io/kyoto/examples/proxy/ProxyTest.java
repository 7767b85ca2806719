package io.kyoto.examples.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.net.TcpListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy driven by blocking JDK sockets, with the runtime running the proxy and its upstream.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProxyTest {
  Runtime rt;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRuntime() throws Exception {
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();
  }

  @AfterEach
  void closeRuntime() {
    rt.close();
  }

  /** Starts the proxy in front of {@code upstream}; returns the port to connect to. */
  int proxy(String upstream, Duration connectTimeout) throws Exception {
    TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
    rt.spawn(
        Proxy.serve(
            listener,
            new Proxy.Settings(upstream, connectTimeout, Duration.ofMinutes(1), log::add)));
    return listener.localAddress().getPort();
  }

  /** Starts an echo server that closes its side once the client has closed its own. */
  String echoServer() throws Exception {
    TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
    rt.spawn(listener.incoming().forEach(conn -> Task.spawn(Io.using(conn, c -> Io.copy(c, c)))));
    return "127.0.0.1:" + listener.localAddress().getPort();
  }

  /** Waits for the proxy's log line, written once both sockets are closed. */
  String awaitLogLine() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (log.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, log.size(), "one log line per connection: " + log);
    return log.getFirst();
  }

  @Test
  void carriesALargeRandomTransferBothWaysIntact() throws Exception {
    int port = proxy(echoServer(), Duration.ofSeconds(5));
    byte[] data = new byte[8 * 1024 * 1024];
    new Random(42).nextBytes(data);
    CRC32 sent = new CRC32();
    sent.update(data);
    CRC32 received = new CRC32();
    long count = 0;
    try (Socket s = new Socket("127.0.0.1", port)) {
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      OutputStream out = s.getOutputStream();
                      for (int off = 0; off < data.length; off += 64 * 1024) {
                        out.write(data, off, Math.min(64 * 1024, data.length - off));
                      }
                      s.shutdownOutput(); // the FIN travels through the proxy and the echo back
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  });
      InputStream in = s.getInputStream();
      byte[] buf = new byte[32 * 1024];
      for (int n; (n = in.read(buf)) != -1; ) {
        received.update(buf, 0, n);
        count += n;
      }
      writer.join();
    }
    assertEquals(data.length, count);
    assertEquals(sent.getValue(), received.getValue(), "checksum");
    String line = awaitLogLine();
    assertTrue(line.contains(data.length + " bytes up, " + data.length + " bytes down"), line);
  }

  @Test
  void closesTheClientPromptlyWhenTheUpstreamIsDown() throws Exception {
    InetSocketAddress free;
    try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      free = (InetSocketAddress) probe.getLocalSocketAddress();
    } // closed: connecting to it is refused
    int port = proxy("127.0.0.1:" + free.getPort(), Duration.ofSeconds(5));
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      assertClosedByPeer(s);
    }
    assertTrue(System.nanoTime() - start < 3_000_000_000L, "closed promptly");
    String line = awaitLogLine();
    assertTrue(line.contains("failed"), line);
  }

  @Test
  void givesUpOnABlackHoleUpstreamAtTheConnectTimeout() throws Exception {
    List<Socket> fillers = new ArrayList<>();
    try (ServerSocket blackHole = blackHole(fillers)) {
      int port = proxy("127.0.0.1:" + blackHole.getLocalPort(), Duration.ofMillis(300));
      long start = System.nanoTime();
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertClosedByPeer(s);
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 250, "waited for the connect timeout: " + ms + " ms");
      String line = awaitLogLine();
      assertTrue(line.contains("TimeoutException"), line);
    } finally {
      for (Socket f : fillers) f.close();
    }
  }

  /**
   * {@return a listener that never answers a connect} A routed black hole such as {@code
   * 10.255.255.1:9} is not reliable (some sandboxes answer for every address), so this fills the
   * accept queue of a listener that never accepts: Linux then drops further SYNs, and a connect
   * hangs until its timeout. Skips the test where the queue never fills.
   *
   * @param fillers receives the connections that fill the queue, for the caller to close
   */
  static ServerSocket blackHole(List<Socket> fillers) throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 32; i++) {
      Socket s = new Socket();
      try {
        s.connect(listener.getLocalSocketAddress(), 300);
        fillers.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return listener;
      }
    }
    listener.close();
    Assumptions.abort("the listen queue never filled; no black hole here");
    throw new AssertionError("unreachable");
  }

  /** Asserts that the proxy closes {@code s} (EOF or reset) within 5 s, without sending a byte. */
  static void assertClosedByPeer(Socket s) throws IOException {
    s.setSoTimeout(5_000);
    try {
      assertEquals(-1, s.getInputStream().read(), "end of stream");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the proxy kept the client connection open", e);
    } catch (SocketException reset) {
      // closed abruptly: also closed
    }
  }
}
