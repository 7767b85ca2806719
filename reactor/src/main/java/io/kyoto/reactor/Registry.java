package io.kyoto.reactor;

import io.kyoto.reactor.internal.SelectorHandle;
import io.kyoto.reactor.internal.SourceHandle;
import java.io.IOException;
import java.util.Objects;

/**
 * Registers {@link Source}s with a {@link Poll}.
 *
 * <p>A source is registered with one poll at a time, under a {@link Token} the poll reports back in
 * its events, for an {@link Interest}. Registration does not transfer ownership: the caller still
 * closes the source, and {@linkplain Source#close() closing} a registered source deregisters it.
 *
 * <p>After {@link #register}, an event is reported for readiness that already exists (a listener
 * with a pending connection, a connected socket with space to write), so nothing is missed between
 * creating a source and registering it.
 *
 * <p><b>Thread safety:</b> thread safe; may be used while another thread polls.
 */
public final class Registry {
  private final Poll poll;

  Registry(Poll poll) {
    this.poll = poll;
  }

  /**
   * Registers {@code source} for {@code interest}, reporting its events with {@code token}.
   *
   * @param source an open source of this poll's backend
   * @param token the value to report in events
   * @param interest the readiness to report
   * @throws IOException if the source is closed or already registered
   * @throws IllegalArgumentException if the source belongs to another backend
   * @throws IllegalStateException if the poll is closed
   */
  public void register(Source source, Token token, Interest interest) throws IOException {
    SourceHandle handle = handleOf(source);
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(interest, "interest");
    SelectorHandle selector = poll.enter();
    try {
      selector.register(handle, token.value(), interest.bits());
    } finally {
      poll.exit();
    }
  }

  /**
   * Changes the token and interest of a registered source. Readiness that already exists for the
   * new interest is reported again.
   *
   * @param source a source registered with this poll
   * @param token the new token
   * @param interest the new interest
   * @throws IOException if the source is closed or not registered with this poll
   * @throws IllegalArgumentException if the source belongs to another backend
   * @throws IllegalStateException if the poll is closed
   */
  public void reregister(Source source, Token token, Interest interest) throws IOException {
    SourceHandle handle = handleOf(source);
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(interest, "interest");
    SelectorHandle selector = poll.enter();
    try {
      selector.reregister(handle, token.value(), interest.bits());
    } finally {
      poll.exit();
    }
  }

  /**
   * Stops reporting events for {@code source}. Events already collected by a concurrent poll may
   * still be delivered.
   *
   * @param source a source registered with this poll
   * @throws IOException if the source is not registered with this poll
   * @throws IllegalArgumentException if the source belongs to another backend
   * @throws IllegalStateException if the poll is closed
   */
  public void deregister(Source source) throws IOException {
    SourceHandle handle = handleOf(source);
    SelectorHandle selector = poll.enter();
    try {
      selector.deregister(handle);
    } finally {
      poll.exit();
    }
  }

  /** {@return the poll this registry belongs to} */
  public Poll poll() {
    return poll;
  }

  private SourceHandle handleOf(Source source) {
    Objects.requireNonNull(source, "source");
    SourceHandle handle =
        switch (source) {
          case TcpListener s -> s.handle();
          case TcpStream s -> s.handle();
          case UdpSocket s -> s.handle();
          case UnixListener s -> s.handle();
          case UnixStream s -> s.handle();
          case PipeSender s -> s.handle();
          case PipeReceiver s -> s.handle();
        };
    if (!handle.backendName().equals(poll.backend().propertyValue())) {
      throw new IllegalArgumentException(
          "this "
              + source.getClass().getSimpleName()
              + " was created by the "
              + handle.backendName()
              + " backend but the Poll uses "
              + poll.backend().propertyValue()
              + "; create the source and the Poll with the same Backend");
    }
    return handle;
  }
}
