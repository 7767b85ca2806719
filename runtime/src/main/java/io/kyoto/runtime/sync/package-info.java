/**
 * Synchronization for tasks: tokio's {@code sync} module, with tokio-util's {@code
 * CancellationToken} and {@code TaskTracker}.
 *
 * <p>Every waiting operation here is a {@link io.kyoto.runtime.Future}: waiting suspends the task,
 * never its thread, and wakes it through its {@link io.kyoto.runtime.Waker}. Futures are lazy, so a
 * task joins a queue when it first <em>polls</em> the future, not when it calls the method that
 * returns it. Every resource operation takes part in the coop budget.
 *
 * <h2>The primitives</h2>
 *
 * <ul>
 *   <li>{@link io.kyoto.runtime.sync.Semaphore}: fair counting semaphore; {@link
 *       io.kyoto.runtime.sync.SemaphorePermit} gives permits back when closed.
 *   <li>{@link io.kyoto.runtime.sync.Mutex} and {@link io.kyoto.runtime.sync.RwLock}: locks around
 *       a value, whose guards may be held across suspension points.
 *   <li>{@link io.kyoto.runtime.sync.Notify}: wakes one task or all of them; the building block of
 *       hand-made primitives.
 *   <li>{@link io.kyoto.runtime.sync.Barrier}: lets a group of tasks meet, generation after
 *       generation.
 *   <li>{@link io.kyoto.runtime.sync.OnceCell}: a value initialized once, asynchronously.
 *   <li>{@link io.kyoto.runtime.sync.CancellationToken} and {@link
 *       io.kyoto.runtime.sync.TaskTracker}: graceful shutdown: ask tasks to stop, then wait for
 *       them.
 *   <li>The channels (oneshot, mpsc, broadcast, watch) pass values between tasks.
 * </ul>
 *
 * <h2>Cancel safety</h2>
 *
 * <p>A future is cancelled with {@link io.kyoto.runtime.Future#cancel()} (what {@code select},
 * {@code timeout} and task abort do to the futures they drop). Each method says what cancelling its
 * future loses. In short, as in tokio:
 *
 * <ul>
 *   <li>Queue-based waits ({@code Semaphore.acquire}, {@code Mutex.lock}, {@code RwLock.read} and
 *       {@code write}, {@code Notify.notified}) are <em>not</em> cancel safe: the cancelled call
 *       loses its place in the queue. Nothing else is lost: permits or a lock already handed to the
 *       cancelled call are passed on to the next waiter, and so is a {@code notifyOne}
 *       notification.
 *   <li>{@code CancellationToken.cancelled}, {@code TaskTracker.waitAll} and {@code
 *       OnceCell.getOrInit} (for the cell) are cancel safe.
 * </ul>
 *
 * <p>Java has no drop: a waiting future that is abandoned must be cancelled. What it was already
 * handed (permits, the lock, a notification, channel capacity) is passed on only by {@code
 * cancel()}; a future that is neither polled again nor cancelled keeps it. The combinators, {@code
 * select}, timeouts and task abort cancel what they drop.
 *
 * <h2>Java in place of Rust's ownership</h2>
 *
 * <p>Permits and guards are {@link java.lang.AutoCloseable}: close them (try-with-resources, or
 * when the work they guard completes) where Rust would drop them. Each releases exactly once,
 * however often it is closed. Because there are no lifetimes, one type plays the roles of tokio's
 * borrowed and owned variants ({@code SemaphorePermit} and {@code OwnedSemaphorePermit}, {@code
 * MutexGuard} and {@code OwnedMutexGuard}): a permit or guard may move to another task.
 *
 * <p><b>Thread safety:</b> every primitive is thread safe and may be shared between tasks on any
 * runtime, or used from plain threads by polling futures by hand. No waker is ever called while a
 * primitive's internal lock is held.
 */
package io.kyoto.runtime.sync;
