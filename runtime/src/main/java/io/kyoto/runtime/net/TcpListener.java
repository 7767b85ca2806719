package io.kyoto.runtime.net;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.io.ReadinessFuture;
import io.kyoto.runtime.internal.io.ReadinessStream;
import io.kyoto.runtime.internal.io.Registration;
import io.kyoto.runtime.internal.io.ScheduledIo;
import io.kyoto.runtime.internal.io.StreamCore;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A TCP listening socket on the runtime's I/O driver: tokio's {@code TcpListener}.
 *
 * {@snippet :
 * TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
 * TcpStream conn = rt.blockOn(listener.accept());
 * }
 *
 * <p><b>Thread safety:</b> one accepting task at a time.
 */
public final class TcpListener implements AutoCloseable {
  private final io.kyoto.reactor.TcpListener raw;
  private final IoDriver driver;
  private final Registration registration;

  private TcpListener(io.kyoto.reactor.TcpListener raw, IoDriver driver) throws IOException {
    this.raw = raw;
    this.driver = driver;
    this.registration = Registration.register(driver, raw);
  }

  /**
   * Binds to {@code hostPort} (resolving the host on the blocking pool; the first address that
   * binds wins), with {@code SO_REUSEADDR} as tokio sets it.
   *
   * @param hostPort {@code "host:port"}; port 0 picks a free port
   * @return a future of the listener
   */
  public static Future<TcpListener> bind(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    return Resolver.resolve(hostPort).map(TcpListener::bindFirst);
  }

  /**
   * Binds to {@code address}, with {@code SO_REUSEADDR}.
   *
   * @param address a resolved address; port 0 picks a free port
   * @return a future of the listener (bound when first polled, inside the runtime)
   */
  public static Future<TcpListener> bind(InetSocketAddress address) {
    InetSocketAddress a = Resolver.requireResolved(address);
    return Futures.fromSupplier(() -> bindFirst(List.of(a)));
  }

  private static TcpListener bindFirst(List<InetSocketAddress> addresses) throws IOException {
    return Resolver.bindFirst(
        addresses,
        (driver, a) ->
            new TcpListener(
                io.kyoto.reactor.TcpListener.builder()
                    .backend(driver.backend())
                    .reuseAddress(true)
                    .bind(a),
                driver));
  }

  /**
   * Adopts a listener built with the reactor's {@link io.kyoto.reactor.TcpListener#builder()} (for
   * {@code SO_REUSEPORT}, a backlog), on the current runtime.
   *
   * @param listener a listener created on the runtime's reactor backend
   * @return the runtime listener
   * @throws IOException if registration fails
   * @throws IllegalStateException outside a runtime with I/O enabled
   */
  public static TcpListener from(io.kyoto.reactor.TcpListener listener) throws IOException {
    return new TcpListener(
        Objects.requireNonNull(listener, "listener"), Registration.currentDriver());
  }

  /**
   * Polls for the next connection.
   *
   * @param cx the task's context
   * @return the accepted connection, registered with the runtime
   * @throws IOException if accepting fails (for example, too many open files)
   */
  public Poll<TcpStream> pollAccept(Context cx) throws IOException {
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.READ_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      io.kyoto.reactor.TcpStream s = raw.accept();
      if (s == null) {
        registration.clearReadiness(ready, ScheduledIo.READABLE);
        continue;
      }
      return Poll.ready(new TcpStream(new StreamCore(driver, new TcpRaw(s))));
    }
  }

  /**
   * Accepts the next connection.
   *
   * <p><b>Cancel safety:</b> cancel safe: a cancelled accept takes no connection from the queue,
   * and withdraws its task's wake-up from the listener.
   *
   * @return a future of the connection
   */
  public Future<TcpStream> accept() {
    return new ReadinessFuture<>(registration, ScheduledIo.READ_INTEREST) {
      @Override
      protected Poll<TcpStream> pollOperation(Context cx) throws IOException {
        return pollAccept(cx);
      }

      @Override
      public String toString() {
        return "TcpListener.accept[" + TcpListener.this + "]";
      }
    };
  }

  /**
   * {@return the accepted connections as a stream} It never ends by itself; an accept failure (for
   * example, too many open files) fails it. Closing the listener fails a pending accept.
   *
   * {@snippet :
   * listener.incoming().forEach(conn -> Task.spawn(Io.copy(conn, conn)));
   * }
   *
   * <p><b>Cancel safety:</b> cancel safe: a cancelled {@code next()} takes no connection.
   */
  public Stream<TcpStream> incoming() {
    return new ReadinessStream<>(registration, ScheduledIo.READ_INTEREST) {
      @Override
      protected Poll<TcpStream> pollOperation(Context cx) throws IOException {
        return pollAccept(cx);
      }
    };
  }

  /**
   * {@return the bound address, with the actual port when bound to port 0}
   *
   * @throws UncheckedIOException if the listener is closed
   */
  public InetSocketAddress localAddress() {
    try {
      return raw.localAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops listening; a task waiting in {@link #accept()} fails with a closed error. Idempotent. */
  @Override
  public void close() {
    registration.deregister();
    try {
      raw.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "TcpListener{" + raw + "}";
  }
}
