package io.kyoto.web.internal.server;

import io.kyoto.web.internal.h1.H1Limits;
import java.time.Duration;

/**
 * The settings every connection of one server shares.
 *
 * @param limits parser limits
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param headerReadTimeout from the first byte of a request head until it is complete (408)
 * @param keepAliveTimeout how long an idle keep-alive connection is kept
 * @param lingerTimeout how long a closing connection drains unread input so the client sees the
 *     response instead of a reset
 * @param sendTimeout how long a write to the client may make no progress before the connection is
 *     closed
 * @param halfClose whether a client that closes its side while its request is answered still gets
 *     the answer (hyper's {@code half_close}); if not, it is taken for gone and the handler is
 *     cancelled
 */
public record ServerConfig(
    H1Limits limits,
    long maxBodyBytes,
    Duration headerReadTimeout,
    Duration keepAliveTimeout,
    Duration lingerTimeout,
    Duration sendTimeout,
    boolean halfClose) {}
