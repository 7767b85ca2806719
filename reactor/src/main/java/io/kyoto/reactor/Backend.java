package io.kyoto.reactor;

import io.kyoto.reactor.internal.BackendProvider;
import io.kyoto.reactor.internal.Backends;
import io.kyoto.reactor.internal.epoll.EpollProvider;
import java.util.Optional;

/**
 * The readiness backends a {@link Poll} and its sources can use.
 *
 * <p>The default, {@link #current()}, is chosen once per JVM: the system property {@code
 * kyoto.reactor.backend=epoll|nio} forces one; otherwise {@link #EPOLL} where {@link #isAvailable()
 * available}, else {@link #NIO}, with the reason logged (logger {@code io.kyoto.reactor}, level
 * INFO). A {@code Poll} only accepts sources of its own backend.
 *
 * <p>Both backends honour the same contract (edge-triggered readiness, "would block" as a return
 * value) and pass the same contract test suite.
 */
public enum Backend {
  /**
   * Linux epoll with {@code EPOLLET}, an {@code eventfd} waker and raw non-blocking sockets, bound
   * through {@code java.lang.foreign}: no JNI, no {@code Unsafe}, no {@code --add-opens}.
   *
   * @apiNote Needs native access: run with {@code --enable-native-access=ALL-UNNAMED} (class path)
   *     or {@code --enable-native-access=io.kyoto.reactor} (module path); executable jars can say
   *     {@code Enable-Native-Access: ALL-UNNAMED} in their manifest. Without it the default falls
   *     back to {@link #NIO} and logs why.
   */
  EPOLL,

  /**
   * {@link java.nio.channels.Selector}, available on every platform. Level-triggered underneath, it
   * emulates edge-triggered readiness by disarming an interest when it reports it and re-arming it
   * when an operation returns "would block", as mio does where the OS has no edge-triggered
   * multiplexer.
   */
  NIO;

  /**
   * The default backend for this JVM, chosen once.
   *
   * @return the backend that {@link Poll#create()} and the sources' one-argument factories use
   * @throws IllegalArgumentException if {@code kyoto.reactor.backend} names no backend
   * @throws IllegalStateException if {@code kyoto.reactor.backend} forces an unavailable backend
   */
  public static Backend current() {
    return Backends.defaultName().equals("epoll") ? EPOLL : NIO;
  }

  /** {@return whether this backend works on this platform and JVM} */
  public boolean isAvailable() {
    return this == NIO || EpollProvider.unavailabilityCause() == null;
  }

  /**
   * Why this backend is unavailable.
   *
   * @return the cause, or empty when {@link #isAvailable()}
   */
  public Optional<Throwable> unavailabilityCause() {
    return this == NIO
        ? Optional.empty()
        : Optional.ofNullable(EpollProvider.unavailabilityCause());
  }

  BackendProvider provider() {
    return this == EPOLL ? Backends.epoll() : Backends.nio();
  }

  /** {@return the name used by {@code kyoto.reactor.backend}: {@code epoll} or {@code nio}} */
  public String propertyValue() {
    return this == EPOLL ? "epoll" : "nio";
  }
}
