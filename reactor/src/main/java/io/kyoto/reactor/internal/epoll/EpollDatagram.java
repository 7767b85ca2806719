package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.kyoto.reactor.internal.DatagramHandle;
import io.kyoto.reactor.internal.IoCodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;

/** A UDP socket on a raw descriptor. */
final class EpollDatagram extends FdHandle implements DatagramHandle {
  // Set once by connect; send/receive without a peer fail as on the nio backend.
  private volatile boolean connected;

  EpollDatagram(int fd) {
    super(fd);
  }

  private void checkConnected(String op) throws SocketException {
    if (!connected) {
      throw new SocketException(op + ": the socket is not connected; call connect(peer) first");
    }
  }

  @Override
  public int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
    int pos = src.position();
    int rem = src.limit() - pos;
    int fd = acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      int len = SockAddr.encode(target, s.addr);
      long n;
      do {
        n = Syscalls.sendto(fd, segment(src), rem, s.addr, len);
      } while (n == -Errno.EINTR);
      if (n > 0) {
        src.position(pos + (int) n);
      }
      return sent(n, "sendto");
    } finally {
      release();
    }
  }

  @Override
  public InetSocketAddress receiveFrom(ByteBuffer dst) throws IOException {
    checkWritable(dst);
    int pos = dst.position();
    int rem = dst.limit() - pos;
    int fd = acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      long n;
      do {
        n = Syscalls.recvfrom(fd, segment(dst), rem, s);
      } while (n == -Errno.EINTR);
      if (n == -Errno.EAGAIN) {
        return null;
      }
      if (n < 0) {
        throw Errno.exception("recvfrom", (int) -n);
      }
      dst.position(pos + (int) n);
      return (InetSocketAddress) SockAddr.decode(s.addr, s.len.get(JAVA_INT, 0));
    } finally {
      release();
    }
  }

  @Override
  public void connect(InetSocketAddress peer) throws IOException {
    int fd = acquire();
    try {
      Syscalls.Scratch s = Syscalls.scratch();
      int len = SockAddr.encode(peer, s.addr);
      int r = Syscalls.connect(fd, s.addr, len);
      if (r < 0) {
        throw Errno.exception("connect " + peer, -r);
      }
      connected = true;
    } finally {
      release();
    }
  }

  @Override
  public int send(ByteBuffer src) throws IOException {
    checkConnected("send");
    return sent(rawSend(src), "send");
  }

  @Override
  public int receive(ByteBuffer dst) throws IOException {
    checkConnected("receive");
    checkWritable(dst);
    long n = rawRead(dst); // 0 is an empty datagram here, not the end of a stream
    if (n >= 0) {
      return (int) n;
    }
    if (n == -Errno.EAGAIN) {
      return IoCodes.WOULD_BLOCK;
    }
    throw Errno.exception("recv", (int) -n);
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    return Addresses.local(this);
  }

  @Override
  public SocketAddress peerAddress() throws IOException {
    return Addresses.peer(this);
  }

  @Override
  public void setBroadcast(boolean on) throws IOException {
    Options.setInt(this, Syscalls.SOL_SOCKET, Syscalls.SO_BROADCAST, on ? 1 : 0, "SO_BROADCAST");
  }

  @Override
  public String toString() {
    try {
      return "fd=" + fdForDiagnostics() + ", local=" + localAddress();
    } catch (IOException e) {
      return "closed";
    }
  }
}
