/**
 * Child processes: tokio's {@code process} module.
 *
 * <p>{@link io.kyoto.runtime.process.Command} builds and starts a process; {@link
 * io.kyoto.runtime.process.Child} is the running process, whose piped standard streams are an
 * {@link io.kyoto.runtime.io.AsyncWrite} ({@link io.kyoto.runtime.process.ChildStdin}) and {@link
 * io.kyoto.runtime.io.AsyncRead}s ({@link io.kyoto.runtime.process.ChildStdout}, {@link
 * io.kyoto.runtime.process.ChildStderr}), so {@code Io.copy}, {@code BufReader} and the codecs work
 * on them.
 *
 * {@snippet :
 * Future<Output> out = Command.of("git", "rev-parse", "HEAD").output();
 * }
 *
 * <p>How it runs: the process is started by the JDK's {@link java.lang.ProcessBuilder} (as tokio's
 * {@code spawn}, starting is a quick synchronous call); its exit is observed through {@link
 * java.lang.Process#onExit()} without holding a thread of Kyoto's; reads and writes on its pipes
 * run on the blocking pool, one at a time per pipe. A read waits there until the child writes or
 * closes its end, so a pipe nobody reads from again keeps one blocking thread until the child
 * exits.
 */
package io.kyoto.runtime.process;
