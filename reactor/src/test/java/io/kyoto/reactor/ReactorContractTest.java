package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.QUIET;
import static io.kyoto.reactor.ReactorTestSupport.WAIT;
import static io.kyoto.reactor.ReactorTestSupport.acceptOne;
import static io.kyoto.reactor.ReactorTestSupport.acceptThroughPoll;
import static io.kyoto.reactor.ReactorTestSupport.awaitConnected;
import static io.kyoto.reactor.ReactorTestSupport.awaitInsidePoll;
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
import static io.kyoto.reactor.ReactorTestSupport.tcpPair;
import static io.kyoto.reactor.ReactorTestSupport.unixPair;
import static io.kyoto.reactor.ReactorTestSupport.utf8;
import static io.kyoto.reactor.ReactorTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.ReactorTestSupport.BackgroundPoller;
import io.kyoto.reactor.ReactorTestSupport.Poller;
import io.kyoto.reactor.ReactorTestSupport.Seen;
import io.kyoto.reactor.ReactorTestSupport.Step;
import io.kyoto.reactor.ReactorTestSupport.TcpPair;
import io.kyoto.reactor.ReactorTestSupport.UnixPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reactor's contract (the javadoc of {@link Poll}, {@link Registry}, {@link Waker}, {@link
 * Events} and the sources), run against one {@link Backend} per subclass. Every test creates its
 * poll and sources with {@link #backend()} explicitly, so the default backend and the {@code
 * kyoto.reactor.backend} property play no part.
 *
 * <p>Tests only rely on what the contract guarantees: events are hints (an operation may still
 * return {@link IoResult#WOULD_BLOCK}), a new event is only guaranteed after draining, and timing
 * is checked with loose lower bounds only.
 */
abstract class ReactorContractTest {
  private static final long LISTENER = 0;
  private static final long CLIENT = 1;
  private static final long SERVER = 2;
  private static final long WAKER = 99;

  /** The backend under test; every poll and source of the suite is created with it. */
  protected abstract Backend backend();

  private Poll newPoll() throws IOException {
    return Poll.create(backend());
  }

  private TcpPair newPair() throws IOException {
    return tcpPair(backend());
  }

  private boolean isEpoll() {
    return backend() == Backend.EPOLL;
  }

  // == registration ===========================================================================

  @Test
  @Timeout(10)
  void registerReportsAConnectionPendingBeforeRegistration() throws Exception {
    try (Poll poll = newPoll();
        TcpListener listener = bindLoopback(backend());
        Socket peer = plainConnect(listener.localAddress())) {
      poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
      Poller p = new Poller(poll);

      p.awaitReadable(LISTENER);
      TcpStream accepted = acceptOne(p, LISTENER, listener::accept);
      try (accepted) {
        assertEquals(peer.getLocalSocketAddress(), accepted.peerAddress());
        assertNull(listener.accept(), "only one connection was pending: accept must return null");
      }
    }
  }

  @Test
  @Timeout(10)
  void registerReportsThatAConnectedStreamIsWritable() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.WRITABLE);
      poll.registry().register(pair.client(), Token.of(CLIENT), Interest.READABLE_WRITABLE);
      Poller p = new Poller(poll);

      p.awaitWritable(SERVER);
      p.awaitWritable(CLIENT);
      assertEquals(3, pair.server().write(ByteBuffer.wrap(utf8("abc"))), "the event was right");
      assertEquals("abc", utf8(readAtLeast(p, CLIENT, pair.client()::read, 3)));
    }
  }

  @Test
  @Timeout(10)
  void registryRejectsDoubleRegistrationAndUnregisteredSources() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      Registry registry = poll.registry();
      TcpStream s = pair.client();

      assertThrows(
          IOException.class,
          () -> registry.reregister(s, Token.of(1), Interest.READABLE),
          "reregister of a source that was never registered");
      assertThrows(
          IOException.class,
          () -> registry.deregister(s),
          "deregister of a source that was never registered");

      registry.register(s, Token.of(1), Interest.READABLE);
      assertThrows(
          IOException.class,
          () -> registry.register(s, Token.of(2), Interest.WRITABLE),
          "a second registration with the same poll");

      // The failed calls left the registration intact.
      pair.server().write(ByteBuffer.wrap(utf8("still registered")));
      Poller p = new Poller(poll);
      p.awaitReadable(1);
      assertEquals("still registered", utf8(readAtLeast(p, 1, s::read, 16)));
    }
  }

  @Test
  @Timeout(10)
  void aSourceIsRegisteredWithOnePollAtATime() throws Exception {
    try (Poll poll = newPoll();
        Poll other = newPoll();
        TcpPair pair = newPair()) {
      TcpStream s = pair.client();
      poll.registry().register(s, Token.of(1), Interest.READABLE);
      assertThrows(
          IOException.class,
          () -> other.registry().reregister(s, Token.of(3), Interest.READABLE),
          "reregister with a poll the source is not registered with");
      assertThrows(
          IOException.class,
          () -> other.registry().deregister(s),
          "deregister from a poll the source is not registered with");
      assertThrows(
          IOException.class,
          () -> other.registry().register(s, Token.of(3), Interest.READABLE),
          "registering with a second poll while registered with the first");
    }
  }

  @Test
  @Timeout(10)
  void registryRejectsClosedSources() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair();
        UdpSocket udp = UdpSocket.bind(backend(), loopbackAnyPort())) {
      pair.server().close();
      pair.listener().close();
      udp.close();
      assertFalse(pair.server().isOpen());
      assertThrows(
          IOException.class,
          () -> poll.registry().register(pair.server(), Token.of(1), Interest.READABLE));
      assertThrows(
          IOException.class,
          () -> poll.registry().register(pair.listener(), Token.of(2), Interest.READABLE));
      assertThrows(
          IOException.class, () -> poll.registry().register(udp, Token.of(3), Interest.READABLE));
    }
  }

  @Test
  @Timeout(10)
  void closedPollRejectsRegistrationPollingAndWakers() throws Exception {
    Poll poll = newPoll();
    try (TcpListener listener = bindLoopback(backend())) {
      poll.close();
      assertTrue(poll.isClosed());
      assertThrows(
          IllegalStateException.class,
          () -> poll.registry().register(listener, Token.of(1), Interest.READABLE));
      assertThrows(
          IllegalStateException.class, () -> poll.poll(Events.withCapacity(1), Duration.ZERO));
      assertThrows(
          IllegalStateException.class, () -> Waker.create(poll.registry(), Token.of(WAKER)));
      assertDoesNotThrow(poll::close, "close is idempotent");
      assertTrue(listener.isOpen(), "closing a poll leaves sources open");
    }
  }

  @Test
  @Timeout(10)
  void sourcesOutliveTheirPollAndCanJoinAnother() throws Exception {
    try (TcpPair pair = newPair()) {
      Poll first = newPoll();
      first.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      first.close();
      assertTrue(pair.server().isOpen(), "closing a poll leaves its sources open");

      try (Poll second = newPoll()) {
        second.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
        Poller p = new Poller(second);
        pair.client().write(ByteBuffer.wrap(utf8("new home")));
        p.awaitReadable(SERVER);
        assertEquals("new home", utf8(readAtLeast(p, SERVER, pair.server()::read, 8)));
      }
    }
  }

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

  // == spurious events and timeouts ===========================================================

  @Test
  @Timeout(10)
  void operationsAfterAnEventMayWouldBlockAndReadinessStillFollows() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE_WRITABLE);
      poll.registry().register(pair.listener(), Token.of(LISTENER), Interest.READABLE);
      Poller p = new Poller(poll);

      p.awaitWritable(SERVER);
      // Nothing was sent: reading is a "would block" result, never an exception.
      assertEquals(IoResult.WOULD_BLOCK, pair.server().read(ByteBuffer.allocate(8)));
      assertEquals(IoResult.WOULD_BLOCK, pair.server().read(ByteBuffer.allocateDirect(8)));
      assertEquals(
          IoResult.WOULD_BLOCK,
          pair.server().read(ByteBuffer.allocate(4), ByteBuffer.allocateDirect(4)));
      assertNull(pair.listener().accept(), "no pending connection: accept returns null");

      pair.client().write(ByteBuffer.wrap(utf8("late")));
      p.awaitReadable(SERVER);
      assertEquals("late", utf8(readAtLeast(p, SERVER, pair.server()::read, 4)));
    }
  }

  @Test
  @Timeout(10)
  void pollWithZeroTimeoutReturnsAtOnceWithoutEvents() throws Exception {
    try (Poll poll = newPoll()) {
      Events events = Events.withCapacity(8);
      for (int i = 0; i < 3; i++) {
        assertTimeoutPreemptively(
            WAIT, () -> poll.poll(events, Duration.ZERO), "a zero timeout must not block");
        assertTrue(events.isEmpty(), "nothing is registered, yet: " + events);
      }
    }
  }

  @Test
  @Timeout(10)
  void pollWithATimeoutWaitsAboutThatLong() throws Exception {
    try (Poll poll = newPoll();
        TcpListener idle = bindLoopback(backend())) {
      poll.registry().register(idle, Token.of(LISTENER), Interest.READABLE);
      Events events = Events.withCapacity(8);
      // Spurious early returns are allowed, so one of a few attempts must wait (loosely) 50 ms.
      long longestMillis = 0;
      for (int attempt = 0; attempt < 3 && longestMillis < 45; attempt++) {
        long start = System.nanoTime();
        poll.poll(events, Duration.ofMillis(50));
        longestMillis = Math.max(longestMillis, (System.nanoTime() - start) / 1_000_000);
        assertTrue(events.isEmpty(), "no connection was made, yet: " + events);
      }
      assertTrue(longestMillis >= 45, "poll(50 ms) returned after only " + longestMillis + " ms");
    }
  }

  @Test
  @Timeout(10)
  void subMillisecondTimeoutsAreRoundedUpNotDown() throws Exception {
    try (Poll poll = newPoll()) {
      Events events = Events.withCapacity(8);
      long longestNanos = 0;
      for (int attempt = 0; attempt < 5 && longestNanos < 300_000; attempt++) {
        long start = System.nanoTime();
        assertTimeoutPreemptively(
            WAIT,
            () -> poll.poll(events, Duration.ofNanos(300_000)),
            "a 0.3 ms timeout must not become 'wait forever'");
        longestNanos = Math.max(longestNanos, System.nanoTime() - start);
      }
      assertTrue(
          longestNanos >= 300_000,
          "poll(0.3 ms) returned after " + longestNanos + " ns: the timeout was rounded down");
    }
  }

  @Test
  @Timeout(10)
  void hugeTimeoutsDoNotOverflow() throws Exception {
    try (Poll poll = newPoll()) {
      Waker waker = Waker.create(poll.registry(), Token.of(WAKER));
      Events events = Events.withCapacity(4);
      for (Duration huge : List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofDays(365))) {
        waker.wake();
        assertTimeoutPreemptively(WAIT, () -> poll.poll(events, huge), "woken before polling");
        assertEquals(List.of(WAKER), Seen.all(events).stream().map(Seen::token).toList());
      }
    }
  }

  @Test
  @Timeout(10)
  void negativeTimeoutIsRejected() throws Exception {
    try (Poll poll = newPoll()) {
      assertThrows(
          IllegalArgumentException.class,
          () -> poll.poll(Events.withCapacity(1), Duration.ofMillis(-1)));
    }
  }

  // == waker ==================================================================================

  @Test
  @Timeout(10)
  void wakerWakesAThreadBlockedInPollWithoutTimeout() throws Exception {
    try (Poll poll = newPoll()) {
      Waker waker = Waker.create(poll.registry(), Token.of(WAKER));
      assertEquals(Token.of(WAKER), waker.token());
      CompletableFuture<Seen> woken = new CompletableFuture<>();
      Thread poller =
          Thread.ofPlatform()
              .daemon()
              .name("blocked-poller")
              .start(
                  () -> {
                    Events events = Events.withCapacity(8);
                    try {
                      while (!woken.isDone()) { // tolerate spurious returns
                        poll.poll(events, null);
                        for (Seen s : Seen.all(events)) {
                          if (s.token() == WAKER) {
                            woken.complete(s);
                          }
                        }
                      }
                    } catch (Throwable t) {
                      woken.completeExceptionally(t);
                    }
                  });
      awaitInsidePoll(poller);
      assertFalse(woken.isDone(), "poll(null) returned a waker event before the wake");

      waker.wake();
      Seen e = woken.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(e.readable(), "a waker event is readable: " + e);
      poller.join(WAIT.toMillis());
      assertFalse(poller.isAlive());
    }
  }

  @Test
  @Timeout(10)
  void wakesCoalesceAndTheWakerCanBeUsedAgain() throws Exception {
    try (Poll poll = newPoll()) {
      Waker waker = Waker.create(poll.registry(), Token.of(WAKER));
      Poller p = new Poller(poll);
      for (int i = 0; i < 5; i++) {
        waker.wake();
      }
      List<Seen> first = List.of();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (first.isEmpty() && System.nanoTime() < deadline) {
        first = p.pollOnce(WAIT); // tolerate spurious empty returns
      }
      assertEquals(
          1,
          first.stream().filter(s -> s.token() == WAKER).count(),
          "five wakes before a poll coalesce into one event: " + first);
      p.assertNoEvent(WAKER, QUIET, "the wakes were consumed by the first poll");

      Events events = Events.withCapacity(4);
      poll.poll(events, Duration.ZERO);
      assertTrue(events.isEmpty(), "poll clears the events first: " + events);

      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  waker.wake();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      p.await(WAKER, Seen::readable, "a second wake from another thread");
    }
  }

  @Test
  @Timeout(10)
  void aPollHasOnlyOneWaker() throws Exception {
    try (Poll poll = newPoll()) {
      Waker.create(poll.registry(), Token.of(WAKER));
      assertThrows(
          IllegalStateException.class, () -> Waker.create(poll.registry(), Token.of(WAKER + 1)));
    }
  }

  // == deregister and reregister ==============================================================

  @Test
  @Timeout(10)
  void deregisteredSourcesReportNothingAndCanBeRegisteredAgain() throws Exception {
    try (Poll poll = newPoll();
        Poll second = newPoll();
        TcpPair pair = newPair()) {
      Registry registry = poll.registry();
      Poller p = new Poller(poll);
      registry.register(pair.server(), Token.of(SERVER), Interest.READABLE);
      registry.deregister(pair.server());

      pair.client().write(ByteBuffer.wrap(utf8("while deregistered")));
      p.assertNoEvent(SERVER, QUIET, "the stream was deregistered");

      // Registering again reports the data that is already waiting.
      registry.register(pair.server(), Token.of(SERVER + 10), Interest.READABLE);
      p.awaitReadable(SERVER + 10);
      assertEquals(
          "while deregistered", utf8(readAtLeast(p, SERVER + 10, pair.server()::read, 18)));

      // After deregistering, another poll may take the source.
      registry.deregister(pair.server());
      second.registry().register(pair.server(), Token.of(7), Interest.READABLE);
      Poller q = new Poller(second);
      pair.client().write(ByteBuffer.wrap(utf8("moved")));
      q.awaitReadable(7);
      assertEquals("moved", utf8(readAtLeast(q, 7, pair.server()::read, 5)));
      p.assertNoEvent(SERVER + 10, QUIET, "the stream moved to another poll");
    }
  }

  @Test
  @Timeout(10)
  void reregisterChangesInterestAndToken() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      Registry registry = poll.registry();
      Poller p = new Poller(poll);
      registry.register(pair.server(), Token.of(10), Interest.READABLE);
      p.assertNoEvent(10, QUIET, "no data was sent");

      registry.reregister(pair.server(), Token.of(11), Interest.WRITABLE);
      Seen w = p.awaitWritable(11);
      assertTrue(w.writable(), w.toString());

      pair.client().write(ByteBuffer.wrap(utf8("data")));
      p.assertNoEvent(10, QUIET, "the old token is gone after reregister");

      registry.reregister(pair.server(), Token.of(12), Interest.READABLE);
      p.awaitReadable(12);
      assertEquals("data", utf8(readAtLeast(p, 12, pair.server()::read, 4)));
    }
  }

  @Test
  @Timeout(10)
  void reregisterReportsExistingReadinessAgainWithoutDraining() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      Registry registry = poll.registry();
      Poller p = new Poller(poll);
      registry.register(pair.server(), Token.of(20), Interest.READABLE);
      pair.client().write(ByteBuffer.wrap(utf8("unread")));
      p.awaitReadable(20);

      // Not drained, so no new event is guaranteed for token 20; reregister reports it anew.
      registry.reregister(pair.server(), Token.of(21), Interest.READABLE);
      p.awaitReadable(21);
      registry.reregister(pair.server(), Token.of(22), Interest.READABLE_WRITABLE);
      Seen both = p.await(22, e -> e.readable() || e.writable(), "an event after reregister");
      assertTrue(both.readable() || both.writable(), both.toString());
      assertEquals("unread", utf8(readAtLeast(p, 22, pair.server()::read, 6)));
    }
  }

  @Test
  @Timeout(10)
  void tokensAreArbitraryLongs() throws Exception {
    long[] tokens = {Long.MIN_VALUE, -1, Long.MAX_VALUE, 0x1234_5678_9abc_def0L};
    try (Poll poll = newPoll();
        UdpSocket sender = UdpSocket.bind(backend(), loopbackAnyPort())) {
      Poller p = new Poller(poll);
      List<UdpSocket> sockets = new ArrayList<>();
      try {
        for (long token : tokens) {
          UdpSocket s = UdpSocket.bind(backend(), loopbackAnyPort());
          sockets.add(s);
          poll.registry().register(s, Token.of(token), Interest.READABLE);
          sender.sendTo(ByteBuffer.wrap(utf8("t")), s.localAddress());
        }
        for (long token : tokens) {
          Seen e = p.awaitReadable(token);
          assertEquals(token, e.token());
        }
      } finally {
        ReactorTestSupport.closeAll(sockets.toArray(new UdpSocket[0]));
      }
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

  // == other threads ==========================================================================

  @Test
  @Timeout(10)
  void registrationFromAnotherThreadReachesABlockedPoller() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair();
        BackgroundPoller bg = new BackgroundPoller(poll, WAKER)) {
      bg.awaitBlocked();
      poll.registry().register(pair.server(), Token.of(30), Interest.WRITABLE);
      bg.await(30, Seen::writable, "the existing writable readiness of a new registration");

      bg.awaitBlocked();
      poll.registry().reregister(pair.server(), Token.of(31), Interest.READABLE);
      pair.client().write(ByteBuffer.wrap(utf8("x")));
      bg.await(31, Seen::readable, "a readable event after a reregister on another thread");
    }
  }

  @Test
  @Timeout(10)
  void drainingOnAnotherThreadLetsABlockedPollerReportNewData() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair();
        BackgroundPoller bg = new BackgroundPoller(poll, WAKER)) {
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE);
      ByteBuffer scratch = ByteBuffer.allocate(64);
      for (int round = 0; round < 3; round++) {
        String msg = "round " + round;
        pair.client().write(ByteBuffer.wrap(utf8(msg)));
        bg.await(SERVER, Seen::readable, "readable for " + msg);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int end = drain(pair.server()::read, scratch, got);
        while (got.size() < msg.length() && end == IoResult.WOULD_BLOCK) {
          bg.await(SERVER, Seen::readable, "the rest of " + msg);
          end = drain(pair.server()::read, scratch, got);
        }
        assertEquals(msg, utf8(got.toByteArray()));
        bg.awaitBlocked(); // the poller is blocked again before the next data arrives
      }
    }
  }

  @Test
  @Timeout(10)
  void closingASourceWhileAnotherThreadIsBlockedInPoll() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair();
        TcpPair other = newPair();
        BackgroundPoller bg = new BackgroundPoller(poll, WAKER)) {
      poll.registry().register(pair.server(), Token.of(40), Interest.READABLE);
      poll.registry().register(other.server(), Token.of(41), Interest.READABLE);
      bg.awaitBlocked();

      assertTimeoutPreemptively(WAIT, pair.server()::close, "close must not wait for the poll");
      try {
        pair.client().write(ByteBuffer.wrap(utf8("to nobody")));
      } catch (IOException ignored) {
        // may be reset already
      }
      bg.assertNoEvent(40, QUIET, "the stream was closed while another thread polled");

      other.client().write(ByteBuffer.wrap(utf8("alive")));
      bg.await(41, Seen::readable, "an event for a source that stayed open");
    }
  }

  // == closing ================================================================================

  @Test
  @Timeout(10)
  void closingARegisteredStreamSilencesIt() throws Exception {
    try (Poll poll = newPoll();
        TcpPair pair = newPair()) {
      Poller p = new Poller(poll);
      poll.registry().register(pair.server(), Token.of(SERVER), Interest.READABLE_WRITABLE);
      p.awaitWritable(SERVER);

      pair.server().close();
      assertFalse(pair.server().isOpen());
      assertDoesNotThrow(pair.server()::close, "close is idempotent");
      assertThrows(IOException.class, () -> pair.server().localAddress(), "the stream is closed");
      try {
        pair.client().write(ByteBuffer.wrap(utf8("to a closed peer")));
      } catch (IOException ignored) {
        // the peer's kernel may already have answered with a reset
      }
      pair.client().close();
      p.assertNoEvent(SERVER, QUIET, "the stream was closed while registered");

      // New sockets likely reuse the closed descriptor numbers: the old token must not come back.
      try (TcpPair next = newPair()) {
        poll.registry().register(next.server(), Token.of(SERVER + 100), Interest.READABLE);
        next.client().write(ByteBuffer.wrap(utf8("fresh")));
        p.awaitReadable(SERVER + 100);
        assertEquals("fresh", utf8(readAtLeast(p, SERVER + 100, next.server()::read, 5)));
        p.assertNoEvent(SERVER, QUIET, "a closed stream's token must not reappear");
      }
    }
  }

  @Test
  @Timeout(10)
  void closingThePollFromAnotherThreadReturnsTheBlockedPollerAndLaterPollsFail() throws Exception {
    Poll poll = newPoll();
    Waker waker = Waker.create(poll.registry(), Token.of(WAKER));
    CompletableFuture<Void> returned = new CompletableFuture<>();
    Thread poller =
        Thread.ofPlatform()
            .daemon()
            .name("poller-to-close")
            .start(
                () -> {
                  Events events = Events.withCapacity(8);
                  try {
                    while (!poll.isClosed()) { // tolerate spurious returns
                      poll.poll(events, null);
                    }
                    returned.complete(null);
                  } catch (Throwable t) {
                    returned.completeExceptionally(t);
                  }
                });
    awaitInsidePoll(poller);

    poll.close();
    try {
      returned.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // Only a spurious return racing with close may end in the "closed" exception.
      assertInstanceOf(IllegalStateException.class, e.getCause());
    }
    poller.join(WAIT.toMillis());
    assertFalse(poller.isAlive());

    assertThrows(IllegalStateException.class, () -> poll.poll(Events.withCapacity(1), null));
    assertDoesNotThrow(waker::wake, "waking a closed poll has no effect");
    assertDoesNotThrow(poll::close, "close is idempotent");
  }

  @Test
  @Timeout(10)
  void aSecondConcurrentPollIsRejected() throws Exception {
    try (Poll poll = newPoll()) {
      Waker waker = Waker.create(poll.registry(), Token.of(WAKER));
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread poller =
          Thread.ofPlatform()
              .daemon()
              .name("first-poller")
              .start(
                  () -> {
                    Events events = Events.withCapacity(8);
                    try {
                      while (!stop.get()) {
                        poll.poll(events, null);
                      }
                      done.complete(null);
                    } catch (Throwable t) {
                      done.completeExceptionally(t);
                    }
                  });
      awaitInsidePoll(poller);

      Events mine = Events.withCapacity(8);
      assertThrows(IllegalStateException.class, () -> poll.poll(mine, Duration.ZERO));
      assertThrows(IllegalStateException.class, () -> poll.poll(mine, null));

      stop.set(true);
      waker.wake();
      done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      poller.join(WAIT.toMillis());
      poll.poll(mine, Duration.ZERO); // the poll is free again
    }
  }

  // == resets and half-close ==================================================================

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
      }
    }
    assertNotNull(failure);
    if (isEpoll()) {
      NativeIoException ne = assertInstanceOf(NativeIoException.class, failure);
      assertEquals("ECONNREFUSED", ne.errnoName(), ne.getMessage());
    } else {
      assertInstanceOf(ConnectException.class, failure, failure.toString());
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
  void reusePortLetsTwoListenersBindTheSamePort() throws Exception {
    try (TcpListener first =
        TcpListener.builder().backend(backend()).reusePort(true).bind(loopbackAnyPort())) {
      InetSocketAddress address = first.localAddress();
      try (TcpListener second =
          TcpListener.builder().backend(backend()).reusePort(true).bind(address)) {
        assertEquals(address, second.localAddress());
        assertTrue(first.isOpen() && second.isOpen());
      }
      assertThrows(
          IOException.class,
          () -> TcpListener.builder().backend(backend()).bind(address).close(),
          "without SO_REUSEPORT the port of a live listener is in use");
    }
  }

  @Test
  @Timeout(10)
  void aPollRejectsSourcesOfTheOtherBackend() throws Exception {
    Backend other = isEpoll() ? Backend.NIO : Backend.EPOLL;
    assumeTrue(other.isAvailable(), "only one backend is available here");
    try (Poll poll = newPoll();
        TcpListener foreignListener = bindLoopback(other);
        UdpSocket foreignUdp = UdpSocket.bind(other, loopbackAnyPort())) {
      Registry registry = poll.registry();
      assertThrows(
          IllegalArgumentException.class,
          () -> registry.register(foreignListener, Token.of(1), Interest.READABLE));
      assertThrows(
          IllegalArgumentException.class,
          () -> registry.register(foreignUdp, Token.of(2), Interest.READABLE));
      assertThrows(
          IllegalArgumentException.class,
          () -> registry.reregister(foreignUdp, Token.of(2), Interest.READABLE));
      assertThrows(IllegalArgumentException.class, () -> registry.deregister(foreignUdp));
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

  /** The kinds of buffer a read or write must accept, by where their bytes start. */
  enum Kind {
    HEAP,
    HEAP_SLICE,
    DIRECT,
    DIRECT_SLICE,
    READ_ONLY_HEAP,
    READ_ONLY_DIRECT;

    ByteBuffer allocate(int capacity) {
      return switch (this) {
        case HEAP -> ByteBuffer.allocate(capacity);
        case HEAP_SLICE -> ByteBuffer.allocate(capacity + 13).position(13).slice();
        case DIRECT -> ByteBuffer.allocateDirect(capacity);
        case DIRECT_SLICE -> ByteBuffer.allocateDirect(capacity + 13).position(13).slice();
        case READ_ONLY_HEAP, READ_ONLY_DIRECT ->
            throw new IllegalStateException("build read-only buffers with readOnly()");
      };
    }

    /** A buffer holding {@code junk} then {@code payload}, positioned at the payload. */
    ByteBuffer source(byte[] junk, byte[] payload) {
      Kind base =
          switch (this) {
            case READ_ONLY_HEAP -> HEAP_SLICE;
            case READ_ONLY_DIRECT -> DIRECT_SLICE;
            default -> this;
          };
      ByteBuffer b = base.allocate(junk.length + payload.length + 5);
      b.put(junk).put(payload).put(new byte[5]).position(junk.length);
      b.limit(junk.length + payload.length);
      return this == READ_ONLY_HEAP || this == READ_ONLY_DIRECT ? b.asReadOnlyBuffer() : b;
    }
  }

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

  // == UDP ====================================================================================

  @Test
  @Timeout(10)
  void udpSendToAndReceiveFromThroughThePoll() throws Exception {
    try (Poll poll = newPoll();
        UdpSocket a = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket b = UdpSocket.bind(backend(), loopbackAnyPort())) {
      poll.registry().register(a, Token.of(1), Interest.READABLE);
      poll.registry().register(b, Token.of(2), Interest.READABLE);
      Poller p = new Poller(poll);
      assertNull(b.receiveFrom(ByteBuffer.allocate(8)), "nothing to receive yet");

      assertEquals(4, a.sendTo(ByteBuffer.wrap(utf8("ping")), b.localAddress()));
      assertEquals(6, a.sendTo(ByteBuffer.wrap(utf8("ping 2")), b.localAddress()));
      p.awaitReadable(2);
      List<String> received = new ArrayList<>();
      ByteBuffer buf = ByteBuffer.allocateDirect(1500);
      InetSocketAddress from = null;
      while (received.size() < 2) {
        buf.clear();
        InetSocketAddress sender = b.receiveFrom(buf);
        if (sender == null) {
          p.awaitReadable(2);
          continue;
        }
        from = sender;
        received.add(utf8(filled(buf)));
      }
      assertEquals(List.of("ping", "ping 2"), received, "one datagram per receive, in order");
      assertEquals(a.localAddress(), from);
      assertNull(b.receiveFrom(buf), "drained");

      b.sendTo(ByteBuffer.wrap(utf8("pong")), from);
      p.awaitReadable(1);
      ByteBuffer heap = ByteBuffer.allocate(16);
      assertEquals(b.localAddress(), a.receiveFrom(heap));
      assertEquals("pong", utf8(filled(heap)));
    }
  }

  @Test
  @Timeout(10)
  void udpConnectedSendAndReceive() throws Exception {
    try (Poll poll = newPoll();
        UdpSocket a = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket b = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket stranger = UdpSocket.bind(backend(), loopbackAnyPort())) {
      a.connect(b.localAddress());
      b.connect(a.localAddress());
      assertEquals(b.localAddress(), a.peerAddress());
      assertEquals(a.localAddress(), b.peerAddress());
      poll.registry().register(b, Token.of(2), Interest.READABLE);
      Poller p = new Poller(poll);

      ByteBuffer buf = ByteBuffer.allocate(64);
      assertEquals(IoResult.WOULD_BLOCK, b.receive(buf));
      stranger.sendTo(ByteBuffer.wrap(utf8("spam")), b.localAddress()); // dropped: not the peer
      assertEquals(5, a.send(ByteBuffer.wrap(utf8("hello"))));
      p.awaitReadable(2);
      int n;
      while ((n = b.receive(buf)) == IoResult.WOULD_BLOCK) {
        p.awaitReadable(2);
      }
      assertEquals(5, n);
      assertEquals("hello", utf8(filled(buf)));
      buf.clear();
      assertEquals(IoResult.WOULD_BLOCK, b.receive(buf), "the stranger's datagram was dropped");
    }
  }

  @Test
  @Timeout(10)
  void udpRejectsConnectedOperationsWhenNotConnected() throws Exception {
    try (UdpSocket a = UdpSocket.bind(backend(), loopbackAnyPort())) {
      assertThrows(IOException.class, a::peerAddress);
      assertThrows(IOException.class, () -> a.send(ByteBuffer.wrap(utf8("x"))));
      assertThrows(IOException.class, () -> a.receive(ByteBuffer.allocate(8)));
    }
  }

  @Test
  @Timeout(10)
  void udpConnectedToAClosedPortReportsTheRefusal() throws Exception {
    assumeTrue(isLinux(), "ICMP port-unreachable reporting differs between kernels");
    InetSocketAddress dead;
    try (UdpSocket gone = UdpSocket.bind(backend(), loopbackAnyPort())) {
      dead = gone.localAddress();
    }
    try (Poll poll = newPoll();
        UdpSocket a = UdpSocket.bind(backend(), loopbackAnyPort())) {
      a.connect(dead);
      poll.registry().register(a, Token.of(1), Interest.READABLE);
      Poller p = new Poller(poll);
      IOException refused = null;
      try {
        a.send(ByteBuffer.wrap(utf8("anyone?")));
        // Linux queues the ICMP port-unreachable as a socket error, which wakes readers.
        while (refused == null) {
          p.awaitAny(1);
          try {
            assertEquals(IoResult.WOULD_BLOCK, a.receive(ByteBuffer.allocate(16)));
          } catch (IOException e) {
            refused = e;
          }
        }
      } catch (IOException e) {
        refused = e;
      }
      assertNotNull(refused);
      if (isEpoll()) {
        NativeIoException ne = assertInstanceOf(NativeIoException.class, refused);
        assertEquals("ECONNREFUSED", ne.errnoName(), ne.getMessage());
      }
    }
  }

  @Test
  @Timeout(10)
  void udpDatagramLargerThanTheBufferIsTruncated() throws Exception {
    try (Poll poll = newPoll();
        UdpSocket a = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket b = UdpSocket.bind(backend(), loopbackAnyPort())) {
      poll.registry().register(b, Token.of(2), Interest.READABLE);
      Poller p = new Poller(poll);
      byte[] big = new byte[100];
      new Random(1).nextBytes(big);
      a.sendTo(ByteBuffer.wrap(big), b.localAddress());
      p.awaitReadable(2);
      ByteBuffer small = ByteBuffer.allocate(10);
      InetSocketAddress from;
      while ((from = b.receiveFrom(small)) == null) {
        p.awaitReadable(2);
      }
      assertEquals(a.localAddress(), from);
      assertArrayEquals(Arrays.copyOf(big, 10), filled(small));
      assertNull(b.receiveFrom(ByteBuffer.allocate(100)), "the rest of the datagram is discarded");
    }
  }

  // == Unix domain sockets ====================================================================

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

  // == events =================================================================================

  @Test
  @Timeout(10)
  void eventsCapacityIsRespectedAndTheRestComeLater() throws Exception {
    try (Poll poll = newPoll();
        UdpSocket sender = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket r1 = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket r2 = UdpSocket.bind(backend(), loopbackAnyPort());
        UdpSocket r3 = UdpSocket.bind(backend(), loopbackAnyPort())) {
      List<UdpSocket> receivers = List.of(r1, r2, r3);
      for (int i = 0; i < 3; i++) {
        sender.sendTo(ByteBuffer.wrap(utf8("d" + i)), receivers.get(i).localAddress());
        poll.registry().register(receivers.get(i), Token.of(i + 1), Interest.READABLE);
      }
      Events one = Events.withCapacity(1);
      assertEquals(1, one.capacity());
      Set<Long> tokens = new HashSet<>();
      int polls = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (tokens.size() < 3 && System.nanoTime() < deadline) {
        poll.poll(one, Duration.ofMillis(100));
        polls++;
        assertTrue(one.size() <= 1, "a capacity-1 buffer received " + one.size() + " events");
        for (Event e : one) {
          assertTrue(e.isReadable(), e.toString());
          tokens.add(e.tokenValue());
        }
      }
      assertEquals(Set.of(1L, 2L, 3L), tokens, "after " + polls + " polls");
      assertTrue(polls >= 3);
    }
  }
}
