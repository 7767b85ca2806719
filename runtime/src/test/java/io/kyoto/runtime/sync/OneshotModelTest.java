package io.kyoto.runtime.sync;

import io.kyoto.runtime.Poll;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Oneshot} against a sequential cell, and no lost wake-up.
 *
 * <p>The sender's operations run on one thread and the receiver's on another, as the API intends
 * (one owner per half); {@code isClosed} runs anywhere. The receiver polls with a fresh counting
 * waker each time; {@link #noLostWakeUp()} checks, after every scenario, that a receiver left
 * pending on a channel that has since completed (sent or sender-closed) was woken.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:3")
public class OneshotModelTest {
  private final Oneshot.Channel<Integer> ch = Oneshot.channel();
  private TestWaker pendingWaker; // the waker of the receiver's last poll, if it was pending

  @Operation(nonParallelGroup = "tx")
  public String send(@Param(name = "v") int v) {
    try {
      ch.tx().send(v);
      return "ok";
    } catch (SendException e) {
      return "closed:" + e.value();
    } catch (IllegalStateException e) {
      return "used";
    }
  }

  @Operation(nonParallelGroup = "tx")
  public void closeTx() {
    ch.tx().close();
  }

  @Operation
  public boolean isClosed() {
    return ch.tx().isClosed();
  }

  @Operation(nonParallelGroup = "rx")
  public Object tryRecv() {
    try {
      pendingWaker = null;
      return ch.rx().tryRecv();
    } catch (TryRecvException e) {
      return e.isEmpty() ? "empty" : "closed";
    }
  }

  @Operation(nonParallelGroup = "rx")
  public Object poll() {
    TestWaker w = new TestWaker();
    pendingWaker = null;
    try {
      Poll<Integer> p = w.poll(ch.rx());
      if (p.isPending()) {
        pendingWaker = w;
        return "pending";
      }
      return p.value();
    } catch (RecvException e) {
      return "closed";
    } catch (IllegalStateException e) {
      return "terminated";
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Operation(nonParallelGroup = "rx")
  public void closeRx() {
    ch.rx().close();
  }

  @Validate
  public void noLostWakeUp() {
    if (pendingWaker != null && pendingWaker.wakes() == 0) {
      boolean completed;
      try {
        ch.rx().tryRecv();
        completed = true;
      } catch (TryRecvException e) {
        completed = e.isClosed();
      }
      if (completed) {
        throw new AssertionError("a pending receiver was not woken by the completion");
      }
    }
  }

  /** The sequential specification. */
  public static final class Spec {
    private Integer value;
    private boolean txDone; // sent or closed
    private boolean txClosed;
    private boolean rxClosed;
    private boolean terminated;

    public String send(int v) {
      if (txDone) {
        return "used";
      }
      if (rxClosed) {
        return "closed:" + v;
      }
      txDone = true;
      value = v;
      return "ok";
    }

    public void closeTx() {
      if (!txDone) {
        txDone = true;
        txClosed = true;
      }
    }

    public boolean isClosed() {
      return rxClosed;
    }

    public Object tryRecv() {
      if (terminated) {
        return "closed";
      }
      if (value != null) {
        terminated = true;
        return value;
      }
      if (txClosed || rxClosed) {
        terminated = true;
        return "closed";
      }
      return "empty";
    }

    public Object poll() {
      if (terminated) {
        return "terminated";
      }
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
        .actorsBefore(1)
        .actorsPerThread(2)
        .actorsAfter(1)
        .iterations(10)
        .invocationsPerIteration(200)
        .check(OneshotModelTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .sequentialSpecification(Spec.class)
        .threads(3)
        .actorsBefore(1)
        .actorsPerThread(3)
        .actorsAfter(1)
        .iterations(8)
        .invocationsPerIteration(300)
        .check(OneshotModelTest.class);
  }
}
