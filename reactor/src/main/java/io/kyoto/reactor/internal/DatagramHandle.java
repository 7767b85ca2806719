package io.kyoto.reactor.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A UDP socket. */
public interface DatagramHandle extends SourceHandle {
  /**
   * Sends one datagram to {@code target}.
   *
   * @return bytes sent, or {@link IoCodes#WOULD_BLOCK}
   */
  int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException;

  /**
   * Receives one datagram; bytes past the buffer's space are discarded.
   *
   * @return the sender, or null if none is pending (would block)
   */
  InetSocketAddress receiveFrom(ByteBuffer dst) throws IOException;

  /** Sets the default peer for {@link #send} and the only source {@link #receive} accepts. */
  void connect(InetSocketAddress peer) throws IOException;

  /** Sends to the connected peer; returns as {@link #sendTo}. */
  int send(ByteBuffer src) throws IOException;

  /**
   * Receives from the connected peer.
   *
   * @return bytes received, or {@link IoCodes#WOULD_BLOCK}
   */
  int receive(ByteBuffer dst) throws IOException;

  /** The local address. */
  SocketAddress localAddress() throws IOException;

  /** The connected peer. */
  SocketAddress peerAddress() throws IOException;

  /** Sets SO_BROADCAST. */
  void setBroadcast(boolean on) throws IOException;
}
