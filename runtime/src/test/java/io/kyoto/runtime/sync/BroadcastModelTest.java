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
 * Linearizability of a {@link Broadcast} channel against a sequential model of tokio's broadcast: a
 * ring of {@value #CAPACITY} slots, each receiver's next position, {@code Lagged(n)} when the ring
 * overwrote values a receiver had not read, per-slot counts of the receivers still to read a value
 * ({@code Sender.len()}), and closing of either side. Plus no lost wake-up for a pending {@code
 * recv} polled by hand.
 *
 * <p>Two sender handles ({@code tx2} a clone), each used by its own thread with its own close
 * (closing a handle while its own send is in flight is a misuse), and two receivers, each used by
 * one thread: {@code rx1} from the start, {@code rx2} subscribed by an operation, so that
 * subscribing races with sends. {@link #noLostWakeUp()} checks after every scenario that a recv
 * left pending was woken if a value for it, a lag or the close came afterwards (see {@link
 * WakeLedger}).
 */
@Param(name = "v", gen = IntGen.class, conf = "1:4")
public class BroadcastModelTest {
  static final int CAPACITY = 2;

  private final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
  private final Broadcast.Sender<Integer> tx2 = ch.tx().clone();
  private Broadcast.Receiver<Integer> rx2; // null until subscribe2
  private boolean rx2Open;
  private final WakeLedger wakes1 = new WakeLedger(); // rx1's recv wakers
  private final WakeLedger wakes2 = new WakeLedger();

  private static Object send(Broadcast.Sender<Integer> tx, int v) {
    try {
      return tx.send(v);
    } catch (SendException e) {
      return "noreceivers:" + e.value();
    } catch (IllegalStateException e) {
      return "handle closed";
    }
  }

  private static Object tryRecv(Broadcast.Receiver<Integer> rx) {
    if (rx == null) {
      return "none";
    }
    try {
      return rx.tryRecv();
    } catch (TryRecvException e) {
      return e.isEmpty() ? "empty" : "closed";
    } catch (LaggedException e) {
      return "lagged:" + e.skipped();
    } catch (IllegalStateException e) {
      return "rx closed";
    }
  }

  /** Polls {@code rx.recv()} once with {@code w}; "pending" means {@code w} is registered. */
  private static Object recv(Broadcast.Receiver<Integer> rx, TestWaker w) {
    if (rx == null) {
      return "none";
    }
    try {
      Poll<Integer> p = w.poll(rx.recv());
      return p.isPending() ? "pending" : p.value();
    } catch (RecvException e) {
      return "closed";
    } catch (LaggedException e) {
      return "lagged:" + e.skipped();
    } catch (IllegalStateException e) {
      return "rx closed";
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Operation(nonParallelGroup = "tx1")
  public Object send1(@Param(name = "v") int v) {
    return send(ch.tx(), v);
  }

  @Operation(nonParallelGroup = "tx1")
  public void closeTx1() {
    ch.tx().close();
  }

  @Operation(nonParallelGroup = "tx2")
  public Object send2(@Param(name = "v") int v) {
    return send(tx2, v + 10);
  }

  @Operation(nonParallelGroup = "tx2")
  public void closeTx2() {
    tx2.close();
  }

  /** Records in {@code ledger} what a receive on an open receiver returned. */
  private static Object track(WakeLedger ledger, TestWaker w, Object r) {
    if (r.equals("pending")) {
      ledger.pending(w);
    } else if (!r.equals("empty") && !r.equals("none") && !r.equals("rx closed")) {
      ledger.arrived(); // a value, a lag or the close came after a pending recv registered
    }
    return r;
  }

  @Operation(nonParallelGroup = "rx1")
  public Object tryRecv1() {
    return track(wakes1, null, tryRecv(ch.rx()));
  }

  @Operation(nonParallelGroup = "rx1")
  public Object recv1() {
    TestWaker w = new TestWaker();
    return track(wakes1, w, recv(ch.rx(), w));
  }

  /** Cancels rx1's recv (cancel safe: it received nothing, so the model does nothing). */
  @Operation(nonParallelGroup = "rx1")
  public void cancelRecv1() {
    wakes1.withdrawn();
    ch.rx().recv().cancel();
  }

  @Operation(nonParallelGroup = "rx1")
  public void closeRx1() {
    wakes1.withdrawn();
    ch.rx().close();
  }

  /** Subscribes {@code rx2} unless it is open: "ok", or "dup" if it was. */
  @Operation(nonParallelGroup = "rx2")
  public String subscribe2() {
    if (rx2Open) {
      return "dup";
    }
    wakes2.withdrawn(); // a new receiver
    rx2 = tx2.subscribe(); // allowed on a closed handle, as tokio's subscribe on any sender
    rx2Open = true;
    return "ok";
  }

  @Operation(nonParallelGroup = "rx2")
  public Object tryRecv2() {
    return track(wakes2, null, tryRecv(rx2));
  }

  @Operation(nonParallelGroup = "rx2")
  public Object recv2() {
    TestWaker w = new TestWaker();
    return track(wakes2, w, recv(rx2, w));
  }

  @Operation(nonParallelGroup = "rx2")
  public void closeRx2() {
    wakes2.withdrawn();
    if (rx2 != null) {
      rx2.close();
      rx2Open = false;
    }
  }

  @Operation
  public int receiverCount() {
    return ch.tx().receiverCount();
  }

  /** tokio's {@code Sender::len}: retained values some receiver open at their send still needs. */
  @Operation
  public int queued() {
    return ch.tx().len();
  }

  @Validate
  public void noLostWakeUp() {
    wakes1.check(() -> !tryRecv(ch.rx()).equals("empty"));
    wakes2.check(() -> !tryRecv(rx2).equals("empty"));
  }

  /** The sequential specification: tokio's broadcast channel, one step at a time. */
  public static final class Spec {
    /** A receiver: the position it reads next, and whether it is open. */
    private static final class Rx {
      long next;
      boolean open = true;

      Rx(long next) {
        this.next = next;
      }
    }

    private final Integer[] ring = new Integer[CAPACITY];
    private final int[] rem = new int[CAPACITY]; // receivers still to read the value in a slot
    private long tail; // the position of the next send
    private boolean tx1Closed;
    private boolean tx2Closed;
    private final Rx rx1 = new Rx(0);
    private Rx rx2;

    private int openReceivers() {
      return (rx1.open ? 1 : 0) + (rx2 != null && rx2.open ? 1 : 0);
    }

    private boolean closed() {
      return tx1Closed && tx2Closed;
    }

    private Object send(boolean handleClosed, int v) {
      if (handleClosed) {
        return "handle closed";
      }
      int n = openReceivers();
      if (n == 0) {
        return "noreceivers:" + v;
      }
      int slot = (int) (tail % CAPACITY);
      ring[slot] = v;
      rem[slot] = n; // overwrites the oldest value, if any
      tail++;
      return n;
    }

    private Object tryRecv(Rx r) {
      if (r == null) {
        return "none";
      }
      if (!r.open) {
        return "rx closed";
      }
      if (r.next < tail) {
        long oldest = tail - CAPACITY;
        if (r.next < oldest) {
          long missed = oldest - r.next;
          r.next = oldest;
          return "lagged:" + missed;
        }
        int slot = (int) (r.next % CAPACITY);
        rem[slot]--;
        r.next++;
        return ring[slot];
      }
      return closed() ? "closed" : "empty";
    }

    private Object recv(Rx r) {
      Object o = tryRecv(r);
      return o.equals("empty") ? "pending" : o;
    }

    private void close(Rx r) {
      if (r == null || !r.open) {
        return;
      }
      r.open = false;
      for (long p = Math.max(r.next, tail - CAPACITY); p < tail; p++) {
        rem[(int) (p % CAPACITY)]--;
      }
    }

    public Object send1(int v) {
      return send(tx1Closed, v);
    }

    public void closeTx1() {
      tx1Closed = true;
    }

    public Object send2(int v) {
      return send(tx2Closed, v + 10);
    }

    public void closeTx2() {
      tx2Closed = true;
    }

    public Object tryRecv1() {
      return tryRecv(rx1);
    }

    public Object recv1() {
      return recv(rx1);
    }

    public void cancelRecv1() {}

    public void closeRx1() {
      close(rx1);
    }

    public String subscribe2() {
      if (rx2 != null && rx2.open) {
        return "dup";
      }
      rx2 = new Rx(tail);
      return "ok";
    }

    public Object tryRecv2() {
      return tryRecv(rx2);
    }

    public Object recv2() {
      return recv(rx2);
    }

    public void closeRx2() {
      close(rx2);
    }

    public int receiverCount() {
      return openReceivers();
    }

    public int queued() {
      int n = 0;
      for (long p = Math.max(0, tail - CAPACITY); p < tail; p++) {
        if (rem[(int) (p % CAPACITY)] > 0) {
          n++;
        }
      }
      return n;
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
      Method m = BroadcastModelTest.class.getMethod(name, types);
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
        // A pending recv races with a send, and the last sender's close with a receiver's poll.
        scenario(
            List.of(op("closeTx2")),
            List.of(
                List.of(op("recv1"), op("recv1")),
                List.of(op("send1", 1), op("closeTx1")),
                List.of(op("subscribe2"), op("recv2"))),
            List.of(op("tryRecv1"), op("tryRecv2"))),
        // Overwrites while a receiver reads: Lagged(n) then the oldest retained value.
        scenario(
            List.of(op("send1", 1), op("send1", 2)),
            List.of(
                List.of(op("tryRecv1"), op("tryRecv1")),
                List.of(op("send2", 3), op("send2", 4)),
                List.of(op("queued"), op("subscribe2"))),
            List.of(op("tryRecv1"), op("tryRecv2"), op("queued"))),
        // A receiver closes with unread values while another reads and a sender sends: the
        // per-slot counts behind Sender.len().
        scenario(
            List.of(op("subscribe2"), op("send1", 1)),
            List.of(
                List.of(op("closeRx2"), op("subscribe2")),
                List.of(op("send1", 2), op("queued")),
                List.of(op("tryRecv1"), op("recv1"))),
            List.of(op("queued"), op("receiverCount"), op("tryRecv2"))),
        // A receiver that is about to lag closes while a send overwrites, and the other reads:
        // closing releases only the retained values it had not read.
        scenario(
            List.of(op("subscribe2"), op("send1", 1), op("send1", 2)),
            List.of(
                List.of(op("send2", 3), op("queued")),
                List.of(op("closeRx2"), op("subscribe2")),
                List.of(op("tryRecv1"), op("tryRecv1"))),
            List.of(op("queued"), op("tryRecv2"), op("receiverCount"))),
        // Every receiver closes while a send is in flight; then a new subscriber.
        scenario(
            List.of(op("subscribe2")),
            List.of(
                List.of(op("closeRx1"), op("receiverCount")),
                List.of(op("send1", 1), op("send1", 2)),
                List.of(op("closeRx2"), op("subscribe2"))),
            List.of(op("tryRecv2"), op("queued"))));
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
    options.check(BroadcastModelTest.class);
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
        .check(BroadcastModelTest.class);
  }
}
