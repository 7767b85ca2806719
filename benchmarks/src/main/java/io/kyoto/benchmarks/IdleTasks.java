package io.kyoto.benchmarks;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Heap per idle task: spawns N tasks that each sleep for an hour, waits until every one of them is
 * parked on its timer, then reports the heap in use after full GCs, minus the heap in use before,
 * divided by N. {@code kyoto} spawns Kyoto tasks ({@code Time.sleep}); {@code vthreads} starts
 * virtual threads ({@code Thread.sleep}), whose parked stacks also live on the heap.
 *
 * <p>usage: {@code IdleTasks kyoto|vthreads N} (run with a heap large enough, e.g. {@code -Xmx4g});
 * prints {@code idle_tasks kind=.. n=.. heap_bytes_per_task=.. ms_to_park=..}.
 */
public final class IdleTasks {
  private IdleTasks() {}

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  /**
   * Runs one measurement.
   *
   * @param args kind and number of tasks
   * @throws Exception if the runtime fails
   */
  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "kyoto";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Duration hour = Duration.ofHours(1);
    if (kind.equals("kyoto")) {
      Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();
      {
        rt.blockOn(Futures.ready(0)); // start the workers before the baseline
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        CountDownLatch parked = new CountDownLatch(n);
        rt.blockOn(
            Futures.lazy(
                () -> {
                  for (int i = 0; i < n; i++) {
                    Task.spawn(
                        Futures.lazy(
                            () -> {
                              var sleep = Time.sleep(hour);
                              parked.countDown();
                              return sleep;
                            }));
                  }
                  return Futures.ready(0);
                }));
        parked.await();
        Thread.sleep(200); // the last tasks' first polls have registered their timers
        report(kind, n, before, t0);
        rt.shutdownBackground();
        System.exit(0);
      }
    } else if (kind.equals("vthreads")) {
      long before = usedAfterGc();
      long t0 = System.nanoTime();
      CountDownLatch parked = new CountDownLatch(n);
      List<Thread> threads = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      parked.countDown();
                      try {
                        Thread.sleep(hour);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
      }
      parked.await();
      Thread.sleep(200); // the last threads have unmounted into Thread.sleep
      // The list of Thread objects is the analogue of the runtime's task registry; keep it
      // reachable.
      report(kind, threads.size(), before, t0);
      System.exit(0);
    } else {
      throw new IllegalArgumentException("kind must be kyoto or vthreads: " + kind);
    }
  }

  private static void report(String kind, int n, long before, long t0) {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long after = usedAfterGc();
    System.out.printf(
        "idle_tasks kind=%s n=%d heap_bytes_per_task=%.1f heap_used_mb=%.1f ms_to_park=%d%n",
        kind, n, (after - before) / (double) n, after / 1048576.0, ms);
    System.out.flush();
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }
}
