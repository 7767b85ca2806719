/**
 * Asynchronous I/O traits and utilities: tokio's {@code io} module.
 *
 * <p>{@link io.kyoto.runtime.io.AsyncRead}, {@link io.kyoto.runtime.io.AsyncWrite} and {@link
 * io.kyoto.runtime.io.AsyncBufRead} are the poll-level contracts that sockets, buffered wrappers
 * and codecs implement; {@link io.kyoto.runtime.io.AsyncCloseable} is the graceful, asynchronous
 * close.
 *
 * <p>On top of them:
 *
 * <ul>
 *   <li>{@link io.kyoto.runtime.io.Io}: futures that read, write and copy ({@code readExact},
 *       {@code writeAll}, {@code copy}, {@code copyBidirectional}, {@code readLine}), resource
 *       scoping with {@code using}, and the in-memory {@link io.kyoto.runtime.io.DuplexStream}
 *       pipe;
 *   <li>{@link io.kyoto.runtime.io.BufReader}, {@link io.kyoto.runtime.io.BufWriter} and {@link
 *       io.kyoto.runtime.io.BufStream}: buffering, as tokio's;
 *   <li>{@link io.kyoto.runtime.io.BufferPool}: pooled direct buffers with leak detection.
 * </ul>
 *
 * <p>Framing (lines, length-prefixed frames) lives in {@code io.kyoto.runtime.codec}.
 */
package io.kyoto.runtime.io;
