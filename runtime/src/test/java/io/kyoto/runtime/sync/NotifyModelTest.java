package io.kyoto.runtime.sync;

import io.kyoto.runtime.Poll;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Notify} against a sequential model of tokio's notify: at most one
 * stored permit, a FIFO of queued {@link Notified} futures served from the front by {@code
 * notifyOne} and from the back by {@code notifyLast}, {@code notifyWaiters} completing every future
 * created before it (by the call count the future remembers), and cancellation that passes on a
 * {@code notifyOne} the future received but did not report. Plus no lost wake-up for a pending
 * {@code Notified} polled by hand.
 *
 * <p>Two futures slots, {@code a} and {@code b}, each owned by one thread (a future is used by one
 * task at a time): {@code new} creates the slot's future (refused while one is live), {@code poll}
 * polls it with a fresh counting waker, {@code enable} queues it without polling, {@code cancel}
 * drops it. A future leaves its slot when a poll reports it ready or it is cancelled. The notifying
 * operations run on any thread. {@link #noLostWakeUp()} checks after every scenario that a future
 * left pending was woken if it was notified afterwards (see {@link WakeLedger}).
 */
public class NotifyModelTest {
  private final Notify notify = new Notify();
  private final Slot a = new Slot();
  private final Slot b = new Slot();

  /** One task's future, and the wakers its pending polls registered. */
  private final class Slot {
    Notified future;
    final WakeLedger wakes = new WakeLedger();

    String create() {
      if (future != null) {
        return "busy";
      }
      future = notify.notified();
      return "ok";
    }

    Object enable() {
      if (future == null) {
        return "none";
      }
      boolean notified = future.enable();
      if (notified) {
        wakes.arrived(); // if a poll was pending, the notification came after it
      }
      return notified;
    }

    String poll() {
      if (future == null) {
        return "none";
      }
      TestWaker w = new TestWaker();
      Poll<Void> p;
      try {
        p = w.poll(future);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      if (p.isPending()) {
        wakes.pending(w);
        return "pending";
      }
      wakes.arrived();
      future = null;
      return "ready";
    }

    String cancel() {
      if (future == null) {
        return "none";
      }
      future.cancel();
      future = null;
      wakes.withdrawn();
      return "ok";
    }

    void checkWoken() {
      // A registered waker means the future is queued; enable() then only reads whether it was
      // notified.
      wakes.check(() -> future.enable());
    }
  }

  @Operation(nonParallelGroup = "a")
  public String newA() {
    return a.create();
  }

  @Operation(nonParallelGroup = "a")
  public Object enableA() {
    return a.enable();
  }

  @Operation(nonParallelGroup = "a")
  public String pollA() {
    return a.poll();
  }

  @Operation(nonParallelGroup = "a")
  public String cancelA() {
    return a.cancel();
  }

  @Operation(nonParallelGroup = "b")
  public String newB() {
    return b.create();
  }

  @Operation(nonParallelGroup = "b")
  public Object enableB() {
    return b.enable();
  }

  @Operation(nonParallelGroup = "b")
  public String pollB() {
    return b.poll();
  }

  @Operation(nonParallelGroup = "b")
  public String cancelB() {
    return b.cancel();
  }

  @Operation
  public void notifyOne() {
    notify.notifyOne();
  }

  @Operation
  public void notifyLast() {
    notify.notifyLast();
  }

  @Operation
  public void notifyWaiters() {
    notify.notifyWaiters();
  }

  @Validate
  public void noLostWakeUp() {
    a.checkWoken();
    b.checkWoken();
  }

  /** The sequential specification: tokio's notify, one step at a time. */
  public static final class Spec {
    private static final int NONE = 0;
    private static final int ONE_FIFO = 1;
    private static final int ONE_LIFO = 2;
    private static final int ALL = 3;

    /** A queued future's node: how it was notified, if it was. */
    private static final class Waiter {
      int notification = NONE;
    }

    private enum Phase {
      INIT,
      QUEUED,
      DONE, // completed, not yet reported by a poll
      PERMIT_TAKEN // completed by enable() with the permit, not yet reported: cancel re-stores it
    }

    /** A live future: the notifyWaiters count at its creation, its phase and its node. */
    private static final class Fut {
      final long calls;
      Phase phase = Phase.INIT;
      Waiter node;

      Fut(long calls) {
        this.calls = calls;
      }
    }

    private long calls; // notifyWaiters calls so far
    private boolean permit;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private final Fut[] slots = new Fut[2];

    private void notify(boolean lifo) {
      if (queue.isEmpty()) {
        permit = true; // permits coalesce
        return;
      }
      Waiter w = lifo ? queue.pollLast() : queue.pollFirst();
      w.notification = lifo ? ONE_LIFO : ONE_FIFO;
    }

    /** Completes {@code f} by the call count or the permit, else queues it; returns the phase. */
    private Phase register(Fut f) {
      if (calls != f.calls) {
        return Phase.DONE;
      }
      if (permit) {
        permit = false;
        return Phase.PERMIT_TAKEN;
      }
      f.node = new Waiter();
      queue.addLast(f.node);
      return Phase.QUEUED;
    }

    private String create(int s) {
      if (slots[s] != null) {
        return "busy";
      }
      slots[s] = new Fut(calls);
      return "ok";
    }

    private Object enable(int s) {
      Fut f = slots[s];
      if (f == null) {
        return "none";
      }
      return switch (f.phase) {
        case INIT -> {
          f.phase = register(f);
          yield f.phase != Phase.QUEUED;
        }
        case QUEUED -> f.node.notification != NONE;
        case DONE, PERMIT_TAKEN -> true;
      };
    }

    private String poll(int s) {
      Fut f = slots[s];
      if (f == null) {
        return "none";
      }
      boolean ready =
          switch (f.phase) {
            case INIT -> {
              f.phase = register(f);
              yield f.phase != Phase.QUEUED;
            }
            case QUEUED -> f.node.notification != NONE;
            case DONE, PERMIT_TAKEN -> true;
          };
      if (!ready) {
        return "pending";
      }
      slots[s] = null;
      return "ready";
    }

    private String cancel(int s) {
      Fut f = slots[s];
      if (f == null) {
        return "none";
      }
      slots[s] = null;
      if (f.phase == Phase.PERMIT_TAKEN) {
        notify(false); // the permit enable() took was never reported: pass it on
      } else if (f.phase == Phase.QUEUED) {
        queue.remove(f.node);
        int n = f.node.notification;
        if (n == ONE_FIFO || n == ONE_LIFO) {
          notify(n == ONE_LIFO); // received but not reported: pass it on the same way
        }
      }
      return "ok";
    }

    public String newA() {
      return create(0);
    }

    public Object enableA() {
      return enable(0);
    }

    public String pollA() {
      return poll(0);
    }

    public String cancelA() {
      return cancel(0);
    }

    public String newB() {
      return create(1);
    }

    public Object enableB() {
      return enable(1);
    }

    public String pollB() {
      return poll(1);
    }

    public String cancelB() {
      return cancel(1);
    }

    public void notifyOne() {
      notify(false);
    }

    public void notifyLast() {
      notify(true);
    }

    public void notifyWaiters() {
      calls++;
      for (Waiter w : queue) {
        w.notification = ALL;
      }
      queue.clear(); // a stored permit stays
    }
  }

  private static Actor op(String name) {
    try {
      Method m = NotifyModelTest.class.getMethod(name);
      return new Actor(m, List.of(), false, false, false, false, false);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  private static List<Actor> ops(String... names) {
    return Arrays.stream(names).map(NotifyModelTest::op).toList();
  }

  private static ExecutionScenario scenario(
      List<Actor> init, List<List<Actor>> parallel, List<Actor> post) {
    return new ExecutionScenario(init, parallel, post, null);
  }

  /**
   * Hand-written scenarios for the races random ones reach rarely; model checking explores every
   * interleaving of each.
   */
  private static List<ExecutionScenario> targeted() {
    return List.of(
        // A queued future is cancelled while notifyOne picks it: the notification moves on to
        // the other queued future, which is polling meanwhile.
        scenario(
            ops("newA", "pollA", "newB", "pollB"),
            List.of(ops("cancelA"), ops("notifyOne"), ops("pollB")),
            ops("pollB", "newA", "pollA")),
        // notifyWaiters races with creations, first polls and a cancel; notifyOne stores a permit
        // or serves a waiter.
        scenario(
            ops("newA"),
            List.of(
                ops("pollA", "cancelA"), ops("notifyWaiters", "notifyOne"), ops("newB", "pollB")),
            ops("pollB", "newA", "pollA")),
        // enable() takes the permit and is cancelled (re-storing it) while another future polls
        // and notifyLast runs.
        scenario(
            ops("notifyOne"),
            List.of(ops("newA", "enableA", "cancelA"), ops("newB", "pollB"), ops("notifyLast")),
            ops("pollB", "newA", "pollA")),
        // Two queued futures, notifyLast and notifyOne at once, one of them cancelled.
        scenario(
            ops("newA", "enableA", "newB", "pollB"),
            List.of(ops("pollA", "cancelA"), ops("notifyLast"), ops("notifyOne", "pollB")),
            ops("pollB", "newA", "pollA")));
  }

  @Test
  void modelChecking() {
    ModelCheckingOptions options =
        new ModelCheckingOptions()
            .sequentialSpecification(Spec.class)
            .threads(3)
            .actorsBefore(2)
            .actorsPerThread(3)
            .actorsAfter(2)
            .iterations(10)
            .invocationsPerIteration(150);
    for (ExecutionScenario s : targeted()) {
      options.addCustomScenario(s);
    }
    options.check(NotifyModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(2)
        .iterations(10)
        .invocationsPerIteration(500)
        .check(NotifyModelTest.class);
  }
}
