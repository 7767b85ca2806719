/**
 * The run queues of the multi-thread work-stealing scheduler (tokio's {@code
 * runtime/scheduler/multi_thread/queue.rs} and {@code runtime/scheduler/inject}).
 *
 * <p>Each worker owns one {@link io.kyoto.runtime.internal.sched.LocalQueue}: a fixed ring of 256
 * slots that only its owner pushes to, and that the owner pops from and other workers steal from.
 * All workers share one {@link io.kyoto.runtime.internal.sched.InjectQueue}: an unbounded FIFO that
 * takes wakes from non-worker threads and the overflow of full local queues. The LIFO slot is not
 * here: the worker keeps it as a plain field, and it is never stolen. Both queues are generic over
 * the element type so that they know nothing about tasks.
 *
 * <h2>LocalQueue state</h2>
 *
 * <p>Positions are 32-bit counters that grow forever and wrap (all arithmetic on them is modular
 * {@code int} arithmetic; the slot of position {@code p} is {@code p & (capacity - 1)}). Counters
 * wider than the 8 bits a 256-slot ring needs keep a full ring distinguishable from an empty one
 * and make ABA on the head take 2<sup>32</sup> operations (tokio#5041).
 *
 * <ul>
 *   <li>{@code head} (64 bits, CAS only) packs two positions: {@code steal} in the high half and
 *       {@code real} in the low half. {@code real} is the next position to be taken. {@code steal}
 *       is the first position a thief is still copying out; {@code steal == real} means no thief is
 *       at work, {@code steal != real} means one thief owns {@code [steal, real)}.
 *   <li>{@code tail} (32 bits) is the next position the owner writes. Only the owner stores it
 *       (release); thieves and observers load it (acquire).
 *   <li>Slot {@code p & mask} holds a task for every {@code p} in {@code [steal, tail)}, and {@code
 *       null} elsewhere (a taker clears the slot it read, so a finished task is not kept reachable
 *       by the ring).
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>{@code steal <= real <= tail} and {@code tail - steal <= capacity} (modular differences).
 *   <li>Positions {@code [real, tail)} are queued: whoever wins a CAS on {@code head} that moves
 *       {@code real} past them owns them. Positions {@code [steal, real)} belong to the one thief
 *       in progress. Positions {@code [tail, steal + capacity)} are free and belong to the owner,
 *       which alone writes tasks into slots.
 *   <li>The owner measures free space from {@code steal}, not {@code real}: a slot a thief is still
 *       reading is never overwritten.
 *   <li>At most one thief copies out of a queue at a time: a thief that sees {@code steal != real}
 *       gives up instead of waiting.
 *   <li>Who may call what: {@code push}, {@code pushBack} and {@code pop} only the owner; {@code
 *       stealInto(dst)} only the owner of {@code dst}; {@code len}, {@code isEmpty}, {@code
 *       remainingSlots} and the counters anyone (exact for the owner, a snapshot for others).
 *       Ownership is asserted once a thread has called {@code bindOwner()}.
 * </ol>
 *
 * <h2>LocalQueue protocols</h2>
 *
 * <p><b>Push</b> (owner):
 *
 * <ol>
 *   <li>Load {@code head} (acquire) and {@code tail} (plain: the owner is its only writer).
 *   <li>If {@code tail - steal < capacity}: write the slot (plain) and store {@code tail + 1}
 *       (release), which publishes the slot to thieves.
 *   <li>Else, if a thief is at work ({@code steal != real}): hand only the new task to the overflow
 *       sink; the thief is about to free half the ring.
 *   <li>Else overflow: CAS {@code head} from {@code (real, real)} to {@code (real + capacity/2,
 *       real + capacity/2)}, claiming the oldest half; hand that half plus the new task to the sink
 *       as one batch; count one overflow. If the CAS fails a thief took tasks: start over.
 * </ol>
 *
 * <p><b>Pop</b> (owner, FIFO from the head): CAS {@code real} to {@code real + 1} (and {@code
 * steal} with it when no thief is at work), then read and clear the slot.
 *
 * <p><b>Steal</b> (the owner of {@code dst}, on a victim {@code src}):
 *
 * <ol>
 *   <li>If {@code dst} holds more than {@code capacity/2} tasks counted from its {@code steal},
 *       give up: the batch might not fit.
 *   <li>Load {@code src.head} and {@code src.tail} (acquire). If {@code steal != real}, give up.
 *       Take {@code n = ceil((tail - real) / 2)}; if zero, give up.
 *   <li>CAS {@code src.head} from {@code (real, real)} to {@code (real, real + n)}: the tasks are
 *       ours, and no other thief can start on {@code src}. On failure retry from step 2.
 *   <li>Copy the {@code n} tasks into {@code dst}'s free slots, clearing each source slot.
 *   <li>CAS {@code src.head} until {@code steal} equals the current {@code real} (the owner may
 *       have popped meanwhile), which hands the slots back to the owner.
 *   <li>Keep the last copied task to run now; publish the other {@code n - 1} by storing {@code
 *       dst.tail} (release).
 * </ol>
 *
 * <h2>InjectQueue</h2>
 *
 * <p>An unbounded FIFO whose pushes take no lock: a producer reserves positions by advancing the
 * tail with one compare-and-set (the closed flag is a bit of the same word, so no push can take
 * effect after {@code close()}), then stores its tasks into the slots of those positions, in a
 * linked list of fixed-size chunks that the producer reserving a chunk's first position links.
 * Consumers take one lock among themselves (workers pull batches, so they seldom meet), wait out a
 * reserved slot whose store has not landed yet, and never block a producer. {@code len()} takes the
 * consumers' lock (a pop takes effect when it reads the tail and moves the head when done); {@code
 * isEmpty()} and the workers' {@code sizeHint()} read the head, then the tail, without it. tokio
 * guards a linked list with one mutex for both sides; that shape (and this class's earlier monitor)
 * made a {@code blockOn} thread that spawns while the workers pull contend on the lock for every
 * spawn. Shutdown: {@code close()} makes every later push return {@code false} (the caller keeps
 * the rejected tasks and shuts them down); pops keep draining what was queued before the close.
 */
package io.kyoto.runtime.internal.sched;
