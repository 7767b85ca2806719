package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.acceptOne;
import static io.kyoto.reactor.ReactorTestSupport.acceptThroughPoll;
import static io.kyoto.reactor.ReactorTestSupport.awaitConnected;
import static io.kyoto.reactor.ReactorTestSupport.bindLoopback;
import static io.kyoto.reactor.ReactorTestSupport.drain;
import static io.kyoto.reactor.ReactorTestSupport.filled;
import static io.kyoto.reactor.ReactorTestSupport.isLinux;
import static io.kyoto.reactor.ReactorTestSupport.loopbackAnyPort;
import static io.kyoto.reactor.ReactorTestSupport.openFileLimit;
import static io.kyoto.reactor.ReactorTestSupport.plainConnect;
import static io.kyoto.reactor.ReactorTestSupport.pump;
import static io.kyoto.reactor.ReactorTestSupport.readAtLeast;
import static io.kyoto.reactor.ReactorTestSupport.readToEof;
import static io.kyoto.reactor.ReactorTestSupport.utf8;
import static io.kyoto.reactor.ReactorTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.ReactorTestSupport.Kind;
import io.kyoto.reactor.ReactorTestSupport.Poller;
import io.kyoto.reactor.ReactorTestSupport.Seen;
import io.kyoto.reactor.ReactorTestSupport.Step;
import io.kyoto.reactor.ReactorTestSupport.TcpPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link TcpListener} and {@link TcpStream} under a {@link Poll}: readiness and
 * draining, connecting, resets and half-close, socket options, a thousand connections on one poll,
 * and reads and writes through heap, direct, read-only and vectored buffers.
 */
abstract class TcpContract extends BackendContract {
  // == readiness and draining =================================================================

  @Test
  @Timeout(10)
  void dataWrittenByThePeerMakesTheStreamReadable() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);

      assertEquals(5, pair.client().write(ByteBuffer.wrap(utf8("hello"))));
      Seen e = p.awaitReadable(SERVER);
      assertTrue(e.readable(), e.toString());
      assertEquals("hello", utf8(readAtLeast(p, SERVER, pair.server()::read, 5)));
      assertEquals(IoResult.WOULD_BLOCK, pair.server().read(ByteBuffer.allocate(16)));
    }
  }

  @Test
  @Timeout(10)
  void newDataAfterDrainingToWouldBlockProducesANewEvent() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);
      ByteBuffer scratch = ByteBuffer.allocate(64);

      for (int round = 0; round < 5; round++) {
        p.discardBacklog();
        String msg = "round-" + round;
        pair.client().write(ByteBuffer.wrap(utf8(msg)));
        p.awaitReadable(SERVER);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int end = drain(pair.server()::read, scratch, got);
        while (got.size() < msg.length() && end == IoResult.WOULD_BLOCK) {
          p.awaitReadable(SERVER); // the segment may arrive after a spurious event
          end = drain(pair.server()::read, scratch, got);
        }
        assertEquals(IoResult.WOULD_BLOCK, end, "drained to would-block, not end of stream");
        assertEquals(msg, utf8(got.toByteArray()));
      }
    }
  }

  @Test
  @Timeout(30)
  void oneMebibyteArrivesIntactThroughDrainLoopsWithASmallBuffer() throws Exception {
    byte[] payload = new byte[1 << 20];
    new Random(42).nextBytes(payload);
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.WRITABLE);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);

      ByteBuffer src = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
      ByteBuffer small = ByteBuffer.allocate(1000);
      int[] received = {0};
      boolean[] eof = {false};
      Step writer =
          e -> {
            while (src.hasRemaining()) {
              int n = pair.client().write(src);
              if (n == IoResult.WOULD_BLOCK) {
                return; // wait for the next writable event
              }
              assertTrue(n > 0, "write returned " + n);
            }
            if (!eof[0]) {
              eof[0] = true;
              pair.client().shutdownOutput();
            }
          };
      Step reader =
          e -> {
            while (true) {
              small.clear();
              int n = pair.server().read(small);
              if (n == IoResult.WOULD_BLOCK) {
                return;
              }
              if (n == IoResult.EOF) {
                assertEquals(payload.length, received[0], "end of stream before all bytes");
                received[0] = -1;
                return;
              }
              assertTrue(received[0] + n <= payload.length, "more bytes than were sent");
              for (int i = 0; i < n; i++) {
                if (small.get(i) != payload[received[0] + i]) {
                  fail("byte " + (received[0] + i) + " differs from what was sent");
                }
              }
              received[0] += n;
            }
          };
      pump(
          p,
          Map.of(CLIENT, writer, SERVER, reader),
          () -> received[0] == -1,
          Duration.ofSeconds(20),
          "1 MiB to cross the connection (" + received[0] + " bytes so far)");
      assertFalse(src.hasRemaining());
    }
  }

  @Test
  @Timeout(20)
  void aWritableEventFollowsWouldBlockOnceThePeerReads() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.WRITABLE);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);
      p.awaitWritable(CLIENT);

      // Fill the socket buffers until the write would block (loopback buffers hold megabytes).
      ByteBuffer chunk = ByteBuffer.allocateDirect(256 * 1024);
      long written = 0;
      while (true) {
        chunk.clear();
        int n = pair.client().write(chunk);
        if (n == IoResult.WOULD_BLOCK) {
          break;
        }
        assertTrue(n > 0, "write returned " + n);
        written += n;
        assertTrue(written < (256L << 20), "256 MiB written without ever blocking");
      }
      p.discardBacklog();

      // The peer drains everything; only a new writable event may tell the writer to go on.
      long read = 0;
      ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
      while (read < written) {
        in.clear();
        int n = pair.server().read(in);
        if (n == IoResult.WOULD_BLOCK) {
          p.awaitReadable(SERVER);
        } else {
          assertTrue(n > 0, "read returned " + n + " after " + read + " of " + written);
          read += n;
        }
      }
      assertEquals(written, read);
      p.awaitWritable(CLIENT);
      assertNotEquals(IoResult.WOULD_BLOCK, pair.client().write(ByteBuffer.wrap(utf8("more"))));
    }
  }

  // == resets and half-close ==================================================================

  @Test
  @Timeout(10)
  void shuttingDownAStreamThePeerResetSucceedsOnEveryBackend() throws Exception {
    try (Poll poll = newPoll();
        TcpListener listener = bindLoopback(backend());
        Socket peer = plainConnect(listener.localAddress());
        TcpStream server = acceptThroughPoll(backend(), listener)) {
      poll.registry().register(server, Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);
      peer.setSoLinger(true, 0);
      peer.close(); // RST
      p.awaitAny(SERVER);
      ByteBuffer buf = ByteBuffer.allocate(64);
      try {
        while (server.read(buf) == IoResult.WOULD_BLOCK) {
          p.awaitAny(SERVER);
        }
      } catch (IOException expected) {
        // the reset, reported by the read (see aPeerResetFailsTheRead)
      }
      // What a copy does at its end: shut down the write half. The JDK ignores ENOTCONN here;
      // both backends must behave the same.
      server.shutdownOutput();
      server.shutdownInput();
    }
  }

  @Test
  @Timeout(10)
  void aPeerResetFailsTheRead() throws Exception {
    try (Poll poll = newPoll();
        TcpListener listener = bindLoopback(backend());
        Socket peer = plainConnect(listener.localAddress());
        TcpStream server = acceptThroughPoll(backend(), listener)) {
      poll.registry().register(server, Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);

      peer.setSoLinger(true, 0);
      peer.close(); // SO_LINGER 0: the close sends RST, not FIN

      IOException failure = null;
      boolean eof = false;
      ByteBuffer buf = ByteBuffer.allocate(64);
      Seen first = p.awaitAny(SERVER);
      if (isEpoll()) {
        // Documented: the epoll backend reports the reset as a hint (EPOLLERR / EPOLLHUP).
        Seen hint =
            first.error() || first.writeClosed()
                ? first
                : p.await(SERVER, e -> e.error() || e.writeClosed(), "an error hint");
        assertTrue(hint.readable(), "the hint comes with readable: " + hint);
      }
      while (failure == null && !eof) {
        try {
          int n = server.read(buf);
          if (n == IoResult.WOULD_BLOCK) {
            p.awaitAny(SERVER); // a spurious event: wait for the next one
            continue;
          }
          assertTrue(n < 0, "the peer sent no data, yet read returned " + n);
          eof = true;
        } catch (IOException e) {
          failure = e;
        }
      }
      if (isLinux()) {
        // Linux reports a received RST as ECONNRESET on the next read, before end of stream.
        assertNotNull(failure, "a reset connection must fail the read on Linux, not end it");
        if (isEpoll()) {
          NativeIoException ne = assertInstanceOf(NativeIoException.class, failure);
          assertEquals("ECONNRESET", ne.errnoName(), ne.getMessage());
        }
      } else {
        // Other kernels may surface a reset as end of stream; both end the connection.
        assertTrue(failure != null || eof);
      }
    }
  }

  @Test
  @Timeout(10)
  void peerShutdownOutputEndsOurReadsAfterTheDataAndWeCanStillWrite() throws Exception {
    try (Poll poll = newPoll();
        TcpListener listener = bindLoopback(backend());
        Socket peer = plainConnect(listener.localAddress());
        TcpStream server = acceptThroughPoll(backend(), listener)) {
      poll.registry().register(server, Token.of(SERVER), Interest.READABLE_WRITABLE);
      Poller p = new Poller(poll);

      peer.getOutputStream().write(utf8("request"));
      peer.shutdownOutput();
      if (isEpoll()) {
        // Documented: the epoll backend reports the half-close as a hint (EPOLLRDHUP).
        Seen hint = p.await(SERVER, Seen::readClosed, "a read-closed hint");
        assertTrue(hint.readable(), "read-closed comes with readable: " + hint);
      }

      assertEquals("request", utf8(readToEof(p, SERVER, server::read)));
      assertEquals(IoResult.EOF, server.read(ByteBuffer.allocate(8)), "end of stream is sticky");

      writeAll(p, SERVER, server::write, ByteBuffer.wrap(utf8("response")));
      server.shutdownOutput();
      InputStream in = peer.getInputStream();
      assertEquals("response", utf8(in.readNBytes(8)));
      assertEquals(-1, in.read(), "our shutdownOutput sent FIN");
    }
  }

  @Test
  @Timeout(10)
  void ourShutdownOutputGivesThePeerEndOfStream() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.READABLE_WRITABLE);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE_WRITABLE);
      Poller p = new Poller(poll);

      writeAll(p, CLIENT, pair.client()::write, ByteBuffer.wrap(utf8("last words")));
      pair.client().shutdownOutput();
      assertThrows(
          IOException.class,
          () -> pair.client().write(ByteBuffer.wrap(utf8("more"))),
          "writing after shutdownOutput fails");
      assertEquals("last words", utf8(readToEof(p, SERVER, pair.server()::read)));

      // The other direction still works.
      writeAll(p, SERVER, pair.server()::write, ByteBuffer.wrap(utf8("reply")));
      assertEquals("reply", utf8(readAtLeast(p, CLIENT, pair.client()::read, 5)));

      // shutdownInput: later reads return end of stream.
      pair.server().shutdownInput();
      assertEquals(IoResult.EOF, pair.server().read(ByteBuffer.allocate(8)));

      pair.server().close();
      assertEquals(0, readToEof(p, CLIENT, pair.client()::read).length);
    }
  }

  // == connecting =============================================================================

  @Test
  @Timeout(10)
  void connectingToAPortWithoutListenerFails() throws Exception {
    InetSocketAddress dead;
    try (TcpListener l = bindLoopback(backend())) {
      dead = l.localAddress();
    }
    IOException failure = null;
    TcpStream stream = null;
    try {
      stream = TcpStream.connect(backend(), dead);
    } catch (IOException immediate) {
      failure = immediate;
    }
    if (stream != null) {
      try (Poll poll = newPoll();
          TcpStream s = stream) {
        poll.registry().register(s, Token.of(CLIENT), Interest.WRITABLE);
        Poller p = new Poller(poll);
        while (failure == null) {
          p.awaitAny(CLIENT);
          try {
            assertFalse(s.finishConnect(), "connected to " + dead + " where nothing listens");
          } catch (IOException e) {
            failure = e;
          }
        }
        assertThrows(IOException.class, s::finishConnect, "a failed connect keeps failing");
        assertThrows(IOException.class, s::peerAddress, "a failed connect has no peer");
        // The stream stays open to its owner on both backends (the JDK closed nio's channel; a
        // raw socket stays open until closed): no error to take, the end of the stream to read,
        // and it can be deregistered and closed.
        assertTrue(s.isOpen(), "open until its owner closes it");
        assertNull(s.takeError());
        assertEquals(IoResult.EOF, s.read(ByteBuffer.allocate(8)));
        poll.registry().deregister(s);
        s.close();
        assertFalse(s.isOpen());
        assertThrows(IOException.class, () -> s.read(ByteBuffer.allocate(8)));
      }
    }
    assertNotNull(failure);
    // The JDK's type on both backends, so that `catch (ConnectException e)` works on either; on
    // epoll the errno is still there, as the cause.
    assertInstanceOf(ConnectException.class, failure, failure.toString());
    if (isEpoll()) {
      NativeIoException ne = assertInstanceOf(NativeIoException.class, failure.getCause());
      assertEquals("ECONNREFUSED", ne.errnoName(), ne.getMessage());
      assertEquals(ne.getMessage(), failure.getMessage());
    }
  }

  @Test
  @Timeout(10)
  void finishConnectCompletesAndAddressesMatch() throws Exception {
    try (Poll poll = newPoll();
        TcpListener listener = bindLoopback(backend())) {
      InetSocketAddress bound = listener.localAddress();
      assertEquals(InetAddress.getByName("127.0.0.1"), bound.getAddress());
      assertNotEquals(0, bound.getPort(), "port 0 is replaced by the port the kernel chose");

      TcpStream client = TcpStream.connect(backend(), bound);
      try (client) {
        Poller p = new Poller(poll);
        poll.registry().register(client, Token.of(CLIENT), Interest.WRITABLE);
        poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
        try (TcpStream server = acceptOne(p, LISTENER, listener::accept)) {
          awaitConnected(p, CLIENT, client::finishConnect);
          assertTrue(client.finishConnect(), "finishConnect stays true once connected");
          assertNull(client.takeError(), "a healthy connection has no pending error");
          assertNull(server.takeError(), "a healthy connection has no pending error");

          assertEquals(bound, client.peerAddress());
          assertEquals(bound, server.localAddress());
          assertEquals(client.localAddress(), server.peerAddress());
          assertEquals(bound.getAddress(), client.localAddress().getAddress());
          assertNotEquals(0, client.localAddress().getPort());
        }
      }
    }
  }

  // == options ================================================================================

  @Test
  @Timeout(10)
  void tcpNoDelayCanBeSetAndRead() throws Exception {
    try (TcpPair pair = newPair()) {
      for (TcpStream s : List.of(pair.client(), pair.server())) {
        s.setNoDelay(true);
        assertTrue(s.noDelay());
        s.setNoDelay(false);
        assertFalse(s.noDelay());
        s.setNoDelay(true);
        assertTrue(s.noDelay());
      }
      pair.client().close();
      assertThrows(IOException.class, () -> pair.client().noDelay(), "the stream is closed");
    }
  }

  @Test
  @Timeout(10)
  void keepAliveCanBeSetAndRead() throws Exception {
    try (TcpPair pair = newPair()) {
      for (TcpStream s : List.of(pair.client(), pair.server())) {
        assertFalse(s.keepAlive(), "off by default");
        s.setKeepAlive(true);
        assertTrue(s.keepAlive());
        s.setKeepAlive(false);
        assertFalse(s.keepAlive());
      }
      pair.client().close();
      assertThrows(
          IOException.class, () -> pair.client().setKeepAlive(true), "the stream is closed");
    }
  }

  @Test
  @Timeout(10)
  void bufferSizesReadBackAsSetOnEveryBackend() throws Exception {
    try (TcpPair pair = newPair()) {
      TcpStream s = pair.client();
      s.setReceiveBufferSize(64 * 1024);
      s.setSendBufferSize(32 * 1024);
      // Linux keeps as much again for bookkeeping; both backends report the value set, as the
      // JDK's sockets do (rmem_max and wmem_max are larger than these by default).
      assertEquals(64 * 1024, s.receiveBufferSize());
      assertEquals(32 * 1024, s.sendBufferSize());
      s.setReceiveBufferSize(8 * 1024);
      assertEquals(8 * 1024, s.receiveBufferSize());
      assertThrows(IllegalArgumentException.class, () -> s.setSendBufferSize(0));
      pair.client().close();
      assertThrows(IOException.class, () -> pair.client().receiveBufferSize(), "closed");
    }
  }

  @Test
  @Timeout(10)
  void reusePortLetsTwoListenersBindTheSamePort() throws Exception {
    try (TcpListener first =
        TcpListener.builder().backend(backend()).reusePort(true).bind(loopbackAnyPort())) {
      InetSocketAddress address = first.localAddress();
      try (TcpListener second =
          TcpListener.builder().backend(backend()).reusePort(true).bind(address)) {
        assertEquals(address, second.localAddress());
        assertTrue(first.isOpen() && second.isOpen());
      }
      java.net.BindException inUse =
          assertThrows(
              java.net.BindException.class,
              () -> TcpListener.builder().backend(backend()).bind(address).close(),
              "without SO_REUSEPORT the port of a live listener is in use (a BindException on"
                  + " both backends)");
      if (isEpoll()) {
        NativeIoException ne = assertInstanceOf(NativeIoException.class, inUse.getCause());
        assertEquals("EADDRINUSE", ne.errnoName());
      }
    }
  }

  // == scale ==================================================================================

  @Test
  @Timeout(60)
  void aThousandConnectionsEchoThroughOnePollOnOneThread() throws Exception {
    int n = 1000;
    long limit = openFileLimit();
    assumeTrue(limit < 0 || limit >= 2 * n + 200, "ulimit -n is " + limit + ", too low for 1000");
    long clientBase = 10_000;
    long serverBase = 20_000;
    TcpStream[] clients = new TcpStream[n];
    List<TcpStream> servers = new ArrayList<>();
    try (Poll poll = newPoll();
        TcpListener listener = bindLoopback(backend())) {
      Poller p = new Poller(poll, 1024);
      poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
      InetSocketAddress address = listener.localAddress();

      byte[][] messages = new byte[n][];
      ByteBuffer[] outgoing = new ByteBuffer[n];
      ByteArrayOutputStream[] echoed = new ByteArrayOutputStream[n];
      boolean[] connected = new boolean[n];
      List<ByteBuffer> pendingEcho = new ArrayList<>();
      ByteBuffer scratch = ByteBuffer.allocateDirect(256);
      int started = 0;
      int complete = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();

      while (complete < n) {
        // Start connects in waves so the accept queue never overflows.
        for (int k = 0; k < 100 && started < n; k++, started++) {
          messages[started] = utf8(String.format("client %04d says hi", started));
          outgoing[started] = ByteBuffer.wrap(messages[started]);
          echoed[started] = new ByteArrayOutputStream();
          clients[started] = TcpStream.connect(backend(), address);
          poll.registry()
              .register(
                  clients[started], Token.of(clientBase + started), Interest.READABLE_WRITABLE);
        }
        assertTrue(
            System.nanoTime() < deadline,
            complete + " of " + n + " echoes after 40 s; " + servers.size() + " accepted");
        List<Seen> seen = p.pollOnce(started < n ? Duration.ZERO : Duration.ofMillis(100));
        p.discardBacklog();
        for (Seen e : seen) {
          long t = e.token();
          if (t == LISTENER) {
            TcpStream s;
            while ((s = listener.accept()) != null) {
              poll.registry()
                  .register(s, Token.of(serverBase + servers.size()), Interest.READABLE_WRITABLE);
              servers.add(s);
              pendingEcho.add(ByteBuffer.allocate(256).flip());
            }
          } else if (t >= serverBase) {
            int j = (int) (t - serverBase);
            TcpStream s = servers.get(j);
            ByteBuffer pending = pendingEcho.get(j);
            echo(s, pending, scratch);
          } else if (t >= clientBase) {
            int i = (int) (t - clientBase);
            TcpStream c = clients[i];
            if (!connected[i] && e.writable()) {
              connected[i] = c.finishConnect();
            }
            if (!connected[i]) {
              continue;
            }
            while (outgoing[i].hasRemaining()) {
              if (c.write(outgoing[i]) == IoResult.WOULD_BLOCK) {
                break;
              }
            }
            int before = echoed[i].size();
            int end = drain(c::read, scratch, echoed[i]);
            assertNotEquals(IoResult.EOF, end, "client " + i + " saw end of stream");
            if (before < messages[i].length && echoed[i].size() >= messages[i].length) {
              assertArrayEquals(messages[i], echoed[i].toByteArray(), "echo of client " + i);
              complete++;
            }
          } else {
            fail("unexpected token " + t);
          }
        }
      }
      assertEquals(n, servers.size(), "every connection was accepted once");
    } finally {
      for (TcpStream c : clients) {
        if (c != null) {
          c.close();
        }
      }
      for (TcpStream s : servers) {
        s.close();
      }
    }
  }

  /** Reads what is there and writes it back, draining both directions to would-block. */
  private static void echo(TcpStream s, ByteBuffer pending, ByteBuffer scratch) throws IOException {
    while (true) {
      if (pending.hasRemaining()) {
        if (s.write(pending) == IoResult.WOULD_BLOCK) {
          return; // a writable event follows
        }
        continue;
      }
      scratch.clear();
      int n = s.read(scratch);
      if (n == IoResult.WOULD_BLOCK || n == IoResult.EOF) {
        return;
      }
      pending.clear();
      pending.put(scratch.flip()).flip();
    }
  }

  // == buffers ================================================================================

  static Stream<Arguments> bufferKinds() {
    return Stream.of(
        Arguments.of(Kind.HEAP, Kind.HEAP),
        Arguments.of(Kind.DIRECT, Kind.DIRECT),
        Arguments.of(Kind.HEAP_SLICE, Kind.DIRECT_SLICE),
        Arguments.of(Kind.DIRECT_SLICE, Kind.HEAP_SLICE),
        Arguments.of(Kind.READ_ONLY_HEAP, Kind.DIRECT),
        Arguments.of(Kind.READ_ONLY_DIRECT, Kind.HEAP));
  }

  @ParameterizedTest(name = "write from {0}, read into {1}")
  @MethodSource("bufferKinds")
  @Timeout(10)
  void readAndWriteHonourPositionAndLimit(Kind srcKind, Kind dstKind) throws Exception {
    byte[] payload = utf8("0123456789");
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.WRITABLE);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);

      ByteBuffer src = srcKind.source(utf8("junk!"), payload);
      writeAll(p, CLIENT, pair.client()::write, src);
      assertEquals(5 + payload.length, src.position());

      // Read into the window [7, 12) of a 32-byte buffer.
      ByteBuffer dst = dstKind.allocate(32);
      for (int i = 0; i < 32; i++) {
        dst.put(i, (byte) '#');
      }
      dst.position(7).limit(12);
      while (dst.hasRemaining()) {
        int n = pair.server().read(dst);
        if (n == IoResult.WOULD_BLOCK) {
          p.awaitReadable(SERVER);
        } else {
          assertTrue(n > 0 && n <= 5, "read returned " + n + " into a 5-byte window");
        }
      }
      assertEquals(12, dst.position());
      assertEquals(0, pair.server().read(dst), "a full buffer reads 0 bytes");
      byte[] all = new byte[32];
      dst.duplicate().clear().get(all);
      assertEquals("#".repeat(7) + "01234" + "#".repeat(20), utf8(all), "only the window changed");

      dst.limit(32);
      int before = dst.position();
      while (dst.position() < before + 5) {
        int n = pair.server().read(dst);
        if (n == IoResult.WOULD_BLOCK) {
          p.awaitReadable(SERVER);
        } else {
          assertTrue(n > 0, "read returned " + n);
        }
      }
      dst.duplicate().clear().get(all);
      assertEquals("#".repeat(7) + "0123456789" + "#".repeat(15), utf8(all));
      assertEquals(IoResult.WOULD_BLOCK, pair.server().read(dst));
    }
  }

  @Test
  @Timeout(20)
  void vectoredWritesAndReadsMoveMixedBuffersInOrder() throws Exception {
    byte[] payload = new byte[7 + 100_000 + 100_003];
    new Random(7).nextBytes(payload);
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.WRITABLE);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      Poller p = new Poller(poll);

      ByteBuffer[] srcs = {
        Kind.HEAP_SLICE.source(new byte[3], Arrays.copyOfRange(payload, 0, 7)),
        Kind.DIRECT.source(new byte[0], Arrays.copyOfRange(payload, 7, 100_007)),
        Kind.READ_ONLY_HEAP.source(new byte[1], Arrays.copyOfRange(payload, 100_007, 200_010)),
      };
      ByteBuffer[] dsts = {
        ByteBuffer.allocateDirect(5),
        Kind.HEAP_SLICE.allocate(4096),
        ByteBuffer.allocateDirect(8191)
      };
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      Step writer =
          e -> {
            while (Arrays.stream(srcs).anyMatch(ByteBuffer::hasRemaining)) {
              long before = Arrays.stream(srcs).mapToLong(ByteBuffer::position).sum();
              long n = pair.client().write(srcs);
              if (n == IoResult.WOULD_BLOCK) {
                return;
              }
              long after = Arrays.stream(srcs).mapToLong(ByteBuffer::position).sum();
              assertTrue(n > 0, "gathering write returned " + n);
              assertEquals(after - before, n, "positions advanced by the count written");
            }
          };
      Step reader =
          e -> {
            while (true) {
              for (ByteBuffer d : dsts) {
                d.clear();
              }
              long n = pair.server().read(dsts);
              if (n == IoResult.WOULD_BLOCK) {
                return;
              }
              assertTrue(n > 0, "scattering read returned " + n);
              long filled = 0;
              for (ByteBuffer d : dsts) {
                filled += d.position();
                got.writeBytes(filled(d));
              }
              assertEquals(filled, n, "positions advanced by the count read");
            }
          };
      pump(
          p,
          Map.of(CLIENT, writer, SERVER, reader),
          () -> got.size() >= payload.length,
          Duration.ofSeconds(15),
          "the vectored transfer");
      assertArrayEquals(payload, got.toByteArray());
    }
  }
}
