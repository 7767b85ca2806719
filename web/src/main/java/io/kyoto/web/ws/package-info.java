/**
 * WebSocket (RFC 6455): the opening handshake ({@link io.kyoto.web.ws.WebSocket#accept}), the frame
 * codec with its limits and checks, and the {@link io.kyoto.web.ws.WebSocket} connection, a {@link
 * io.kyoto.runtime.stream.Stream} of {@link io.kyoto.web.ws.Message}s with {@link
 * io.kyoto.web.ws.WebSocket#send}. warp's {@code ws()} filter and tungstenite's {@code WebSocket}.
 */
package io.kyoto.web.ws;
