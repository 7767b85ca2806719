/**
 * Asynchronous I/O traits and utilities: tokio's {@code io} module.
 *
 * <p>{@link io.kyoto.runtime.io.AsyncRead} and {@link io.kyoto.runtime.io.AsyncWrite} are the
 * poll-level contracts that sockets, buffered wrappers and codecs implement; {@link
 * io.kyoto.runtime.io.AsyncCloseable} is the graceful, asynchronous close.
 */
package io.kyoto.runtime.io;
