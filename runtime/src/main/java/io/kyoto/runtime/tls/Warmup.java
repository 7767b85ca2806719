package io.kyoto.runtime.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * Runs a handshake in memory when a connector or acceptor is created, so that the JDK's TLS code is
 * loaded and initialised there (on the thread that configures the server, typically at start-up)
 * and not inside the first connection's poll, where 100–200 ms of class loading, algorithm checks
 * and key operations would block a runtime thread and trip the blocking-poll detector. Best effort:
 * a failure (an untrusted certificate, a context without a key) only ends it.
 */
final class Warmup {
  private Warmup() {}

  /**
   * Drives a client and a server engine of {@code client} and {@code server} against each other
   * until both finish, one fails, or no progress is made.
   */
  static void handshake(SSLContext client, SSLContext server) {
    try {
      SSLEngine c = client.createSSLEngine("localhost", -1);
      c.setUseClientMode(true);
      SSLEngine s = server.createSSLEngine();
      s.setUseClientMode(false);
      int size =
          Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize());
      int app =
          Math.max(
              c.getSession().getApplicationBufferSize(), s.getSession().getApplicationBufferSize());
      ByteBuffer toServer = ByteBuffer.allocate(4 * size);
      ByteBuffer toClient = ByteBuffer.allocate(4 * size);
      ByteBuffer sink = ByteBuffer.allocate(4 * app);
      ByteBuffer empty = ByteBuffer.allocate(0);
      c.beginHandshake();
      s.beginHandshake();
      for (int step = 0; step < 64; step++) {
        boolean progress = step(c, empty, toServer, toClient, sink);
        progress |= step(s, empty, toClient, toServer, sink);
        if (!progress || (done(c) && done(s))) {
          return;
        }
      }
    } catch (Exception | LinkageError e) {
      // best effort: the code ran as far as this configuration lets it
    }
  }

  /** One step of {@code e}: wrap into {@code out} or unwrap from {@code in}; true if it moved. */
  private static boolean step(
      SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
      throws Exception {
    HandshakeStatus hs = e.getHandshakeStatus();
    switch (hs) {
      case NEED_TASK -> {
        Runnable t;
        while ((t = e.getDelegatedTask()) != null) {
          t.run();
        }
        return true;
      }
      case NEED_WRAP -> {
        SSLEngineResult r = e.wrap(empty, out);
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != hs;
      }
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        in.flip();
        try {
          sink.clear();
          SSLEngineResult r = e.unwrap(in, sink);
          return r.bytesConsumed() > 0 || r.getHandshakeStatus() != hs;
        } finally {
          in.compact();
        }
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus hs = e.getHandshakeStatus();
    return hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED;
  }
}
