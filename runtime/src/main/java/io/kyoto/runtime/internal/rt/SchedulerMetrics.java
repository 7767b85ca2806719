package io.kyoto.runtime.internal.rt;

/**
 * A snapshot of scheduler counters.
 *
 * @param workers the number of workers (1 for current-thread)
 * @param globalQueueDepth tasks waiting in the shared queue
 * @param polls task polls per worker
 * @param parks parks per worker
 * @param steals tasks stolen per worker
 * @param overflows local-queue overflows per worker
 * @param busyNanos time spent polling tasks per worker
 */
public record SchedulerMetrics(
    int workers,
    int globalQueueDepth,
    long[] polls,
    long[] parks,
    long[] steals,
    long[] overflows,
    long[] busyNanos) {}
