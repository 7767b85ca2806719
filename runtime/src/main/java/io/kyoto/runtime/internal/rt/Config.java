package io.kyoto.runtime.internal.rt;

import java.time.Duration;
import java.util.function.IntFunction;

/**
 * The runtime's settings, validated by the public builder.
 *
 * @param multiThread true for the work-stealing flavor
 * @param workerThreads the number of workers (multi-thread only)
 * @param maxBlockingThreads the cap of the blocking pool
 * @param threadKeepAlive how long an idle blocking thread lives
 * @param threadName names runtime threads from their index
 * @param eventInterval scheduler ticks between driver polls
 * @param globalQueueInterval ticks between checks of the shared queue first; 0 = the flavor's
 *     default (31 for current-thread, 61 for multi-thread)
 * @param enableIo whether the I/O driver (a reactor Poll) exists
 * @param ioBackend the reactor backend, or null for the default
 * @param enableTime whether the timer driver exists
 * @param startPaused whether the clock starts paused (current-thread only)
 * @param onThreadStart run on each runtime thread as it starts, or null
 * @param onThreadStop run on each runtime thread as it stops, or null
 * @param blockingPollThreshold polls longer than this are logged; null disables the detector
 * @param shutdownOnUnhandledException shut the runtime down when a task fails
 * @param name the runtime's name, for threads and diagnostics
 * @param rngSeed seeds the per-thread generators that pick select's first branch, or null for a
 *     random seed
 */
public record Config(
    boolean multiThread,
    int workerThreads,
    int maxBlockingThreads,
    Duration threadKeepAlive,
    IntFunction<String> threadName,
    int eventInterval,
    int globalQueueInterval,
    boolean enableIo,
    io.kyoto.reactor.Backend ioBackend,
    boolean enableTime,
    boolean startPaused,
    Runnable onThreadStart,
    Runnable onThreadStop,
    Duration blockingPollThreshold,
    boolean shutdownOnUnhandledException,
    String name,
    Long rngSeed) {}
