/**
 * The I/O driver: readiness per registered resource, as tokio's {@code ScheduledIo}.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>Every runtime socket registers once with the runtime's reactor {@code Poll},
 *       edge-triggered, for both directions, under a token that names its slot in {@link
 *       io.kyoto.runtime.internal.io.IoDriver}'s slab: low 32 bits the slot index, high 32 bits the
 *       slot's generation, so an event for a slot that was freed and reused is recognised and
 *       dropped.
 *   <li>{@link io.kyoto.runtime.internal.io.ScheduledIo#word} packs the cached readiness (bits
 *       0–5), the shutdown flag (bit 6) and the driver tick (bits 16–47) of the last event that set
 *       readiness. Only the driver thread (the holder of the driver lock) adds readiness; any
 *       thread clears it.
 *   <li>Readiness is cleared only when an operation hit "would block" <em>and</em> the tick is
 *       still the one the operation saw: an event that arrived in between keeps the readiness, so
 *       no edge is lost. Closed readiness (read-closed, write-closed) and errors are never cleared.
 *   <li>Each resource has one reader waiter and one writer waiter (a waker each). The waiting task
 *       stores its waker, then re-reads the word; the driver updates the word, then takes the
 *       waker. With both accesses volatile, one side always sees the other, so no wake-up is lost.
 *   <li>A cancelled operation withdraws its waiter ({@link
 *       io.kyoto.runtime.internal.io.Registration#withdraw}): a compare-and-set empties the slot
 *       only if it still holds the waker that operation stored, so a newer waiter, or a wake that
 *       already took it, is left alone. Waiters are told apart by waker identity (a task's waker is
 *       one object at every poll); one waiting operation per direction is the resources' contract.
 *       Futures and streams that own an operation do this in {@code cancel()} ({@link
 *       io.kyoto.runtime.internal.io.ReadinessFuture}, {@link
 *       io.kyoto.runtime.internal.io.ReadinessStream}); the ready path stores nothing extra. The
 *       same discipline, through {@code AsyncRead.withdrawRead} and {@code
 *       AsyncWrite.withdrawWrite}, serves every operation future over a reader or writer ({@link
 *       io.kyoto.runtime.internal.io.WithdrawingOp}, the base of {@code ReadinessFuture} too).
 *   <li>On runtime shutdown every registered resource gets the shutdown flag and both waiters are
 *       woken; operations then fail with an {@link java.io.IOException} naming the shutdown.
 * </ol>
 */
package io.kyoto.runtime.internal.io;
