package io.kyoto.runtime.internal.rt;

/**
 * A multi-thread runtime's worker thread. Its runtime and worker are plain fields, so the hot paths
 * ({@code Task.spawn}, every wake from a worker) find them with a type check instead of two {@link
 * ThreadLocal} lookups. Both fields are written and read by this thread only.
 */
final class WorkerThread extends Thread {
  RuntimeCore core; // this thread only
  Object worker; // this thread only: the MultiThreadScheduler.Worker it runs
  TaskCounts counts; // this thread only: its worker's share of the runtime's task counts

  WorkerThread(Runnable body, String name) {
    super(body, name);
    setDaemon(true);
  }
}
