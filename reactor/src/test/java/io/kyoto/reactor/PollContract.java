package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.QUIET;
import static io.kyoto.reactor.ReactorTestSupport.WAIT;
import static io.kyoto.reactor.ReactorTestSupport.acceptOne;
import static io.kyoto.reactor.ReactorTestSupport.awaitInsidePoll;
import static io.kyoto.reactor.ReactorTestSupport.bindLoopback;
import static io.kyoto.reactor.ReactorTestSupport.drain;
import static io.kyoto.reactor.ReactorTestSupport.loopbackAnyPort;
import static io.kyoto.reactor.ReactorTestSupport.plainConnect;
import static io.kyoto.reactor.ReactorTestSupport.readAtLeast;
import static io.kyoto.reactor.ReactorTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.ReactorTestSupport.BackgroundPoller;
import io.kyoto.reactor.ReactorTestSupport.Poller;
import io.kyoto.reactor.ReactorTestSupport.Seen;
import io.kyoto.reactor.ReactorTestSupport.TcpPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link Poll}, {@link Registry}, {@link Waker} and {@link Events}: registering,
 * reregistering and deregistering sources, poll timeouts and spurious events, the waker, closing a
 * poll or a registered source, polling from several threads, the capacity of {@link Events} and
 * sources of the other backend.
 */
abstract class PollContract extends BackendContract {
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
      // Every attempt says why: a failed create gives back the poll's one Waker slot (a second
      // attempt said "this Poll already has a Waker", and a retry after EMFILE failed so too).
      for (int attempt = 0; attempt < 2; attempt++) {
        IllegalStateException e =
            assertThrows(
                IllegalStateException.class, () -> Waker.create(poll.registry(), Token.of(WAKER)));
        assertFalse(e.getMessage().contains("already has a Waker"), e.getMessage());
      }
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

  // == backends ===============================================================================

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
}
