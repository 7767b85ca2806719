package io.kyoto.runtime.net;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.internal.blocking.BlockingCall;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.io.Registration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code "host:port"} into socket addresses: IP literals at once, names on the blocking pool
 * (the JDK resolver blocks), as tokio's {@code ToSocketAddrs}. A name that does not resolve fails
 * with {@link java.net.UnknownHostException}.
 */
final class Resolver {
  private Resolver() {}

  /**
   * Resolves {@code hostPort}.
   *
   * @param hostPort {@code "host:port"}, {@code "1.2.3.4:80"} or {@code "[::1]:80"}
   * @return a future of every address of the host, in the resolver's order
   */
  static Future<List<InetSocketAddress>> resolve(String hostPort) {
    String host;
    int port;
    try {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new IllegalArgumentException(
            "invalid socket address, expected \"host:port\": " + hostPort);
      }
      host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("invalid port in socket address: " + hostPort);
      }
    } catch (NumberFormatException e) {
      return Futures.failed(
          new IllegalArgumentException("invalid port in socket address: " + hostPort, e));
    } catch (IllegalArgumentException e) {
      return Futures.failed(e);
    }
    InetAddress literal = literal(host);
    if (literal != null) {
      return Futures.ready(List.of(new InetSocketAddress(literal, port)));
    }
    String name = host;
    int p = port;
    // A BlockingCall, not a bare spawnBlocking handle: a failed lookup is the
    // UnknownHostException itself (an IOException), not a JoinException around it.
    return new BlockingCall<>(
        "lookup of " + name,
        () -> {
          InetAddress[] all;
          try {
            all = InetAddress.getAllByName(name);
          } catch (UnknownHostException e) {
            throw new UnknownHostException("failed to lookup address information: " + name);
          }
          List<InetSocketAddress> out = new ArrayList<>(all.length);
          for (InetAddress a : all) {
            out.add(new InetSocketAddress(a, p));
          }
          return out;
        });
  }

  private static InetAddress literal(String host) {
    try {
      return InetAddress.ofLiteral(host);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Binds one address. */
  interface Binder<T> {
    T bind(IoDriver driver, InetSocketAddress address) throws IOException;
  }

  /**
   * Binds to the first of {@code addresses} that accepts, on the current runtime's I/O driver, as
   * tokio's {@code bind} does with every address a name resolves to.
   *
   * @return the bound resource
   * @throws IOException the last address's failure
   */
  static <T> T bindFirst(List<InetSocketAddress> addresses, Binder<T> binder) throws IOException {
    IoDriver driver = Registration.currentDriver();
    IOException last = null;
    for (InetSocketAddress a : addresses) {
      try {
        return binder.bind(driver, a);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last != null ? last : new IOException("could not resolve to any address");
  }

  /**
   * {@return {@code address} resolved, failing clearly for an unresolved one}
   *
   * @param address the address
   */
  static InetSocketAddress requireResolved(InetSocketAddress address) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "address is unresolved: " + address + "; pass \"host:port\" to resolve it");
    }
    return address;
  }
}
