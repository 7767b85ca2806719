package io.kyoto.runtime.internal.chan;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The channel buffers ({@link RingQueue} and {@link BlockQueue}): producers claim positions with
 * {@code getAndAdd} and store with a volatile write; the single consumer reads its position's slot
 * (null = claimed but not yet stored, or nothing claimed).
 *
 * <p>Each test: producer A pushes message 1 while producer B pushes message 2 and then polls once
 * (the consumer shares B's thread: jcstress needs one CPU per actor). r1 = message polled (0 =
 * none: A claimed the head position but had not stored yet), r2 = the rest drained in order, r3 =
 * size() before draining.
 */
public final class MsgQueueStress {
  private MsgQueueStress() {}

  /** A message with a plain field: reading its id means it was published. */
  static final class Msg {
    int id;

    Msg(int id) {
      this.id = id;
    }
  }

  static int drain(MsgQueue<Msg> q) {
    int digits = 0;
    for (Msg m = q.poll(); m != null; m = q.poll()) {
      digits = digits * 10 + m.id;
    }
    return digits;
  }

  /** Moves the positions so that the race lands where it is interesting (a wrap, a block end). */
  static MsgQueue<Msg> warmedUp(MsgQueue<Msg> q, int messages) {
    for (int i = 0; i < messages; i++) {
      q.push(new Msg(9));
      q.poll();
    }
    return q;
  }

  static void pushAndPoll(MsgQueue<Msg> q, III_Result r) {
    q.push(new Msg(2));
    Msg m = q.poll();
    r.r1 = m == null ? 0 : m.id;
  }

  static void rest(MsgQueue<Msg> q, III_Result r) {
    r.r3 = (int) q.size();
    r.r2 = drain(q);
  }

  /** A ring of 2 slots, positions 1 and 2: the second push wraps to slot 0. */
  @JCStressTest
  @Outcome(id = "0, 12, 2", expect = Expect.ACCEPTABLE, desc = "A claimed first, not yet stored")
  @Outcome(id = "1, 2, 1", expect = Expect.ACCEPTABLE, desc = "A claimed and stored first")
  @Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "B claimed first")
  @Outcome(expect = Expect.FORBIDDEN, desc = "message lost, duplicated or unpublished")
  @State
  public static class Ring {
    final MsgQueue<Msg> q = warmedUp(MsgQueue.create(2), 1);

    @Actor
    public void producerA() {
      q.push(new Msg(1));
    }

    @Actor
    public void producerB(III_Result r) {
      pushAndPoll(q, r);
    }

    @Arbiter
    public void after(III_Result r) {
      rest(q, r);
    }
  }

  /** Unbounded blocks of 32, positions 31 and 32: the later push links a new block. */
  @JCStressTest
  @Outcome(id = "0, 12, 2", expect = Expect.ACCEPTABLE, desc = "A claimed first, not yet stored")
  @Outcome(id = "1, 2, 1", expect = Expect.ACCEPTABLE, desc = "A claimed and stored first")
  @Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "B claimed first")
  @Outcome(expect = Expect.FORBIDDEN, desc = "message lost, duplicated or unpublished")
  @State
  public static class Blocks {
    final MsgQueue<Msg> q = warmedUp(MsgQueue.create(-1), BlockQueue.BLOCK - 1);

    @Actor
    public void producerA() {
      q.push(new Msg(1));
    }

    @Actor
    public void producerB(III_Result r) {
      pushAndPoll(q, r);
    }

    @Arbiter
    public void after(III_Result r) {
      rest(q, r);
    }
  }
}
