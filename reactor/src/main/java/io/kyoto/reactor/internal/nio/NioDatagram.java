package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.DatagramHandle;
import io.kyoto.reactor.internal.IoCodes;
import io.kyoto.reactor.internal.Readiness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * A {@link DatagramHandle} over a non-blocking {@link DatagramChannel}.
 *
 * <p>Readable interest is armed as {@code OP_READ}, writable as {@code OP_WRITE}; a {@code null}
 * receive or a send that took nothing re-arms the matching operation. {@link #receive} uses {@link
 * DatagramChannel#receive} rather than {@code read}, because {@code read} returns 0 both for "would
 * block" and for an empty datagram. The JDK's unchecked address errors are translated to {@link
 * SocketException}s, as every failure of a handle is an {@link IOException}.
 *
 * @implNote The JDK does not send a zero-length datagram through a connected channel (its write
 *     path returns 0 for an empty buffer without a system call), so {@link #send} of an empty
 *     buffer returns 0 and sends nothing; {@link #sendTo} on an unconnected socket does send it.
 */
final class NioDatagram extends NioSource implements DatagramHandle {
  private final DatagramChannel channel;

  NioDatagram(DatagramChannel channel) {
    super(channel);
    this.channel = channel;
  }

  @Override
  int opsFor(int interest) {
    int ops = 0;
    if ((interest & Readiness.READABLE) != 0) {
      ops |= SelectionKey.OP_READ;
    }
    if ((interest & Readiness.WRITABLE) != 0) {
      ops |= SelectionKey.OP_WRITE;
    }
    return ops;
  }

  @Override
  public int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
    int n;
    try {
      n = channel.send(src, target);
    } catch (UnresolvedAddressException e) {
      throw new SocketException("unresolved address: " + target);
    } catch (UnsupportedAddressTypeException | AlreadyConnectedException e) {
      throw new SocketException("cannot send to " + target + ": " + e);
    }
    return sent(n, src);
  }

  @Override
  public InetSocketAddress receiveFrom(ByteBuffer dst) throws IOException {
    SocketAddress sender = channel.receive(dst);
    if (sender == null) {
      rearm(Readiness.READABLE);
      return null;
    }
    return (InetSocketAddress) sender;
  }

  @Override
  public void connect(InetSocketAddress peer) throws IOException {
    try {
      channel.connect(peer);
    } catch (UnresolvedAddressException e) {
      throw new SocketException("unresolved address: " + peer);
    } catch (UnsupportedAddressTypeException e) {
      throw new SocketException("cannot connect to " + peer + ": " + e);
    }
  }

  @Override
  public int send(ByteBuffer src) throws IOException {
    int n;
    try {
      n = channel.write(src);
    } catch (NotYetConnectedException e) {
      throw notConnected();
    }
    return sent(n, src);
  }

  private int sent(int n, ByteBuffer src) {
    if (n > 0 || !src.hasRemaining()) {
      return n;
    }
    rearm(Readiness.WRITABLE);
    return IoCodes.WOULD_BLOCK;
  }

  @Override
  public int receive(ByteBuffer dst) throws IOException {
    if (!channel.isConnected()) {
      throw channel.isOpen() ? notConnected() : new ClosedChannelException();
    }
    int start = dst.position();
    if (channel.receive(dst) == null) {
      rearm(Readiness.READABLE);
      return IoCodes.WOULD_BLOCK;
    }
    return dst.position() - start;
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    return channel.getLocalAddress();
  }

  @Override
  public SocketAddress peerAddress() throws IOException {
    SocketAddress peer = channel.getRemoteAddress();
    if (peer == null) {
      throw notConnected();
    }
    return peer;
  }

  @Override
  public void setBroadcast(boolean on) throws IOException {
    channel.setOption(StandardSocketOptions.SO_BROADCAST, on);
  }

  private static SocketException notConnected() {
    return new SocketException("not connected");
  }

  @Override
  public String toString() {
    if (!channel.isOpen()) {
      return "nio, closed";
    }
    try {
      SocketAddress peer = channel.getRemoteAddress();
      return "nio, local=" + channel.getLocalAddress() + (peer == null ? "" : ", peer=" + peer);
    } catch (IOException e) {
      return "nio, closed";
    }
  }
}
