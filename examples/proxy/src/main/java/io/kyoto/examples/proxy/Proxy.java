package io.kyoto.examples.proxy;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncMain;
import io.kyoto.runtime.io.BidirectionalCopy;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.net.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A TCP proxy on the Kyoto runtime: every accepted connection is joined to a fresh connection to
 * the upstream server and the bytes are copied both ways until both sides are done. Half-closes
 * travel through (a client that shuts down its write side still gets the upstream's answer), both
 * sockets are closed however the connection ends, and one line is logged per connection.
 *
 * <pre>java -jar examples/proxy/target/proxy.jar [listen-addr [upstream-addr]]
 *     (default 127.0.0.1:7100 → 127.0.0.1:7001)</pre>
 */
public final class Proxy {
  private Proxy() {}

  /**
   * How the proxy connects and how long it lets a connection live.
   *
   * @param upstream where to connect, {@code host:port}
   * @param connectTimeout the longest wait for the upstream connection
   * @param maxLifetime the longest a proxied connection may live, from accept to close
   * @param log receives one line per connection
   */
  public record Settings(
      String upstream, Duration connectTimeout, Duration maxLifetime, Consumer<String> log) {
    /**
     * {@return the defaults for {@code upstream}: a 5 s connect timeout, a 1 h lifetime, lines
     * printed to standard output}
     *
     * @param upstream where to connect, {@code host:port}
     */
    public static Settings of(String upstream) {
      return new Settings(
          upstream, Duration.ofSeconds(5), Duration.ofHours(1), line -> System.out.println(line));
    }
  }

  /**
   * Accepts connections forever, proxying each on its own task.
   *
   * @param listener the bound listener
   * @param settings the upstream and its limits
   * @return a future that fails only if accepting fails
   */
  public static Future<Void> serve(TcpListener listener, Settings settings) {
    return listener.incoming().forEach(client -> Task.spawn(proxy(client, settings)));
  }

  /**
   * {@return a future that proxies one client connection, closes both sockets and logs the outcome;
   * it never fails}
   *
   * @param client the accepted connection, owned by the returned future
   * @param settings the upstream and its limits
   */
  static Future<Void> proxy(TcpStream client, Settings settings) {
    String from = peer(client);
    long start = Time.now();
    return TcpStream.connect(settings.upstream())
        .timeout(settings.connectTimeout())
        .flatMap(
            upstream ->
                closing(
                    upstream,
                    Io.copyBidirectional(client, upstream).timeout(settings.maxLifetime())))
        .handle(
            (copied, error) -> {
              client.close();
              settings.log().accept(line(from, settings.upstream(), copied, error, start));
              return null;
            });
  }

  /**
   * {@return {@code work}, closing {@code stream} once it completes or fails} Not {@code Io.using}:
   * its graceful close shuts the write side down a second time after {@code copyBidirectional} did,
   * which fails with ENOTCONN once the peer has closed too.
   */
  private static <T> Future<T> closing(TcpStream stream, Future<T> work) {
    return work.handle(
        (value, error) -> {
          stream.close();
          if (error != null) throw error;
          return value;
        });
  }

  private static String line(
      String from, String upstream, BidirectionalCopy copied, Exception error, long start) {
    long ms = (Time.now() - start) / 1_000_000;
    String route = from + " -> " + upstream;
    if (error != null) {
      return route + " failed after " + ms + " ms: " + describe(error);
    }
    return route
        + ": "
        + copied.aToB()
        + " bytes up, "
        + copied.bToA()
        + " bytes down, "
        + ms
        + " ms";
  }

  private static String describe(Exception error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  private static String peer(TcpStream stream) {
    try {
      return hostPort(stream.peerAddress());
    } catch (IOException e) {
      return "unknown peer";
    }
  }

  /**
   * Binds and proxies, as the program's asynchronous entry point; the processor turns it into the
   * launcher {@code Proxy_Main}.
   *
   * @param args optional listen address (default {@code 127.0.0.1:7100}), then upstream address
   *     (default {@code 127.0.0.1:7001}, where the echo example listens)
   * @return a future that fails if binding or accepting fails
   */
  @AsyncMain(name = "proxy")
  static Future<Void> run(String[] args) {
    String listen = args.length > 0 ? args[0] : "127.0.0.1:7100";
    Settings settings = Settings.of(args.length > 1 ? args[1] : "127.0.0.1:7001");
    return TcpListener.bind(listen)
        .flatMap(
            listener -> {
              System.out.println(
                  "proxy " + hostPort(listener.localAddress()) + " -> " + settings.upstream());
              return serve(listener, settings);
            });
  }

  /**
   * Starts the proxy through the generated launcher ({@code java -jar proxy.jar}).
   *
   * @param args as for {@link #run}
   */
  public static void main(String[] args) {
    Proxy_Main.main(args);
  }
}
