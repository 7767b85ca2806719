/**
 * Files and directories without blocking a runtime thread: tokio's {@code fs} module.
 *
 * <p>The operating system offers no readiness for regular files (epoll reports them always ready),
 * so, as in tokio, every operation here runs the JDK's blocking call on the runtime's blocking pool
 * ({@link io.kyoto.runtime.Task#spawnBlocking}) and completes when it returns:
 *
 * <ul>
 *   <li>{@link io.kyoto.runtime.fs.Fs}: one-shot operations ({@code read}, {@code readToString},
 *       {@code write}, {@code createDirAll}, {@code removeDirAll}, {@code rename}, {@code copy},
 *       {@code metadata}, {@code readDir}, ...);
 *   <li>{@link io.kyoto.runtime.fs.File}: an open file that is an {@link
 *       io.kyoto.runtime.io.AsyncRead} and {@link io.kyoto.runtime.io.AsyncWrite}, so {@code
 *       Io.copy}, {@code BufReader}, codecs and {@code Io.lines} work on it, opened with {@link
 *       io.kyoto.runtime.fs.OpenOptions}.
 * </ul>
 *
 * <p>Failures are the JDK's {@link java.io.IOException}s, unwrapped ({@link
 * java.nio.file.NoSuchFileException}, {@link java.nio.file.FileAlreadyExistsException}, ...), not a
 * {@link io.kyoto.runtime.JoinException} around them. Futures are lazy: nothing touches the file
 * system until the first poll. A blocking call that has started cannot be stopped: cancelling its
 * future only discards the result.
 */
package io.kyoto.runtime.fs;
