package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.ListenerHandle;
import io.kyoto.reactor.internal.Readiness;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A {@link ListenerHandle} over a non-blocking {@link ServerSocketChannel}, TCP or Unix domain.
 * Readable interest is armed as {@code OP_ACCEPT}; writable interest arms nothing (a listener is
 * never writable). A {@code null} accept re-arms {@code OP_ACCEPT}.
 */
final class NioListener extends NioSource implements ListenerHandle {
  private final ServerSocketChannel channel;
  private final boolean unix;

  NioListener(ServerSocketChannel channel, boolean unix) {
    super(channel);
    this.channel = channel;
    this.unix = unix;
  }

  @Override
  int opsFor(int interest) {
    return (interest & Readiness.READABLE) != 0 ? SelectionKey.OP_ACCEPT : 0;
  }

  @Override
  public StreamHandle accept() throws IOException {
    SocketChannel accepted = channel.accept();
    if (accepted == null) {
      rearm(Readiness.READABLE);
      return null;
    }
    try {
      accepted.configureBlocking(false);
    } catch (IOException | RuntimeException e) {
      try {
        accepted.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new NioStream(accepted, unix, false);
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    return channel.getLocalAddress();
  }

  @Override
  public String toString() {
    if (!channel.isOpen()) {
      return "nio, closed";
    }
    try {
      return "nio, listening on " + channel.getLocalAddress();
    } catch (IOException e) {
      return "nio, closed";
    }
  }
}
