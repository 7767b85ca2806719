package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.acceptOne;
import static io.kyoto.reactor.ReactorTestSupport.awaitConnected;
import static io.kyoto.reactor.ReactorTestSupport.filled;
import static io.kyoto.reactor.ReactorTestSupport.readToEof;
import static io.kyoto.reactor.ReactorTestSupport.unixPair;
import static io.kyoto.reactor.ReactorTestSupport.utf8;
import static io.kyoto.reactor.ReactorTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.reactor.ReactorTestSupport.Kind;
import io.kyoto.reactor.ReactorTestSupport.Poller;
import io.kyoto.reactor.ReactorTestSupport.UnixPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link UnixListener} and {@link UnixStream} under a {@link Poll}: connecting,
 * echoing, vectored I/O and binding to a path.
 */
abstract class UnixContract extends BackendContract {
  @Test
  @Timeout(10)
  void unixStreamsConnectEchoAndEnd(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("echo.sock");
    try (Poll poll = newPoll();
        UnixListener listener = UnixListener.bind(backend(), path)) {
      assertEquals(path, listener.localAddress().getPath());
      Poller p = new Poller(poll);
      poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
      try (UnixStream client = UnixStream.connect(backend(), path)) {
        poll.registry().register(client, Token.of(CLIENT), Interest.READABLE_WRITABLE);
        try (UnixStream server = acceptOne(p, LISTENER, listener::accept)) {
          poll.registry().register(server, Token.of(SERVER), Interest.READABLE_WRITABLE);
          awaitConnected(p, CLIENT, client::finishConnect);

          writeAll(p, CLIENT, client::write, ByteBuffer.wrap(utf8("over a unix socket")));
          client.shutdownOutput();
          byte[] request = readToEof(p, SERVER, server::read);
          assertEquals("over a unix socket", utf8(request));
          writeAll(p, SERVER, server::write, ByteBuffer.allocateDirect(64).put(request).flip());
          server.close();
          assertEquals("over a unix socket", utf8(readToEof(p, CLIENT, client::read)));
        }
      }
    }
  }

  @Test
  @Timeout(10)
  void unixStreamsSupportVectoredIo(@TempDir Path dir) throws Exception {
    try (Poll poll = newPoll();
        UnixPair pair = unixPair(backend(), dir.resolve("v.sock"))) {
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.WRITABLE);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);
      ByteBuffer[] srcs = {
        ByteBuffer.wrap(utf8("abc")), Kind.DIRECT.source(new byte[0], utf8("def"))
      };
      long n;
      while ((n = pair.client().write(srcs)) == IoResult.WOULD_BLOCK) {
        p.awaitWritable(CLIENT);
      }
      assertEquals(6, n);
      ByteBuffer first = ByteBuffer.allocateDirect(2);
      ByteBuffer second = ByteBuffer.allocate(8);
      long total = 0;
      while (total < 6) {
        long r = pair.server().read(first, second);
        if (r == IoResult.WOULD_BLOCK) {
          p.awaitReadable(SERVER);
        } else {
          assertTrue(r > 0, "read returned " + r);
          total += r;
        }
      }
      assertEquals("ab", utf8(filled(first)));
      assertEquals("cdef", utf8(filled(second)));
    }
  }

  @Test
  @Timeout(10)
  void unixListenerRefusesAnExistingPathAndConnectNeedsAListener(@TempDir Path dir)
      throws Exception {
    Path path = dir.resolve("taken.sock");
    try (UnixListener first = UnixListener.bind(backend(), path)) {
      assertTrue(first.isOpen());
      assertThrows(IOException.class, () -> UnixListener.bind(backend(), path).close());
    }
    assertThrows(
        IOException.class,
        () -> UnixStream.connect(backend(), dir.resolve("nobody.sock")).close(),
        "nothing listens at that path");
  }

  @Test
  @Timeout(10)
  void connectToAListenerWithAFullBacklogFailsInsteadOfHangingInProgress(@TempDir Path dir)
      throws Exception {
    // A Unix stream connect never completes asynchronously: with the listener's backlog (1024)
    // full, a non-blocking connect fails with EAGAIN, and the socket is not connecting.
    Path path = dir.resolve("full.sock");
    java.util.List<UnixStream> clients = new java.util.ArrayList<>();
    try (UnixListener listener = UnixListener.bind(backend(), path)) {
      IOException refused = null;
      for (int i = 0; i < 1100 && refused == null; i++) {
        try {
          clients.add(UnixStream.connect(backend(), path));
        } catch (IOException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "every one of " + clients.size() + " connects 'succeeded'");
      for (UnixStream c : clients) {
        assertTrue(c.finishConnect(), "a connect the listener queued is complete");
      }
    } finally {
      for (UnixStream c : clients) {
        c.close();
      }
    }
  }
}
