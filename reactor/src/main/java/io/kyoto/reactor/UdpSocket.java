package io.kyoto.reactor;

import io.kyoto.reactor.internal.DatagramHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A non-blocking UDP socket.
 *
 * <p>Register it for {@link Interest#READABLE} and, on each event, {@link #receiveFrom} until it
 * returns {@code null}. Each receive takes one whole datagram; bytes that do not fit the buffer are
 * discarded, so size the buffer for the largest datagram you accept (65,507 bytes for IPv4).
 *
 * <p>After {@link #connect(InetSocketAddress)}, {@link #send} and {@link #receive} talk to that
 * peer only, and datagrams from other addresses are dropped by the kernel.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class UdpSocket implements Source {
  private final DatagramHandle handle;

  private UdpSocket(DatagramHandle handle) {
    this.handle = handle;
  }

  /**
   * Binds a UDP socket on the default backend.
   *
   * @param address the local address; port 0 picks a free port
   * @return the socket
   * @throws IOException if the address cannot be bound
   */
  public static UdpSocket bind(InetSocketAddress address) throws IOException {
    return bind(Backend.current(), address);
  }

  /**
   * Binds a UDP socket on {@code backend}.
   *
   * @param backend the backend
   * @param address the local address; port 0 picks a free port
   * @return the socket
   * @throws IOException if the address cannot be bound
   */
  public static UdpSocket bind(Backend backend, InetSocketAddress address) throws IOException {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address is unresolved: " + address);
    }
    return new UdpSocket(backend.provider().bindUdp(address, false, false));
  }

  /**
   * Sends the buffer's remaining bytes as one datagram to {@code target}.
   *
   * @param src the datagram
   * @param target the receiver
   * @return the number of bytes sent, or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if sending fails (for example, the datagram is too large)
   * @throws IllegalArgumentException if {@code target} is unresolved
   */
  public int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
    return handle.sendTo(src, resolved(target, "target"));
  }

  private static InetSocketAddress resolved(InetSocketAddress address, String what) {
    Objects.requireNonNull(address, what);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(what + " address is unresolved: " + address);
    }
    return address;
  }

  /**
   * Receives one datagram into the buffer's remaining space.
   *
   * @param dst the buffer; excess bytes of the datagram are discarded
   * @return the sender's address, or {@code null} if no datagram is pending
   * @throws IOException if receiving fails
   */
  public InetSocketAddress receiveFrom(ByteBuffer dst) throws IOException {
    return handle.receiveFrom(dst);
  }

  /**
   * Fixes the peer: {@link #send} goes to it and only its datagrams are received.
   *
   * @param peer the peer
   * @throws IOException if the address cannot be used
   * @throws IllegalArgumentException if {@code peer} is unresolved
   */
  public void connect(InetSocketAddress peer) throws IOException {
    handle.connect(resolved(peer, "peer"));
  }

  /**
   * Sends one datagram to the connected peer.
   *
   * @param src the datagram
   * @return the number of bytes sent, or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if not connected, or the peer refused (ICMP port unreachable)
   */
  public int send(ByteBuffer src) throws IOException {
    return handle.send(src);
  }

  /**
   * Receives one datagram from the connected peer.
   *
   * @param dst the buffer
   * @return the number of bytes received, or {@link IoResult#WOULD_BLOCK}
   * @throws IOException if not connected, or the peer refused
   */
  public int receive(ByteBuffer dst) throws IOException {
    return handle.receive(dst);
  }

  /**
   * Sets {@code SO_BROADCAST}.
   *
   * @param on whether datagrams may be sent to broadcast addresses
   * @throws IOException if the socket is closed
   */
  public void setBroadcast(boolean on) throws IOException {
    handle.setBroadcast(on);
  }

  /**
   * The local address.
   *
   * @return the local address
   * @throws IOException if the socket is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) handle.localAddress();
  }

  /**
   * The connected peer.
   *
   * @return the connected peer
   * @throws IOException if not connected
   */
  public InetSocketAddress peerAddress() throws IOException {
    return (InetSocketAddress) handle.peerAddress();
  }

  @Override
  public boolean isOpen() {
    return handle.isOpen();
  }

  @Override
  public void close() throws IOException {
    handle.close();
  }

  DatagramHandle handle() {
    return handle;
  }

  @Override
  public String toString() {
    return "UdpSocket{" + handle + "}";
  }
}
