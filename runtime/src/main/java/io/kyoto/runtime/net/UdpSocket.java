package io.kyoto.runtime.net;

import io.kyoto.reactor.IoResult;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.io.ReadinessFuture;
import io.kyoto.runtime.internal.io.Registration;
import io.kyoto.runtime.internal.io.ScheduledIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A UDP socket on the runtime's I/O driver: tokio's {@code UdpSocket}.
 *
 * <p><b>Thread safety:</b> one receiving task and one sending task at a time.
 */
public final class UdpSocket implements AutoCloseable {
  private final io.kyoto.reactor.UdpSocket raw;
  private final Registration registration;

  private UdpSocket(io.kyoto.reactor.UdpSocket raw, IoDriver driver) throws IOException {
    this.raw = raw;
    this.registration = Registration.register(driver, raw);
  }

  /**
   * Binds to {@code hostPort}, resolving the host on the blocking pool.
   *
   * @param hostPort {@code "host:port"}; port 0 picks a free port
   * @return a future of the socket
   */
  public static Future<UdpSocket> bind(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    return Resolver.resolve(hostPort).map(UdpSocket::bindFirst);
  }

  /**
   * Binds to {@code address}.
   *
   * @param address a resolved address
   * @return a future of the socket (bound when first polled, inside the runtime)
   */
  public static Future<UdpSocket> bind(InetSocketAddress address) {
    InetSocketAddress a = Resolver.requireResolved(address);
    return Futures.fromSupplier(() -> bindFirst(List.of(a)));
  }

  private static UdpSocket bindFirst(List<InetSocketAddress> addresses) throws IOException {
    return Resolver.bindFirst(
        addresses,
        (driver, a) -> new UdpSocket(io.kyoto.reactor.UdpSocket.bind(driver.backend(), a), driver));
  }

  /**
   * Polls to send one datagram to {@code target}.
   *
   * @param cx the task's context
   * @param src the datagram (position to limit); the position advances
   * @param target the receiver
   * @return ready with the number of bytes sent
   * @throws IOException if sending fails
   */
  public Poll<Integer> pollSendTo(Context cx, ByteBuffer src, InetSocketAddress target)
      throws IOException {
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.WRITE_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      int n = target == null ? raw.send(src) : raw.sendTo(src, target);
      if (n == IoResult.WOULD_BLOCK) {
        registration.clearReadiness(ready, ScheduledIo.WRITABLE);
        continue;
      }
      return Poll.ready(n);
    }
  }

  /**
   * Polls to receive one datagram.
   *
   * @param cx the task's context
   * @param dst where to put it; excess bytes are discarded
   * @return ready with the sender's address
   * @throws IOException if receiving fails
   */
  public Poll<InetSocketAddress> pollRecvFrom(Context cx, ByteBuffer dst) throws IOException {
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.READ_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      InetSocketAddress from = raw.receiveFrom(dst);
      if (from == null) {
        registration.clearReadiness(ready, ScheduledIo.READABLE);
        continue;
      }
      return Poll.ready(from);
    }
  }

  /**
   * Sends one datagram to {@code target}.
   *
   * <p><b>Cancel safety:</b> cancel safe: a cancelled send sent nothing, and withdraws its task's
   * wake-up.
   *
   * @param src the datagram
   * @param target the receiver
   * @return a future of the number of bytes sent
   */
  public Future<Integer> sendTo(ByteBuffer src, InetSocketAddress target) {
    Objects.requireNonNull(target, "target");
    return sending(src, target);
  }

  /**
   * Receives one datagram.
   *
   * <p><b>Cancel safety:</b> cancel safe: a cancelled receive took no datagram, and withdraws its
   * task's wake-up.
   *
   * @param dst where to put it; excess bytes are discarded
   * @return a future of the sender's address
   */
  public Future<InetSocketAddress> recvFrom(ByteBuffer dst) {
    return new ReadinessFuture<>(registration, ScheduledIo.READ_INTEREST) {
      @Override
      protected Poll<InetSocketAddress> pollOperation(Context cx) throws IOException {
        return pollRecvFrom(cx, dst);
      }
    };
  }

  /**
   * Fixes the peer: {@link #send} goes to it and only its datagrams are received.
   *
   * @param peer a resolved address
   * @throws IOException if connecting fails
   */
  public void connect(InetSocketAddress peer) throws IOException {
    raw.connect(Resolver.requireResolved(peer));
  }

  /**
   * Sends one datagram to the connected peer.
   *
   * <p><b>Cancel safety:</b> cancel safe.
   *
   * @param src the datagram
   * @return a future of the number of bytes sent
   */
  public Future<Integer> send(ByteBuffer src) {
    return sending(src, null);
  }

  private Future<Integer> sending(ByteBuffer src, InetSocketAddress target) {
    return new ReadinessFuture<>(registration, ScheduledIo.WRITE_INTEREST) {
      @Override
      protected Poll<Integer> pollOperation(Context cx) throws IOException {
        return pollSendTo(cx, src, target);
      }
    };
  }

  /**
   * Receives one datagram from the connected peer.
   *
   * <p><b>Cancel safety:</b> cancel safe.
   *
   * @param dst where to put it
   * @return a future of the number of bytes received
   */
  public Future<Integer> recv(ByteBuffer dst) {
    return new ReadinessFuture<>(registration, ScheduledIo.READ_INTEREST) {
      @Override
      protected Poll<Integer> pollOperation(Context cx) throws IOException {
        int before = dst.position();
        Poll<InetSocketAddress> p = pollRecvFrom(cx, dst);
        return p.isReady() ? Poll.ready(dst.position() - before) : Poll.pending();
      }
    };
  }

  /**
   * Allows sending to broadcast addresses.
   *
   * @param on whether to allow it
   * @throws IOException if the socket is closed
   */
  public void setBroadcast(boolean on) throws IOException {
    raw.setBroadcast(on);
  }

  /**
   * {@return the local address}
   *
   * @throws UncheckedIOException if the socket is closed
   */
  public InetSocketAddress localAddress() {
    try {
      return raw.localAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the socket; waiting tasks fail with a closed error. Idempotent. */
  @Override
  public void close() {
    registration.deregister();
    try {
      raw.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
