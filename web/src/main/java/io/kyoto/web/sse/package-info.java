/**
 * Server-sent events: {@link io.kyoto.web.sse.Event} and {@link io.kyoto.web.sse.Sse#response}, a
 * {@code text/event-stream} response streamed from a {@link io.kyoto.runtime.stream.Stream} of
 * events, with {@link io.kyoto.web.sse.Sse#keepAlive} comments. warp's {@code sse} module.
 */
package io.kyoto.web.sse;
