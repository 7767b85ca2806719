package io.kyoto.reactor.internal;

/**
 * Options applied to a listening TCP socket before {@code bind}.
 *
 * @param reuseAddress SO_REUSEADDR
 * @param reusePort SO_REUSEPORT
 * @param backlog the accept queue length passed to {@code listen}
 */
public record ListenOptions(boolean reuseAddress, boolean reusePort, int backlog) {}
