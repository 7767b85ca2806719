/**
 * Asynchronous reads and writes of blocking {@link java.io.InputStream}s and {@link
 * java.io.OutputStream}s through the blocking pool, one operation in flight per stream: the engine
 * of child-process pipes ({@code io.kyoto.runtime.process}) and of {@code Io.stdin()}, {@code
 * Io.stdout()} and {@code Io.stderr()}; and {@link
 * io.kyoto.runtime.internal.blocking.BlockingCall}, one blocking call as a lazy future with its own
 * exception unwrapped ({@code Fs}, {@code Command.output()}).
 */
package io.kyoto.runtime.internal.blocking;
