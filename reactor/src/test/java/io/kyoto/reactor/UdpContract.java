package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.filled;
import static io.kyoto.reactor.ReactorTestSupport.isLinux;
import static io.kyoto.reactor.ReactorTestSupport.loopbackAnyPort;
import static io.kyoto.reactor.ReactorTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.ReactorTestSupport.Poller;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link UdpSocket} under a {@link Poll}: unconnected and connected datagrams,
 * refused sends and truncation.
 */
abstract class UdpContract extends BackendContract {
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
  void udpRejectsAnUnresolvedTargetOrPeerWithAnIllegalArgument() throws Exception {
    InetSocketAddress unresolved = InetSocketAddress.createUnresolved("kyoto.invalid", 9);
    try (UdpSocket a = UdpSocket.bind(backend(), loopbackAnyPort())) {
      assertThrows(
          IllegalArgumentException.class, () -> a.sendTo(ByteBuffer.wrap(utf8("x")), unresolved));
      assertThrows(IllegalArgumentException.class, () -> a.connect(unresolved));
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
}
