/**
 * The {@code nio} backend: {@link java.nio.channels.Selector} and the JDK's non-blocking socket
 * channels, emulating the reactor's edge-triggered contract on a level-triggered selector, as mio
 * does where the operating system has no edge-triggered multiplexer.
 *
 * <h2>Classes</h2>
 *
 * <ul>
 *   <li>{@link io.kyoto.reactor.internal.nio.NioProvider} opens selectors and channels.
 *   <li>{@link io.kyoto.reactor.internal.nio.NioSelector} wraps one JDK {@code Selector}.
 *   <li>{@link io.kyoto.reactor.internal.nio.NioSource} holds the registration of a channel; its
 *       subclasses {@link io.kyoto.reactor.internal.nio.NioStream}, {@link
 *       io.kyoto.reactor.internal.nio.NioListener} and {@link
 *       io.kyoto.reactor.internal.nio.NioDatagram} are the handles.
 *   <li>{@link io.kyoto.reactor.internal.nio.NioRegistration} is one immutable (selector, key,
 *       token, interest) tuple, attached to the JDK key.
 *   <li>{@link io.kyoto.reactor.internal.nio.NioWaker} is the selector's waker.
 * </ul>
 *
 * <h2>State</h2>
 *
 * <p>The user's <em>interest</em> ({@code Readiness.READABLE}/{@code WRITABLE}) is fixed per
 * registration. The <em>armed</em> operations are the JDK key's interest set, a subset of the
 * operations that implement the interest: {@code OP_READ} (or {@code OP_ACCEPT} for a listener) for
 * readable, {@code OP_WRITE} for writable, and {@code OP_CONNECT} for either while a stream's
 * connect is pending (the JDK reports nothing else for a connecting channel). An armed operation
 * means "report this readiness when the selector sees it"; a disarmed one means "an event was
 * reported and the user has not yet seen 'would block'".
 *
 * <h2>Arm/disarm protocol</h2>
 *
 * <ol>
 *   <li>{@code register} and {@code reregister} arm the whole interest (a plain set of the key's
 *       interest set), so readiness that already exists is reported by the next select.
 *   <li>When the selector reports a ready key, the selecting thread removes the reported operations
 *       from the interest set ({@code interestOpsAnd}) and then adds one event. A ready key that
 *       does not fit the event buffer is left armed; being level-triggered, the next select reports
 *       it again.
 *   <li>When an operation returns "would block" ({@code IoCodes.WOULD_BLOCK}, or a {@code null}
 *       accept or receive), the thread that ran it re-arms the matching operation ({@code
 *       interestOpsOr}) if the interest includes it.
 *   <li>The JDK applies interest changes only when a select starts. A thread that arms or registers
 *       while another thread is blocked in select therefore wakes it ({@code Selector.wakeup()});
 *       it skips the wake-up when nobody selects or when the operation was already armed.
 * </ol>
 *
 * <p>Every change of the key's interest set is atomic ({@code interestOpsAnd}/{@code
 * interestOpsOr}) except the plain sets of step 1 and of a completed connect, which run under the
 * source's monitor. Events reach the user only after the select that disarmed them returns, so a
 * disarm always precedes the re-arm it provokes: no readiness is lost. Races with {@code
 * reregister} and {@code deregister} can produce a spurious event, which the contract allows.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>One thread at a time runs {@code NioSelector.select} (the {@code Poll} enforces it); the
 *       event buffer is confined to it.
 *   <li>{@code register}, {@code reregister}, {@code deregister} and {@code close} may run on any
 *       thread; they serialize on the source's monitor.
 *   <li>Reads, writes, accepts and receives may run on any thread; their re-arm takes no lock and
 *       allocates nothing.
 * </ul>
 *
 * <h2>Closing</h2>
 *
 * <ol>
 *   <li>Closing a channel cancels its key: the source is deregistered at once, from any thread.
 *   <li>The JDK keeps the descriptor of a closed channel open until every selector it was
 *       registered with has processed the cancelled key in a select. So that a closed listener
 *       frees its port (and a closed connection is released) without waiting for the next poll,
 *       {@code close} runs a {@code selectNow} that ignores every key, on the closing thread. A
 *       fair lock held across every select serializes it with the polling thread: if a select is in
 *       progress, the closing thread announces itself (so that no new select blocks), wakes the
 *       select, and waits for the lock. It never queues on the JDK selector's unfair monitor,
 *       behind which it could wait for select after select.
 *   <li>{@code deregister} does not cancel the key: it detaches it and empties its interest set, so
 *       the channel can be registered again with the same selector at once (the JDK refuses a new
 *       registration while a cancelled key is pending).
 * </ol>
 *
 * <h2>Limits</h2>
 *
 * <p>The JDK selector does not expose read-closed, write-closed, error or priority readiness, so
 * events carry only {@code READABLE} and {@code WRITABLE}; a hang-up or an error is reported as
 * readiness of every armed operation, and the next operation returns end of stream or throws. There
 * is no {@code SO_ERROR}: {@code takeError()} returns null, and a failed connect is thrown by
 * {@code finishConnect()}.
 */
package io.kyoto.reactor.internal.nio;
