package io.kyoto.runtime.sync;

import io.kyoto.runtime.Poll;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a bounded {@link Mpsc} channel's non-waiting path ({@code trySend}, {@code
 * tryRecv}, closing either side) against a sequential bounded FIFO, and no lost wake-up for a
 * pending {@code recv}.
 *
 * <p>Two sender handles, each used by its own thread (a handle is closed by the thread that sends
 * through it; closing a handle while its own send is in flight is a misuse), and the receiver on a
 * third. Capacity 2, so scenarios reach "full". {@link #noLostWakeUp()} checks after every scenario
 * that a receiver left pending on a channel that now has a message (or is done) was woken.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:4")
public class MpscModelTest {
  static final int CAPACITY = 2;

  private final Mpsc.Channel<Integer> ch = Mpsc.channel(CAPACITY);
  private final Mpsc.Sender<Integer> tx2 = ch.tx().clone();
  private TestWaker pendingWaker;

  private static String trySend(Mpsc.Sender<Integer> tx, int v) {
    try {
      tx.trySend(v);
      return "ok";
    } catch (TrySendException e) {
      return (e.isFull() ? "full:" : "closed:") + e.value();
    } catch (IllegalStateException e) {
      return "handle closed";
    }
  }

  @Operation(nonParallelGroup = "tx1")
  public String trySend1(@Param(name = "v") int v) {
    return trySend(ch.tx(), v);
  }

  @Operation(nonParallelGroup = "tx1")
  public void closeTx1() {
    ch.tx().close();
  }

  @Operation(nonParallelGroup = "tx2")
  public String trySend2(@Param(name = "v") int v) {
    return trySend(tx2, v + 10);
  }

  @Operation(nonParallelGroup = "tx2")
  public void closeTx2() {
    tx2.close();
  }

  @Operation(nonParallelGroup = "rx")
  public Object tryRecv() {
    pendingWaker = null;
    try {
      return ch.rx().tryRecv();
    } catch (TryRecvException e) {
      return e.isEmpty() ? "empty" : "closed";
    }
  }

  @Operation(nonParallelGroup = "rx")
  public Object recv() {
    TestWaker w = new TestWaker();
    pendingWaker = null;
    Poll<Integer> p = ch.rx().pollRecv(w.cx());
    if (p.isPending()) {
      pendingWaker = w;
      return "pending";
    }
    return p.value() == null ? "closed" : p.value();
  }

  @Operation(nonParallelGroup = "rx")
  public void closeRx() {
    ch.rx().close();
  }

  @Validate
  public void noLostWakeUp() {
    if (pendingWaker != null && pendingWaker.wakes() == 0) {
      try {
        ch.rx().tryRecv();
      } catch (TryRecvException e) {
        if (e.isEmpty()) {
          return; // still nothing: no wake was owed
        }
      }
      throw new AssertionError("a pending recv was not woken by a message or the close");
    }
  }

  /** The sequential specification: a FIFO of {@value #CAPACITY} with closed flags. */
  public static final class Spec {
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private boolean rxClosed;
    private boolean tx1Closed;
    private boolean tx2Closed;

    private String send(boolean handleClosed, int v) {
      if (handleClosed) {
        return "handle closed";
      }
      if (rxClosed) {
        return "closed:" + v;
      }
      if (queue.size() == CAPACITY) {
        return "full:" + v;
      }
      queue.addLast(v);
      return "ok";
    }

    public String trySend1(int v) {
      return send(tx1Closed, v);
    }

    public void closeTx1() {
      tx1Closed = true;
    }

    public String trySend2(int v) {
      return send(tx2Closed, v + 10);
    }

    public void closeTx2() {
      tx2Closed = true;
    }

    public Object tryRecv() {
      if (!queue.isEmpty()) {
        return queue.pollFirst();
      }
      return rxClosed || (tx1Closed && tx2Closed) ? "closed" : "empty";
    }

    public Object recv() {
      Object r = tryRecv();
      return r.equals("empty") ? "pending" : r;
    }

    public void closeRx() {
      rxClosed = true;
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(2)
        .actorsPerThread(3)
        .actorsAfter(2)
        .iterations(10)
        .invocationsPerIteration(200)
        .check(MpscModelTest.class);
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
        .check(MpscModelTest.class);
  }
}
