/**
 * Kyoto's readiness I/O layer: what mio is to tokio.
 *
 * <p>The single exported package, {@link io.kyoto.reactor}, holds the whole API: {@link
 * io.kyoto.reactor.Poll}, {@link io.kyoto.reactor.Registry}, {@link io.kyoto.reactor.Token}, {@link
 * io.kyoto.reactor.Interest}, {@link io.kyoto.reactor.Events}, {@link io.kyoto.reactor.Waker} and
 * the non-blocking sources. The backends ({@code epoll} through {@code java.lang.foreign}, and
 * {@code java.nio}) live in internal packages that are not exported.
 */
module io.kyoto.reactor {
  exports io.kyoto.reactor;
}
