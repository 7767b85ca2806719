package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.IoCodes;
import io.kyoto.reactor.internal.Readiness;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link StreamHandle} over a non-blocking {@link SocketChannel}, TCP or Unix domain.
 *
 * <p><b>Connecting.</b> While a connect is pending, the JDK reports neither {@code OP_READ} nor
 * {@code OP_WRITE} for the channel (and would spin on a level-triggered {@code POLLIN} it refuses
 * to report), so every interest is armed as {@code OP_CONNECT}, and a ready {@code OP_CONNECT} is
 * reported as the whole interest. The first {@link #finishConnect()} that succeeds re-arms the
 * interest as {@code OP_READ}/{@code OP_WRITE}. A read or write on a still-connecting channel tries
 * to finish the connect and otherwise returns "would block", as a raw socket does.
 *
 * <p>{@link #connectPending} is volatile: it is cleared by whichever thread finishes the connect
 * (under the monitor, together with the re-arm) and read without a lock by {@link #opsFor}.
 *
 * @implNote Unix domain sockets have no {@code TCP_NODELAY}: {@link #setNoDelay} does nothing and
 *     {@link #noDelay} returns false for them. The nio backend cannot read {@code SO_ERROR}: {@link
 *     #takeError()} returns null, and a connect's failure is thrown by {@link #finishConnect()}.
 *     The JDK closes a channel whose connect failed; the stream stays open to its owner (reads
 *     report the end of the stream, deregister and close work), as a raw socket does. The local
 *     address of a connecting channel is null until the connect is finished.
 */
final class NioStream extends NioSource implements StreamHandle {
  private final SocketChannel channel;
  private final boolean unix;
  private volatile boolean connectPending;

  /** The failure of the connect, rethrown by later {@link #finishConnect()} calls. */
  private volatile IOException connectFailure;

  NioStream(SocketChannel channel, boolean unix, boolean connectPending) {
    super(channel);
    this.channel = channel;
    this.unix = unix;
    this.connectPending = connectPending;
  }

  @Override
  int opsFor(int interest) {
    if (connectPending) {
      return (interest & (Readiness.READABLE | Readiness.WRITABLE)) != 0
          ? SelectionKey.OP_CONNECT
          : 0;
    }
    int ops = 0;
    if ((interest & Readiness.READABLE) != 0) {
      ops |= SelectionKey.OP_READ;
    }
    if ((interest & Readiness.WRITABLE) != 0) {
      ops |= SelectionKey.OP_WRITE;
    }
    return ops;
  }

  // -- reads and writes ----------------------------------------------------------------------

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n;
    try {
      n = channel.read(dst);
    } catch (NotYetConnectedException e) {
      return connectedNow() ? read(dst) : IoCodes.WOULD_BLOCK;
    } catch (ClosedChannelException e) {
      return afterFailedConnect(e);
    }
    if (n > 0) {
      return n;
    }
    if (n < 0) {
      return IoCodes.EOF;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    rearm(Readiness.READABLE);
    return IoCodes.WOULD_BLOCK;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long n;
    try {
      n = channel.read(dsts, offset, length);
    } catch (NotYetConnectedException e) {
      return connectedNow() ? read(dsts, offset, length) : IoCodes.WOULD_BLOCK;
    } catch (ClosedChannelException e) {
      return afterFailedConnect(e);
    }
    if (n > 0) {
      return n;
    }
    if (n < 0) {
      return IoCodes.EOF;
    }
    if (!anyRemaining(dsts, offset, length)) {
      return 0;
    }
    rearm(Readiness.READABLE);
    return IoCodes.WOULD_BLOCK;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n;
    try {
      n = channel.write(src);
    } catch (NotYetConnectedException e) {
      return connectedNow() ? write(src) : IoCodes.WOULD_BLOCK;
    }
    if (n > 0 || !src.hasRemaining()) {
      return n;
    }
    rearm(Readiness.WRITABLE);
    return IoCodes.WOULD_BLOCK;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long n;
    try {
      n = channel.write(srcs, offset, length);
    } catch (NotYetConnectedException e) {
      return connectedNow() ? write(srcs, offset, length) : IoCodes.WOULD_BLOCK;
    }
    if (n > 0 || !anyRemaining(srcs, offset, length)) {
      return n;
    }
    rearm(Readiness.WRITABLE);
    return IoCodes.WOULD_BLOCK;
  }

  private static boolean anyRemaining(ByteBuffer[] buffers, int offset, int length) {
    for (int i = offset, end = offset + length; i < end; i++) {
      if (buffers[i].hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A read found the channel closed: after a failed connect, which the JDK closed and the owner did
   * not, that is the end of the stream, as on a raw socket whose connect failed; else the close.
   */
  private int afterFailedConnect(ClosedChannelException e) throws ClosedChannelException {
    if (isOpen()) {
      return IoCodes.EOF;
    }
    throw e;
  }

  @Override
  boolean closedByJdk() {
    return connectFailure != null;
  }

  // -- connect -------------------------------------------------------------------------------

  @Override
  public boolean finishConnect() throws IOException {
    if (!connectPending) {
      IOException failure = connectFailure;
      if (failure != null) {
        throw failure;
      }
      return channel.finishConnect();
    }
    boolean done;
    try {
      done = channel.finishConnect();
    } catch (IOException e) {
      // The JDK closes the channel when the connect fails; keep the reason for later calls.
      synchronized (this) {
        if (connectPending) {
          connectFailure = e;
          connectPending = false;
        }
      }
      throw e;
    }
    if (!done) {
      rearm(Readiness.READABLE | Readiness.WRITABLE);
      return false;
    }
    synchronized (this) {
      if (connectPending) {
        connectPending = false;
        // Trade OP_CONNECT for the interest's real operations; a writable socket is reported
        // once more, which is a spurious event the contract allows.
        rearmAll();
      }
    }
    return true;
  }

  /** A read or write found the connect pending: try to finish it; false means "would block". */
  private boolean connectedNow() throws IOException {
    if (channel.isConnected()) {
      return true; // finished concurrently by another thread
    }
    if (!channel.isConnectionPending()) {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      throw notConnected();
    }
    return finishConnect();
  }

  // -- shutdown, addresses, options ----------------------------------------------------------

  @Override
  public void shutdown(boolean read, boolean write) throws IOException {
    try {
      if (read) {
        channel.shutdownInput();
      }
      if (write) {
        channel.shutdownOutput();
      }
    } catch (NotYetConnectedException e) {
      throw notConnected();
    }
  }

  /** {@inheritDoc} The JDK knows the local address of a connecting channel only once it is done. */
  @Override
  public SocketAddress localAddress() throws IOException {
    return channel.getLocalAddress();
  }

  @Override
  public SocketAddress peerAddress() throws IOException {
    // getRemoteAddress returns the target while connecting; the contract wants "not connected".
    if (!channel.isConnected()) {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      throw notConnected();
    }
    return channel.getRemoteAddress();
  }

  @Override
  public void setNoDelay(boolean on) throws IOException {
    if (!unix) {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, on);
    } else if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public boolean noDelay() throws IOException {
    if (!unix) {
      return channel.getOption(StandardSocketOptions.TCP_NODELAY);
    }
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
    return false;
  }

  @Override
  public void setKeepAlive(boolean on) throws IOException {
    if (!unix) {
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, on);
    } else if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public boolean keepAlive() throws IOException {
    if (!unix) {
      return channel.getOption(StandardSocketOptions.SO_KEEPALIVE);
    }
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
    return false;
  }

  @Override
  public void setBufferSize(boolean receive, int bytes) throws IOException {
    channel.setOption(
        receive ? StandardSocketOptions.SO_RCVBUF : StandardSocketOptions.SO_SNDBUF, bytes);
  }

  @Override
  public int bufferSize(boolean receive) throws IOException {
    return channel.getOption(
        receive ? StandardSocketOptions.SO_RCVBUF : StandardSocketOptions.SO_SNDBUF);
  }

  @Override
  public IOException takeError() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return null;
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
      SocketAddress local = channel.getLocalAddress();
      if (connectPending) {
        return "nio, local=" + local + ", connecting to " + channel.getRemoteAddress();
      }
      return "nio, local=" + local + ", peer=" + channel.getRemoteAddress();
    } catch (IOException e) {
      return "nio, closed";
    }
  }
}
