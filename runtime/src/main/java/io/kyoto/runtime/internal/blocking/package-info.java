/**
 * Asynchronous reads and writes of blocking {@link java.io.InputStream}s and {@link
 * java.io.OutputStream}s through the blocking pool, one operation in flight per stream: the engine
 * of child-process pipes ({@code io.kyoto.runtime.process}) and of {@code Io.stdin()}, {@code
 * Io.stdout()} and {@code Io.stderr()}.
 */
package io.kyoto.runtime.internal.blocking;
