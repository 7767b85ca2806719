package io.kyoto.runtime.internal.rt;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link BlockOnSignal}: the {@code blockOn} thread has polled its future (pending) and decides
 * whether to park while a waker wakes it. The owner's decision and the waker's "unpark it" answer
 * must agree: a park without an unpark is a lost wake (the thread would sleep for good), an unpark
 * without a park a wasted syscall. Either way the wake stays recorded for the next poll.
 *
 * <p>r1 = the owner may park (1) or must poll again (0); r2 = the waker must unpark (1); r3 = the
 * owner's next {@code takeWake()} sees the wake (1).
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "parked first; the waker unparks it")
@Outcome(id = "0, 0, 1", expect = Expect.ACCEPTABLE, desc = "woken first; the owner polls again")
@Outcome(id = "1, 0, .*", expect = Expect.FORBIDDEN, desc = "lost wake: parked, nobody unparks")
@Outcome(id = "0, 1, .*", expect = Expect.FORBIDDEN, desc = "unpark for an owner that never parks")
@Outcome(id = ".*, .*, 0", expect = Expect.FORBIDDEN, desc = "the wake was not recorded")
@State
public class BlockOnSignalStress {
  private final BlockOnSignal signal = new BlockOnSignal();

  /** The owner has taken the initial wake and polled: POLLING. */
  public BlockOnSignalStress() {
    signal.takeWake();
  }

  /**
   * The owner, after a pending poll.
   *
   * @param r the result
   */
  @Actor
  public void owner(III_Result r) {
    r.r1 = signal.mayPark() ? 1 : 0;
  }

  /**
   * A waker on another thread.
   *
   * @param r the result
   */
  @Actor
  public void waker(III_Result r) {
    r.r2 = signal.wake() ? 1 : 0;
  }

  /**
   * The owner's next look at the signal.
   *
   * @param r the result
   */
  @Arbiter
  public void next(III_Result r) {
    r.r3 = signal.takeWake() ? 1 : 0;
  }
}
