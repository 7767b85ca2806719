package io.kyoto.runtime.net;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
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
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Unix domain listening socket on the runtime's I/O driver: tokio's {@code UnixListener}.
 *
 * <p><b>Thread safety:</b> one accepting task at a time.
 */
public final class UnixListener implements AutoCloseable {
  private final io.kyoto.reactor.UnixListener raw;
  private final IoDriver driver;
  private final Registration registration;

  private UnixListener(io.kyoto.reactor.UnixListener raw, IoDriver driver) throws IOException {
    this.raw = raw;
    this.driver = driver;
    this.registration = Registration.register(driver, raw);
  }

  /**
   * Binds to {@code path} on the current runtime (the file must not exist).
   *
   * @param path where to create the socket file
   * @return the listener
   * @throws IOException if binding fails (for example, the path exists)
   * @throws IllegalStateException outside a runtime with I/O enabled
   */
  public static UnixListener bind(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    IoDriver driver = Registration.currentDriver();
    return new UnixListener(io.kyoto.reactor.UnixListener.bind(driver.backend(), path), driver);
  }

  /**
   * Polls for the next connection.
   *
   * @param cx the task's context
   * @return the accepted connection
   * @throws IOException if accepting fails
   */
  public Poll<UnixStream> pollAccept(Context cx) throws IOException {
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.READ_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      io.kyoto.reactor.UnixStream s = raw.accept();
      if (s == null) {
        registration.clearReadiness(ready, ScheduledIo.READABLE);
        continue;
      }
      return Poll.ready(new UnixStream(new StreamCore(driver, new UnixRaw(s))));
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
  public Future<UnixStream> accept() {
    return new ReadinessFuture<>(registration, ScheduledIo.READ_INTEREST) {
      @Override
      protected Poll<UnixStream> pollOperation(Context cx) throws IOException {
        return pollAccept(cx);
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
  public Stream<UnixStream> incoming() {
    return new ReadinessStream<>(registration, ScheduledIo.READ_INTEREST) {
      @Override
      protected Poll<UnixStream> pollOperation(Context cx) throws IOException {
        return pollAccept(cx);
      }
    };
  }

  /**
   * {@return the bound address}
   *
   * @throws UncheckedIOException if the listener is closed
   */
  public UnixDomainSocketAddress localAddress() {
    try {
      return raw.localAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops listening (the socket file stays); a waiting accept fails. Idempotent. */
  @Override
  public void close() {
    registration.deregister();
    try {
      raw.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
