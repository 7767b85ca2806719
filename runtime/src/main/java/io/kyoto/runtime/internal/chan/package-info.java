/**
 * The engines behind the channels of {@code io.kyoto.runtime.sync} ({@code Oneshot}, {@code Mpsc},
 * {@code Broadcast}, {@code Watch}): tokio's {@code sync/oneshot.rs}, {@code sync/mpsc/*}, {@code
 * sync/broadcast.rs} and {@code sync/watch.rs}, rebuilt. The public types are thin handles over
 * these classes; nothing here appears in an exported signature.
 *
 * <h2>Rules shared by every engine</h2>
 *
 * <ol>
 *   <li><b>Wakers never run under a lock.</b> Code that holds a monitor collects wakers ({@link
 *       io.kyoto.runtime.internal.chan.Wakers}, or one local) and wakes them after releasing it. A
 *       waker may run arbitrary code, including code that re-enters the channel.
 *   <li><b>The latest waker wins.</b> A future may be re-polled with a different waker (a task that
 *       moved, a select); every registration overwrites the previous one, and waking is idempotent
 *       and allowed from any thread, so a spurious wake is harmless and a lost one impossible.
 *   <li><b>Register, then re-check</b> (a Dekker pair). A waiter publishes its waker with a
 *       volatile write or under the lock, then re-reads the condition; a notifier makes the
 *       condition true (volatile write, CAS or under the lock), then reads the waker. Java
 *       volatiles are sequentially consistent, so one of the two sees the other. Plain reads and
 *       writes appear only where a CAS or a monitor already orders them (each place says which).
 *   <li><b>Cancellation releases everything.</b> A cancelled future removes its node from any list,
 *       and gives back what was assigned to it but not yet observed (a unit of capacity); it never
 *       leaves a registration that a later notifier could mistake for a live waiter.
 *   <li><b>No allocation per poll.</b> A waiting future is its own list node ({@link
 *       io.kyoto.runtime.internal.chan.WaitNode}); receivers reuse one stateless future. Wakers are
 *       batched into an array only when there is someone to wake.
 * </ol>
 *
 * <h2>Mpsc</h2>
 *
 * <p>{@link io.kyoto.runtime.internal.chan.MpscChan} = a {@link
 * io.kyoto.runtime.internal.chan.Capacity} (admission, permits, the closed flag, the FIFO of
 * waiting senders) + a {@link io.kyoto.runtime.internal.chan.MsgQueue} (the messages: a fixed
 * {@link io.kyoto.runtime.internal.chan.RingQueue} for bounded channels up to 2<sup>16</sup>, a
 * {@link io.kyoto.runtime.internal.chan.BlockQueue} of 32-slot blocks otherwise) + an {@link
 * io.kyoto.runtime.internal.chan.AtomicWaker} for the single receiver + the sender count.
 *
 * <p><b>Send</b> (bounded):
 *
 * <ol>
 *   <li>Take a unit of capacity with one CAS on the capacity word. If there is none, take the
 *       capacity lock, re-check, and append the send (a {@link
 *       io.kyoto.runtime.internal.chan.SendOp}, its own node) to the FIFO.
 *   <li>With a unit: claim a position ({@code getAndAdd} on the queue's tail), store the message in
 *       its slot (volatile), then wake the receiver if it registered (volatile read).
 *   <li>When the receiver frees a unit and a send is first in the FIFO, the receiver's thread
 *       pushes that send's message itself, under the capacity lock (so the FIFO's order is the
 *       queue's order), marks it {@code DONE} and wakes its task only to report completion: a full
 *       channel never makes the receiver wait for a sending task to be scheduled. A queued
 *       reservation gets the unit as a permit ({@code GRANTED}) instead.
 * </ol>
 *
 * <p><b>Receive</b> (single consumer): take the head slot if written (volatile read), clear it
 * (volatile write) and release the unit. If nothing is visible, report "done" (null) only when no
 * more sends can be admitted (the receiver closed, or every sender did) and every unit is free
 * ("idle": nothing queued, in flight or reserved). Otherwise, if a message is <em>arriving</em>
 * (claimed but not written; or, once no more sends can be admitted, admitted but not yet visible),
 * spin briefly: it is between two adjacent steps of a send. Else register the waker and look once
 * more. This makes {@code tryRecv} linearizable (checked by {@code MpscModelTest}) and keeps
 * tokio's rule that permits reserved before a close may still send.
 *
 * <p><b>Close</b>: the receiver sets {@code CLOSED} in the capacity word under the capacity lock,
 * fails every queued waiter, completes the senders' {@code closed()} futures and wakes itself (a
 * recv pending on another thread). The last sender to close wakes the receiver.
 *
 * <h2>Oneshot</h2>
 *
 * <p>{@link io.kyoto.runtime.internal.chan.OneshotCell}: one state word and two waker slots, each
 * slot owned by the side whose bit is clear; see the class for the bits. Sending is one CAS,
 * receiving one volatile read (plus one CAS to register a waker).
 *
 * <h2>Broadcast and watch</h2>
 *
 * <p>{@link io.kyoto.runtime.internal.chan.BroadcastShared} guards a power-of-two ring, per-slot
 * remaining-reader counts and the receivers' cursors with one monitor, held for O(1) per send and
 * receive. {@link io.kyoto.runtime.internal.chan.WatchShared} publishes an immutable (value,
 * version) pair through one volatile field, so reads take no lock; writers and waiting receivers
 * synchronize on its monitor. Both document their invariants on the class.
 */
package io.kyoto.runtime.internal.chan;
