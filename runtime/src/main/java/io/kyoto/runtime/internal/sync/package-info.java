/**
 * The engines behind {@code io.kyoto.runtime.sync}: the intrusive {@link
 * io.kyoto.runtime.internal.sync.WaitList}, the {@link io.kyoto.runtime.internal.sync.WakeList} of
 * wakers to call after a lock is released, and the fair {@link
 * io.kyoto.runtime.internal.sync.BatchSemaphore} (tokio's {@code batch_semaphore.rs}) with its
 * {@link io.kyoto.runtime.internal.sync.Acquire} state machine.
 *
 * <h2>Locking rules (all primitives)</h2>
 *
 * <ol>
 *   <li>Each primitive has one private lock object (plain {@code synchronized}: the critical
 *       sections are short and never block). It guards the primitive's {@code WaitList}, every
 *       node's links, and the node fields documented as "guarded".
 *   <li>Never call a {@link io.kyoto.runtime.Waker} while holding a lock: collect the wakers in a
 *       {@code WakeList} (or a local) and call them after leaving the {@code synchronized} block. A
 *       waker may run user code, or reach a scheduler that takes its own locks.
 *   <li>Locks of different primitives are never nested. {@code CancellationToken.cancel()} locks
 *       one token at a time, walking the tree with an explicit stack.
 *   <li>A node's outcome ("done", "failed", "notified") is a {@code volatile} field written under
 *       the lock, so the owning future can read it without the lock (the fast path of a re-poll).
 *       When the future sees it still pending it takes the lock, re-reads it and only then stores
 *       its latest waker: a notifier either sees that waker, or the future sees the outcome.
 * </ol>
 *
 * <h2>BatchSemaphore state</h2>
 *
 * <p>One {@code AtomicLong}: {@code state = available << 1 | CLOSED}. {@code available} is at most
 * {@code MAX_PERMITS = Long.MAX_VALUE >>> 3}, so the shift never overflows.
 *
 * <p><b>Invariant:</b> at every instant, {@code available > 0} implies that no waiter is queued.
 * Everything below keeps it, and it is what makes the lock-free paths fair: a CAS that finds enough
 * permits cannot be overtaking a queued waiter.
 *
 * <p><b>Acquire, first poll</b> ({@code pollFirst}):
 *
 * <ol>
 *   <li>Lock-free: while not closed and {@code available >= n}, CAS {@code available - n}; on
 *       success the permits are acquired.
 *   <li>Else, under the lock: if closed, fail. Else CAS away {@code taken = min(available, n)}
 *       (usually all that is there; other threads can only lower the counter meanwhile). If {@code
 *       taken == n}, acquired. Else link a node with {@code requested = n}, {@code needed = n -
 *       taken} and the waker at the tail. The counter is now 0, so the invariant holds.
 * </ol>
 *
 * <p><b>Release</b> ({@code release(k)}, from permits, guards, {@code addPermits}), under the lock:
 * walk the queue from the head; give each head {@code min(k, needed)}; a node whose {@code needed}
 * reaches 0 is unlinked, its waker collected, and its status set to DONE (volatile write, after the
 * last write the acquirer must see: release → acquire). Stop at the first node left wanting: the
 * head blocks every later, smaller request (tokio's fairness). Only the permits left over after the
 * queue is empty go back to the counter ({@code addAndGet}), so the invariant holds.
 *
 * <p><b>Cancel</b> ({@code cancelQueued}), under the lock: if the node is still linked, unlink it
 * and release {@code requested - needed} (the part it was given) through the release walk above; if
 * it is DONE but its future never reported it, release all {@code requested}; if FAILED, nothing
 * (close already returned its part). So a cancelled acquire never leaks a permit.
 *
 * <p><b>Close</b>, under the lock: set CLOSED (CAS loop: {@code tryAcquire} may race on the
 * counter), unlink every node, mark it FAILED, and add up the permits they were given in part; put
 * that sum back on the counter. Later first polls and {@code tryAcquire} fail; releases still add
 * permits.
 *
 * <p>{@code tryAcquire} and {@code forget} are CAS loops on the counter and never lock.
 *
 * <h2>Notify state</h2>
 *
 * <p>{@code io.kyoto.runtime.sync.Notify} keeps {@code (notifyWaiters calls << 2) | EMPTY, WAITING
 * or NOTIFIED} in one {@code AtomicLong}. WAITING holds exactly while its list is non-empty and is
 * entered and left only under the lock, so while WAITING the word changes only under the lock.
 * EMPTY ↔ NOTIFIED (storing and taking the single permit) may change by CAS without it. The call
 * count only grows, under the lock; a {@code Notified} remembers the count at creation and is done
 * at its first poll if the count moved, which is how {@code notifyWaiters} reaches futures that
 * were created but not yet polled.
 */
package io.kyoto.runtime.internal.sync;
