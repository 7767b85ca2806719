package io.kyoto.runtime.internal.sched;

import static io.kyoto.runtime.internal.sched.Tasks.NO_OVERFLOW;
import static io.kyoto.runtime.internal.sched.Tasks.append;
import static io.kyoto.runtime.internal.sched.Tasks.drain;

import io.kyoto.runtime.internal.sched.Tasks.RecordingOverflow;
import io.kyoto.runtime.internal.sched.Tasks.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link LocalQueue} under the real memory model: the owner's push, pop and overflow racing with
 * thieves. Tasks carry their id in a plain field, so a thief that reads 0 (or a wrong id) saw an
 * unpublished slot; results list task ids as digits in the order they were taken.
 */
public final class LocalQueueStress {
  private LocalQueueStress() {}

  /**
   * What the victim still holds (its digits), or -1 if a thief's queue still holds a task: each
   * thief drains its own queue in its actor, so a task left there was never handed out.
   */
  @SafeVarargs
  static int leftovers(LocalQueue<Task> victim, LocalQueue<Task>... thieves) {
    for (LocalQueue<Task> q : thieves) {
      if (!q.isEmpty()) {
        return -1;
      }
    }
    return drain(victim);
  }

  /**
   * The owner pushes task 3 into a queue holding 1 and 2 while a thief steals into its own queue.
   * The thief snapshots 2 tasks (takes ceil(2/2) = 1) or 3 (takes ceil(3/2) = 2); the thief drains
   * its own queue in its actor, so the ids it reads test slot publication across both rings.
   *
   * <p>r1 = task returned by the steal, r2 = the rest of the thief's queue (read by the thief), r3
   * = what the victim holds afterwards.
   */
  @JCStressTest
  @Outcome(id = "1, 0, 23", expect = Expect.ACCEPTABLE, desc = "steal saw 2 tasks, took task 1")
  @Outcome(
      id = "2, 1, 3",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc = "steal saw the concurrent push: took 1 and 2, returned the newest")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated, unpublished or reordered")
  @State
  public static class PushSteal {
    final LocalQueue<Task> victim = new LocalQueue<>(8);
    final LocalQueue<Task> thief = new LocalQueue<>(8);

    public PushSteal() {
      victim.push(new Task(1), NO_OVERFLOW);
      victim.push(new Task(2), NO_OVERFLOW);
    }

    @Actor
    public void owner() {
      victim.push(new Task(3), NO_OVERFLOW);
    }

    @Actor
    public void steal(III_Result r) {
      Task t = victim.stealInto(thief);
      r.r1 = append(0, t);
      r.r2 = drain(thief);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = leftovers(victim, thief);
    }
  }

  /** The owner pops the last task while a thief steals it: exactly one of them gets it. */
  @JCStressTest
  @Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "the owner popped it")
  @Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE, desc = "the thief stole it")
  @Outcome(id = "1, 1, 0", expect = Expect.FORBIDDEN, desc = "task duplicated")
  @Outcome(id = "0, 0, 1", expect = Expect.FORBIDDEN, desc = "both missed a queued task")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated or unpublished")
  @State
  public static class PopStealLast {
    final LocalQueue<Task> victim = new LocalQueue<>(8);
    final LocalQueue<Task> thief = new LocalQueue<>(8);

    public PopStealLast() {
      victim.push(new Task(1), NO_OVERFLOW);
    }

    @Actor
    public void owner(III_Result r) {
      r.r1 = append(0, victim.pop());
    }

    @Actor
    public void steal(III_Result r) {
      Task now = victim.stealInto(thief);
      // The thief runs the returned task after draining the rest of its queue.
      r.r2 = append(drain(thief), now);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = leftovers(victim, thief);
    }
  }

  /**
   * The owner publishes a task into an empty queue while a thief steals: the thief gets either
   * nothing or the fully constructed task.
   */
  @JCStressTest
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "steal found the queue empty")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "steal took the published task")
  @Outcome(expect = Expect.FORBIDDEN, desc = "unpublished task, loss or duplicate")
  @State
  public static class PublishSteal {
    final LocalQueue<Task> victim = new LocalQueue<>(8);
    final LocalQueue<Task> thief = new LocalQueue<>(8);

    @Actor
    public void owner() {
      victim.push(new Task(1), NO_OVERFLOW);
    }

    @Actor
    public void steal(II_Result r) {
      Task now = victim.stealInto(thief);
      r.r1 = append(drain(thief), now);
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = leftovers(victim, thief);
    }
  }

  /**
   * Two thieves steal from a queue of 2 at once. A thief that meets another mid-steal gives up
   * (tokio's behaviour); otherwise each steal takes ceil(n/2).
   *
   * <p>r1, r2 = what thief A and thief B got (each drains its own queue), r3 = left in the victim.
   */
  @JCStressTest
  @Outcome(id = "1, 2, 0", expect = Expect.ACCEPTABLE, desc = "A stole first, then B")
  @Outcome(id = "2, 1, 0", expect = Expect.ACCEPTABLE, desc = "B stole first, then A")
  @Outcome(id = "1, 0, 2", expect = Expect.ACCEPTABLE, desc = "B gave up while A was stealing")
  @Outcome(id = "0, 1, 2", expect = Expect.ACCEPTABLE, desc = "A gave up while B was stealing")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated or unpublished")
  @State
  public static class TwoThieves {
    final LocalQueue<Task> victim = new LocalQueue<>(8);
    final LocalQueue<Task> a = new LocalQueue<>(8);
    final LocalQueue<Task> b = new LocalQueue<>(8);

    public TwoThieves() {
      victim.push(new Task(1), NO_OVERFLOW);
      victim.push(new Task(2), NO_OVERFLOW);
    }

    @Actor
    public void thiefA(III_Result r) {
      Task now = victim.stealInto(a);
      r.r1 = append(drain(a), now);
    }

    @Actor
    public void thiefB(III_Result r) {
      Task now = victim.stealInto(b);
      r.r2 = append(drain(b), now);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = leftovers(victim, a, b);
    }
  }

  /**
   * The owner pushes task 5 into a full ring of 4 (tasks 1-4) while a thief steals. Either the
   * steal finishes first (room again, no overflow), or the owner overflows first (tasks 1, 2 and 5
   * move to the sink; the thief then takes 1 of the 2 left), or the push meets the thief mid-copy
   * (only task 5 goes to the sink).
   *
   * <p>r1 = ids sent to the overflow sink in order, r2 = what the thief got (its queue, then the
   * returned task), r3 = left in the victim.
   */
  @JCStressTest
  @Outcome(id = "0, 12, 345", expect = Expect.ACCEPTABLE, desc = "steal first, push fits")
  @Outcome(id = "125, 3, 4", expect = Expect.ACCEPTABLE, desc = "overflow first, then steal")
  @Outcome(
      id = "5, 12, 34",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc = "push during the steal's copy: only the new task overflows")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated, unpublished or reordered")
  @State
  public static class OverflowSteal {
    final LocalQueue<Task> victim = new LocalQueue<>(4);
    final LocalQueue<Task> thief = new LocalQueue<>(4);
    final RecordingOverflow sink = new RecordingOverflow();

    public OverflowSteal() {
      for (int id = 1; id <= 4; id++) {
        victim.push(new Task(id), NO_OVERFLOW);
      }
    }

    @Actor
    public void owner(III_Result r) {
      victim.push(new Task(5), sink);
      r.r1 = sink.digits;
    }

    @Actor
    public void steal(III_Result r) {
      Task now = victim.stealInto(thief);
      // The thief runs the returned task after draining the rest of its queue.
      r.r2 = append(drain(thief), now);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = leftovers(victim, thief);
    }
  }

  /**
   * A chain: thief A steals from the victim into its own queue while thief B steals from A's queue.
   * B may only see tasks A has published (A's release store of its tail), fully built.
   *
   * <p>r1 = what A got (its queue after B's steal, then the returned task), r2 = what B got, r3 =
   * left in the victim.
   */
  @JCStressTest
  @Outcome(
      id = "12, 0, 34",
      expect = Expect.ACCEPTABLE,
      desc = "A stole 1 and 2 (returned 2) and popped 1 before B could steal it")
  @Outcome(
      id = "2, 1, 34",
      expect = Expect.ACCEPTABLE_INTERESTING,
      desc = "B stole task 1 out of A's queue after A published it")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated or unpublished")
  @State
  public static class ChainSteal {
    final LocalQueue<Task> victim = new LocalQueue<>(8);
    final LocalQueue<Task> a = new LocalQueue<>(8);
    final LocalQueue<Task> b = new LocalQueue<>(8);

    public ChainSteal() {
      for (int id = 1; id <= 4; id++) {
        victim.push(new Task(id), NO_OVERFLOW);
      }
    }

    @Actor
    public void thiefA(III_Result r) {
      Task now = victim.stealInto(a);
      // A runs the returned task after draining the rest: the order the digits encode.
      r.r1 = append(drain(a), now);
    }

    @Actor
    public void thiefB(III_Result r) {
      Task now = a.stealInto(b);
      r.r2 = append(drain(b), now);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = leftovers(victim, a, b);
    }
  }
}
