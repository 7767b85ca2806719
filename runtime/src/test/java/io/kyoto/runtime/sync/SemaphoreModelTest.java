package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Semaphore} against a sequential model of tokio's batch semaphore: the
 * lock-free paths ({@code tryAcquire}, the fast first poll, {@code availablePermits}), the FIFO
 * waiter list with partial assignment, cancellation that hands permits on, and {@code close}.
 *
 * <p>Each thread owns at most one pending acquire and the permits it holds (indexed by the thread
 * id Lincheck passes in), so the model can say which waiter a release serves.
 */
@Param(name = "tid", gen = ThreadIdGen.class)
@Param(name = "n", gen = IntGen.class, conf = "1:3")
public class SemaphoreModelTest {
  private static final int INITIAL = 2;
  private static final int SLOTS = 8; // thread ids of the init, parallel and post parts

  private final Semaphore sem = new Semaphore(INITIAL);
  private final List<List<SemaphorePermit>> held = new ArrayList<>();
  private final List<Future<SemaphorePermit>> pending = new ArrayList<>();

  public SemaphoreModelTest() {
    for (int i = 0; i < SLOTS; i++) {
      held.add(new ArrayList<>());
      pending.add(null);
    }
  }

  private static Context cx() {
    return new Context(Waker.noop());
  }

  @Operation
  public boolean tryAcquire(@Param(name = "tid") int tid, @Param(name = "n") int n) {
    try {
      held.get(tid).add(sem.tryAcquire(n));
      return true;
    } catch (TryAcquireException e) {
      return false;
    }
  }

  /** Closes every permit this thread holds; returns how many permits went back. */
  @Operation
  public int release(@Param(name = "tid") int tid) {
    int total = 0;
    for (SemaphorePermit p : held.get(tid)) {
      total += p.permits();
      p.close();
    }
    held.get(tid).clear();
    return total;
  }

  @Operation
  public void addPermits(@Param(name = "n") int n) {
    sem.addPermits(n);
  }

  @Operation
  public long available() {
    return sem.availablePermits();
  }

  /** First poll of a new acquire: 1 acquired, 0 queued, 2 closed, -1 this thread already waits. */
  @Operation
  public int acquire(@Param(name = "tid") int tid, @Param(name = "n") int n) {
    if (pending.get(tid) != null) {
      return -1;
    }
    Future<SemaphorePermit> f = sem.acquire(n);
    return outcome(tid, f);
  }

  /** Polls this thread's pending acquire again: as {@link #acquire}, -1 when there is none. */
  @Operation
  public int pollPending(@Param(name = "tid") int tid) {
    Future<SemaphorePermit> f = pending.get(tid);
    if (f == null) {
      return -1;
    }
    return outcome(tid, f);
  }

  private int outcome(int tid, Future<SemaphorePermit> f) {
    Poll<SemaphorePermit> p;
    try {
      p = f.poll(cx());
    } catch (AcquireException e) {
      pending.set(tid, null);
      return 2;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    if (p.isPending()) {
      pending.set(tid, f);
      return 0;
    }
    pending.set(tid, null);
    held.get(tid).add(p.value());
    return 1;
  }

  @Operation
  public boolean cancelPending(@Param(name = "tid") int tid) {
    Future<SemaphorePermit> f = pending.get(tid);
    if (f == null) {
      return false;
    }
    f.cancel();
    pending.set(tid, null);
    return true;
  }

  @Operation(runOnce = true)
  public void close() {
    sem.close();
  }

  /** The sequential specification: tokio's batch semaphore, one step at a time. */
  public static final class Spec {
    private static final int WAITING = 0;
    private static final int DONE = 1;
    private static final int FAILED = 2;

    private static final class Waiter {
      final int requested;
      int needed;
      int status = WAITING;

      Waiter(int requested, int needed) {
        this.requested = requested;
        this.needed = needed;
      }
    }

    private long available = INITIAL;
    private boolean closed;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private final int[] held = new int[SLOTS];
    private final Waiter[] pending = new Waiter[SLOTS];

    private void assign(long k) {
      while (k > 0 && !queue.isEmpty()) {
        Waiter w = queue.peekFirst();
        long take = Math.min(k, w.needed);
        w.needed -= (int) take;
        k -= take;
        if (w.needed == 0) {
          queue.pollFirst();
          w.status = DONE;
        }
      }
      available += k;
    }

    public boolean tryAcquire(int tid, int n) {
      if (closed || available < n) {
        return false;
      }
      available -= n;
      held[tid] += n;
      return true;
    }

    public int release(int tid) {
      int h = held[tid];
      held[tid] = 0;
      assign(h);
      return h;
    }

    public void addPermits(int n) {
      assign(n);
    }

    public long available() {
      return available;
    }

    public int acquire(int tid, int n) {
      if (pending[tid] != null) {
        return -1;
      }
      if (closed) {
        return 2;
      }
      long take = Math.min(available, n);
      available -= take;
      if (take == n) {
        held[tid] += n;
        return 1;
      }
      Waiter w = new Waiter(n, n - (int) take);
      queue.addLast(w);
      pending[tid] = w;
      return 0;
    }

    public int pollPending(int tid) {
      Waiter w = pending[tid];
      if (w == null) {
        return -1;
      }
      if (w.status == WAITING) {
        return 0;
      }
      pending[tid] = null;
      if (w.status == DONE) {
        held[tid] += w.requested;
        return 1;
      }
      return 2;
    }

    public boolean cancelPending(int tid) {
      Waiter w = pending[tid];
      if (w == null) {
        return false;
      }
      pending[tid] = null;
      long give;
      if (w.status == WAITING) {
        queue.remove(w);
        give = w.requested - w.needed;
      } else if (w.status == DONE) {
        give = w.requested;
      } else {
        give = 0;
      }
      assign(give);
      return true;
    }

    public void close() {
      closed = true;
      for (Waiter w : queue) {
        available += w.requested - w.needed;
        w.status = FAILED;
      }
      queue.clear();
    }
  }

  private static Actor op(String name, int... args) {
    Class<?>[] types = new Class<?>[args.length];
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      types[i] = int.class;
      values.add(args[i]);
    }
    try {
      Method m = SemaphoreModelTest.class.getMethod(name, types);
      return new Actor(m, values, false, false, false, false, false);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  private static ExecutionScenario scenario(
      List<Actor> init, List<Actor> first, List<Actor> second, List<Actor> post) {
    return new ExecutionScenario(init, List.of(first, second), post, null);
  }

  /**
   * Hand-written scenarios for the races that random ones reach rarely; model checking explores
   * every interleaving of each. Thread ids are fixed: 0 for the init part's holder, 1 and 2 for the
   * parallel threads.
   */
  private static List<ExecutionScenario> targeted() {
    return List.of(
        // A waiter holding part of its request is cancelled while a holder releases.
        scenario(
            List.of(op("tryAcquire", 0, 1)),
            List.of(op("acquire", 1, 2), op("cancelPending", 1)),
            List.of(op("release", 0), op("available")),
            List.of(op("available"), op("tryAcquire", 0, 2))),
        // A waiter served in full, never polled again, is cancelled.
        scenario(
            List.of(op("tryAcquire", 0, 2)),
            List.of(op("acquire", 1, 2), op("cancelPending", 1)),
            List.of(op("release", 0), op("tryAcquire", 2, 1)),
            List.of(op("available"))),
        // A large request at the head and a small one behind it, with a release and a cancel.
        scenario(
            List.of(op("tryAcquire", 0, 2), op("acquire", 1, 3)),
            List.of(op("pollPending", 1), op("cancelPending", 1)),
            List.of(op("acquire", 2, 1), op("release", 0)),
            List.of(op("pollPending", 2), op("available"))),
        // close() races with a release and a partly served waiter.
        scenario(
            List.of(op("tryAcquire", 0, 1), op("acquire", 1, 2)),
            List.of(op("close"), op("pollPending", 1)),
            List.of(op("release", 0), op("acquire", 2, 1)),
            List.of(op("available"), op("cancelPending", 1))));
  }

  @Test
  void modelChecking() {
    ModelCheckingOptions options =
        new ModelCheckingOptions()
            .sequentialSpecification(Spec.class)
            .threads(3)
            .actorsBefore(2)
            .actorsPerThread(2)
            .actorsAfter(2)
            .iterations(4)
            .invocationsPerIteration(100);
    for (ExecutionScenario s : targeted()) {
      options.addCustomScenario(s);
    }
    options.check(SemaphoreModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(2)
        .iterations(5)
        .invocationsPerIteration(400)
        .check(SemaphoreModelTest.class);
  }
}
