package io.kyoto.benchmarks;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/** A countdown whose {@link #await()} future completes at zero (rtbench's "done" oneshot). */
final class Latch {
  private final AtomicInteger remaining;
  private volatile Waker waiter;
  private volatile boolean done;

  Latch(int count) {
    this.remaining = new AtomicInteger(count);
  }

  void countDown() {
    if (remaining.decrementAndGet() == 0) {
      done = true;
      Waker w = waiter;
      if (w != null) {
        w.wake();
      }
    }
  }

  Future<Void> await() {
    return (Context cx) -> {
      if (done) {
        return Poll.ready(null);
      }
      waiter = cx.waker();
      return done ? Poll.ready(null) : Poll.pending();
    };
  }
}
