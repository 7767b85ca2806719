package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.BackendProvider;
import io.kyoto.reactor.internal.DatagramHandle;
import io.kyoto.reactor.internal.ListenOptions;
import io.kyoto.reactor.internal.ListenerHandle;
import io.kyoto.reactor.internal.PipeHandle;
import io.kyoto.reactor.internal.SelectorHandle;
import io.kyoto.reactor.internal.StreamHandle;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The {@code nio} backend: {@link java.nio.channels.Selector} and the JDK's socket channels,
 * available on every platform. See the package documentation for how it emulates edge-triggered
 * readiness.
 *
 * <p>Every channel is put in non-blocking mode before it is returned; the JDK opens its descriptors
 * close-on-exec. A channel whose set-up fails is closed before the failure propagates.
 */
public final class NioProvider implements BackendProvider {
  /** The provider. */
  public static final NioProvider INSTANCE = new NioProvider();

  /** The backend's name, as in {@code kyoto.reactor.backend}. */
  static final String NAME = "nio";

  private NioProvider() {}

  /**
   * Why the backend is unavailable: never, so always null.
   *
   * @return null
   */
  public static Throwable unavailabilityCause() {
    return null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SelectorHandle openSelector() throws IOException {
    return new NioSelector(Selector.open());
  }

  /**
   * {@inheritDoc}
   *
   * @implNote {@code SO_REUSEADDR} is set to the option's value (the JDK turns it on by default).
   *     {@code SO_REUSEPORT} is set only where the JDK supports it; elsewhere it is ignored, and a
   *     second listener on the same address fails to bind.
   */
  @Override
  public ListenerHandle bindTcp(InetSocketAddress address, ListenOptions options)
      throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open(family(address));
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
      if (options.reusePort()) {
        reusePort(channel);
      }
      channel.bind(address, options.backlog());
      return new NioListener(channel, false);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  @Override
  public StreamHandle connectTcp(InetSocketAddress address) throws IOException {
    SocketChannel channel = SocketChannel.open(family(address));
    try {
      channel.configureBlocking(false);
      boolean connected = channel.connect(address);
      return new NioStream(channel, false, !connected);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  @Override
  public ListenerHandle bindUnix(Path path, int backlog) throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.configureBlocking(false);
      channel.bind(UnixDomainSocketAddress.of(path), backlog);
      return new NioListener(channel, true);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  @Override
  public StreamHandle connectUnix(Path path) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.configureBlocking(false);
      boolean connected = channel.connect(UnixDomainSocketAddress.of(path));
      return new NioStream(channel, true, !connected);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  @Override
  public PipeHandle[] openPipe() throws IOException {
    Pipe pipe = Pipe.open();
    try {
      pipe.source().configureBlocking(false);
      pipe.sink().configureBlocking(false);
      return new PipeHandle[] {NioPipe.readEnd(pipe.source()), NioPipe.writeEnd(pipe.sink())};
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(pipe.source(), e);
      closeAfterFailure(pipe.sink(), e);
      throw e;
    }
  }

  @Override
  public DatagramHandle bindUdp(InetSocketAddress address, boolean reuseAddress, boolean reusePort)
      throws IOException {
    DatagramChannel channel = DatagramChannel.open(family(address));
    try {
      channel.configureBlocking(false);
      if (reuseAddress) {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      }
      if (reusePort) {
        reusePort(channel);
      }
      channel.bind(address);
      return new NioDatagram(channel);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  /** The channel family matching the address, as the epoll backend's {@code socket()} does. */
  private static ProtocolFamily family(InetSocketAddress address) {
    return address.getAddress() instanceof Inet4Address
        ? StandardProtocolFamily.INET
        : StandardProtocolFamily.INET6;
  }

  private static void reusePort(NetworkChannel channel) throws IOException {
    if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
      channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
  }

  /** Closes a channel whose set-up failed, attaching a close failure to the set-up one. */
  private static void closeAfterFailure(Channel channel, Exception failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
