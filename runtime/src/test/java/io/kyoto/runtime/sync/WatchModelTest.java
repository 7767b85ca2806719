package io.kyoto.runtime.sync;

import io.kyoto.runtime.Poll;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a {@link Watch} channel against a sequential model of tokio's watch: one value
 * with a version, a seen version per receiver, the receiver count and the sender's close. Plus no
 * lost wake-up for a pending {@code changed()} polled by hand.
 *
 * <p>The sender's writes and its close run on one thread (closing it while one of its own sends is
 * in flight is a misuse); each of the two receivers is used by one thread, as its seen version is
 * its own state: {@code rx1} from the start, {@code rx2} subscribed by an operation so that
 * subscribing races with writes. {@code sendModify} is exercised with a modification that changes
 * nothing in place (values are immutable here; an in-place change is documented to be observable
 * half done), so it is a pure "bump the version and notify". {@link #noLostWakeUp()} checks after
 * every scenario that a {@code changed()} left pending was woken if a write or the close came
 * afterwards (see {@link WakeLedger}).
 */
@Param(name = "v", gen = IntGen.class, conf = "1:4")
public class WatchModelTest {
  private final Watch.Channel<Integer> ch = Watch.channel(0);
  private boolean rx1Open = true;
  private Watch.Receiver<Integer> rx2; // null until subscribe2
  private boolean rx2Open;
  private final WakeLedger wakes1 = new WakeLedger(); // rx1's changed() wakers
  private final WakeLedger wakes2 = new WakeLedger();

  @Operation(nonParallelGroup = "tx")
  public Object send(@Param(name = "v") int v) {
    try {
      ch.tx().send(v);
      return "ok";
    } catch (SendException e) {
      return "noreceivers:" + e.value();
    } catch (IllegalStateException e) {
      return "handle closed";
    }
  }

  @Operation(nonParallelGroup = "tx")
  public Object sendReplace(@Param(name = "v") int v) {
    try {
      return ch.tx().sendReplace(v + 10);
    } catch (IllegalStateException e) {
      return "handle closed";
    }
  }

  /** {@code sendModify} with a modification that leaves the value as it is: notifies anyway. */
  @Operation(nonParallelGroup = "tx")
  public String sendModify() {
    try {
      ch.tx().sendModify(v -> {});
      return "ok";
    } catch (IllegalStateException e) {
      return "handle closed";
    }
  }

  /** {@code sendIfModified} that notifies only when the value is even. */
  @Operation(nonParallelGroup = "tx")
  public Object sendIfEven() {
    try {
      return ch.tx().sendIfModified(v -> v % 2 == 0);
    } catch (IllegalStateException e) {
      return "handle closed";
    }
  }

  @Operation(nonParallelGroup = "tx")
  public void closeTx() {
    ch.tx().close();
  }

  @Operation
  public int borrow() {
    return ch.tx().borrow();
  }

  @Operation
  public int receiverCount() {
    return ch.tx().receiverCount();
  }

  private static Object borrowAndUpdate(Watch.Receiver<Integer> rx, boolean open) {
    return open ? rx.borrowAndUpdate() : "rx closed";
  }

  private static Object hasChanged(Watch.Receiver<Integer> rx, boolean open) {
    if (!open) {
      return "rx closed";
    }
    try {
      return rx.hasChanged();
    } catch (RecvException e) {
      return "closed";
    }
  }

  /** Polls {@code rx.changed()} once with {@code w}; "pending" means {@code w} is registered. */
  private static String changed(Watch.Receiver<Integer> rx, boolean open, TestWaker w) {
    if (!open) {
      return "rx closed";
    }
    try {
      Poll<Void> p = w.poll(rx.changed());
      return p.isPending() ? "pending" : "ready";
    } catch (RecvException e) {
      return "closed";
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Operation(nonParallelGroup = "rx1")
  public Object borrowAndUpdate1() {
    return borrowAndUpdate(ch.rx(), rx1Open);
  }

  /**
   * Records in {@code ledger} what {@code hasChanged} or {@code changed} returned: a change or the
   * close seen after a pending {@code changed()} registered means its waker was owed a wake.
   */
  private static <R> R track(WakeLedger ledger, TestWaker w, R r) {
    if (r.equals("pending")) {
      ledger.pending(w);
    } else if (r.equals(true) || r.equals("ready") || r.equals("closed")) {
      ledger.arrived();
    }
    return r;
  }

  @Operation(nonParallelGroup = "rx1")
  public Object hasChanged1() {
    return track(wakes1, null, hasChanged(ch.rx(), rx1Open));
  }

  @Operation(nonParallelGroup = "rx1")
  public String changed1() {
    TestWaker w = new TestWaker();
    return track(wakes1, w, changed(ch.rx(), rx1Open, w));
  }

  @Operation(nonParallelGroup = "rx1")
  public void cancelChanged1() {
    wakes1.withdrawn();
    ch.rx().changed().cancel();
  }

  @Operation(nonParallelGroup = "rx1")
  public void closeRx1() {
    wakes1.withdrawn();
    rx1Open = false;
    ch.rx().close();
  }

  /** Subscribes {@code rx2} unless it is open: "ok", or "dup" if it was. */
  @Operation(nonParallelGroup = "rx2")
  public String subscribe2() {
    if (rx2Open) {
      return "dup";
    }
    wakes2.withdrawn(); // a new receiver
    rx2 = ch.tx().subscribe();
    rx2Open = true;
    return "ok";
  }

  @Operation(nonParallelGroup = "rx2")
  public Object borrowAndUpdate2() {
    return borrowAndUpdate(rx2, rx2Open);
  }

  @Operation(nonParallelGroup = "rx2")
  public Object hasChanged2() {
    return track(wakes2, null, hasChanged(rx2, rx2Open));
  }

  @Operation(nonParallelGroup = "rx2")
  public String changed2() {
    TestWaker w = new TestWaker();
    return track(wakes2, w, changed(rx2, rx2Open, w));
  }

  @Operation(nonParallelGroup = "rx2")
  public void closeRx2() {
    wakes2.withdrawn();
    if (rx2Open) {
      rx2Open = false;
      rx2.close();
    }
  }

  /**
   * After a pending {@code changed()}, its receiver's seen version moves only forward (by {@code
   * borrowAndUpdate}), so an unseen version or the close at the end means a write or the close came
   * after the waker registered.
   */
  @Validate
  public void noLostWakeUp() {
    wakes1.check(() -> !Boolean.FALSE.equals(hasChanged(ch.rx(), true)));
    wakes2.check(() -> !Boolean.FALSE.equals(hasChanged(rx2, true)));
  }

  /** The sequential specification: tokio's watch channel, one step at a time. */
  public static final class Spec {
    /** A receiver: the version it has seen, and whether it is open. */
    private static final class Rx {
      long seen;
      boolean open = true;

      Rx(long seen) {
        this.seen = seen;
      }
    }

    private int value;
    private long version;
    private boolean txClosed;
    private final Rx rx1 = new Rx(0);
    private Rx rx2;

    private int openReceivers() {
      return (rx1.open ? 1 : 0) + (rx2 != null && rx2.open ? 1 : 0);
    }

    private void publish(int v) {
      value = v;
      version++;
    }

    public Object send(int v) {
      if (txClosed) {
        return "handle closed";
      }
      if (openReceivers() == 0) {
        return "noreceivers:" + v;
      }
      publish(v);
      return "ok";
    }

    public Object sendReplace(int v) {
      if (txClosed) {
        return "handle closed";
      }
      int old = value;
      publish(v + 10);
      return old;
    }

    public String sendModify() {
      if (txClosed) {
        return "handle closed";
      }
      publish(value);
      return "ok";
    }

    public Object sendIfEven() {
      if (txClosed) {
        return "handle closed";
      }
      if (value % 2 != 0) {
        return false;
      }
      publish(value);
      return true;
    }

    public void closeTx() {
      txClosed = true;
    }

    public int borrow() {
      return value;
    }

    public int receiverCount() {
      return openReceivers();
    }

    private Object borrowAndUpdate(Rx r) {
      if (r == null || !r.open) {
        return "rx closed";
      }
      r.seen = version;
      return value;
    }

    private Object hasChanged(Rx r) {
      if (r == null || !r.open) {
        return "rx closed";
      }
      if (txClosed) {
        return "closed";
      }
      return r.seen != version;
    }

    private String changed(Rx r) {
      if (r == null || !r.open) {
        return "rx closed";
      }
      if (r.seen != version) {
        r.seen = version;
        return "ready";
      }
      return txClosed ? "closed" : "pending";
    }

    public Object borrowAndUpdate1() {
      return borrowAndUpdate(rx1);
    }

    public Object hasChanged1() {
      return hasChanged(rx1);
    }

    public String changed1() {
      return changed(rx1);
    }

    public void cancelChanged1() {}

    public void closeRx1() {
      rx1.open = false;
    }

    public String subscribe2() {
      if (rx2 != null && rx2.open) {
        return "dup";
      }
      rx2 = new Rx(version);
      return "ok";
    }

    public Object borrowAndUpdate2() {
      return borrowAndUpdate(rx2);
    }

    public Object hasChanged2() {
      return hasChanged(rx2);
    }

    public String changed2() {
      return changed(rx2);
    }

    public void closeRx2() {
      if (rx2 != null) {
        rx2.open = false;
      }
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
      Method m = WatchModelTest.class.getMethod(name, types);
      return new Actor(m, values, false, false, false, false, false);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
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
        // A pending changed() races with a write and the close.
        scenario(
            List.of(op("subscribe2")),
            List.of(
                List.of(op("changed1"), op("changed1")),
                List.of(op("send", 1), op("closeTx")),
                List.of(op("changed2"), op("hasChanged2"))),
            List.of(op("changed1"), op("changed2"))),
        // A subscription races with writes, one of which finds no receiver.
        scenario(
            List.of(op("closeRx1")),
            List.of(
                List.of(op("subscribe2"), op("changed2")),
                List.of(op("sendReplace", 1), op("send", 2))),
            List.of(op("hasChanged2"), op("borrowAndUpdate2"))),
        // The last receiver closes while the sender writes and checks the count.
        scenario(
            List.of(op("subscribe2")),
            List.of(
                List.of(op("closeRx1"), op("borrow")),
                List.of(op("send", 2), op("sendIfEven"), op("receiverCount")),
                List.of(op("closeRx2"), op("subscribe2"))),
            List.of(op("changed2"), op("hasChanged2"))));
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
    options.check(WatchModelTest.class);
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
        .check(WatchModelTest.class);
  }
}
