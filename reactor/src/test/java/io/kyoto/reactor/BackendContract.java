package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.tcpPair;

import io.kyoto.reactor.ReactorTestSupport.TcpPair;
import java.io.IOException;

/**
 * The base of the reactor's contract suites ({@link PollContract}, {@link TcpContract}, {@link
 * UdpContract}, {@link UnixContract}), which check the javadoc of {@link Poll}, {@link Registry},
 * {@link Waker}, {@link Events} and the sources against one {@link Backend} per subclass. Every
 * test creates its poll and sources with {@link #backend()} explicitly, so the default backend and
 * the {@code kyoto.reactor.backend} property play no part.
 *
 * <p>Tests only rely on what the contract guarantees: events are hints (an operation may still
 * return {@link IoResult#WOULD_BLOCK}), a new event is only guaranteed after draining, and timing
 * is checked with loose lower bounds only.
 */
abstract class BackendContract {
  static final long LISTENER = 0;
  static final long CLIENT = 1;
  static final long SERVER = 2;
  static final long WAKER = 99;

  /** The backend under test; every poll and source of the suite is created with it. */
  protected abstract Backend backend();

  final Poll newPoll() throws IOException {
    return Poll.create(backend());
  }

  final TcpPair newPair() throws IOException {
    return tcpPair(backend());
  }

  final boolean isEpoll() {
    return backend() == Backend.EPOLL;
  }
}
