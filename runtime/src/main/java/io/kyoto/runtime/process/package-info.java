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
 * java.lang.Process#onExit()} without holding a thread of Kyoto's. Its piped standard streams
 * depend on the reactor backend in effect at the start (the starting runtime's, or the JVM's
 * default outside a runtime):
 *
 * <ul>
 *   <li><b>epoll</b> (the default on Linux): as tokio's, pipes of Kyoto's own ({@code pipe2} with
 *       {@code O_CLOEXEC}, this process's ends non-blocking), registered with the reactor and read
 *       and written when it reports them ready, under the coop budget, as sockets are; no thread
 *       waits for the child. The child gets its ends through a {@link
 *       java.lang.ProcessBuilder.Redirect} of their {@code /proc/self/fd/N} path, which the JDK
 *       opens before it starts the child (a new, blocking open of the same pipe, which does not
 *       wait); this process's copies of the child's ends are closed right after the start. So the
 *       output ends when every process holding the pipe closed it (background descendants
 *       included), and a kill does not close the pipes. A pipe's descriptor is released at its end
 *       of stream (output), by its shutdown (input), by {@code close()}, or once its {@code
 *       ChildStdout}, {@code ChildStderr} or {@code ChildStdin} is unreachable.
 *   <li><b>nio</b> (or where {@code /proc/self/fd} is missing): the JDK's pipes, read and written
 *       on the blocking pool, one operation at a time per pipe. A read waits there until the child
 *       writes or closes its end, so a pipe nobody reads from again keeps one blocking thread until
 *       the child exits; the JDK's reaper closes the output pipes at the exit, and a kill closes
 *       them at once.
 * </ul>
 */
package io.kyoto.runtime.process;
