package io.kyoto.runtime.internal.sched;

import static io.kyoto.runtime.internal.sched.Tasks.append;

import io.kyoto.runtime.internal.sched.Tasks.Task;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link InjectQueue}: a monitor-guarded ring whose length is mirrored in a field read without the
 * lock (the empty fast path of pop/popBatch/isEmpty).
 */
public final class InjectQueueStress {
  private InjectQueueStress() {}

  static int drain(InjectQueue<Task> q) {
    int digits = 0;
    for (Task t = q.pop(); t != null; t = q.pop()) {
      digits = append(digits, t);
    }
    return digits;
  }

  /**
   * Two producers push at once; the second then pops once (jcstress needs a CPU per actor, so the
   * consumer shares a thread with a producer on 2-CPU machines). The pop finds at least its own
   * thread's task; nothing is lost or duplicated, and len() agrees with the contents.
   *
   * <p>r1 = task popped, r2 = what is left, oldest first, r3 = len() before draining.
   */
  @JCStressTest
  @Outcome(id = "1, 2, 1", expect = Expect.ACCEPTABLE, desc = "1 pushed first; pop took it")
  @Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "2 pushed and popped before 1")
  @Outcome(id = "0, 12, 2", expect = Expect.FORBIDDEN, desc = "pop missed its own push")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated or unpublished; len() wrong")
  @State
  public static class PushPushPop {
    final InjectQueue<Task> q = new InjectQueue<>();

    @Actor
    public void producer() {
      q.push(new Task(1));
    }

    @Actor
    public void producerConsumer(III_Result r) {
      q.push(new Task(2));
      r.r1 = append(0, q.pop());
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = q.len();
      r.r2 = drain(q);
    }
  }

  /**
   * The lock-free length: a consumer that reads {@code len() == 1} and then pops must get the task
   * (it is the only consumer), and the task must be fully built.
   *
   * <p>r1 = len() seen by the consumer, r2 = task it popped.
   */
  @JCStressTest
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "consumer ran before the push")
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "push landed between len() and pop()")
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "consumer ran after the push")
  @Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "len() saw the task but pop() did not")
  @Outcome(expect = Expect.FORBIDDEN, desc = "unpublished task")
  @State
  public static class LenThenPop {
    final InjectQueue<Task> q = new InjectQueue<>();

    @Actor
    public void producer() {
      q.push(new Task(1));
    }

    @Actor
    public void consumer(II_Result r) {
      r.r1 = q.len();
      r.r2 = append(0, q.pop());
    }
  }

  /**
   * An overflow batch is appended under one lock: a concurrent {@code popBatch(2)} sees all of it
   * or none of it.
   *
   * <p>r1 = first task popped, r2 = the rest handed to the callback, r3 = left in the queue.
   */
  @JCStressTest
  @Outcome(id = "0, 0, 12", expect = Expect.ACCEPTABLE, desc = "popBatch before the batch")
  @Outcome(id = "1, 2, 0", expect = Expect.ACCEPTABLE, desc = "popBatch took the whole batch")
  @Outcome(id = "1, 0, 2", expect = Expect.FORBIDDEN, desc = "saw half a batch")
  @Outcome(expect = Expect.FORBIDDEN, desc = "task lost, duplicated or unpublished")
  @State
  public static class BatchAtomicity {
    final InjectQueue<Task> q = new InjectQueue<>();
    final List<Task> batch = List.of(new Task(1), new Task(2));
    int rest;

    @Actor
    public void overflow() {
      q.pushBatch(batch);
    }

    @Actor
    public void refill(III_Result r) {
      r.r1 = append(0, q.popBatch(2, t -> rest = append(rest, t)));
      r.r2 = rest;
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = drain(q);
    }
  }

  /**
   * Close races with a push: the push is either refused (the task stays with the caller) or
   * accepted and then still poppable after the close.
   *
   * <p>r1 = push accepted (1/0), r2 = tasks left in the queue.
   */
  @JCStressTest
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "push before close; task drains")
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "push refused after close")
  @Outcome(expect = Expect.FORBIDDEN, desc = "accepted task lost, or refused task queued")
  @State
  public static class PushClose {
    final InjectQueue<Task> q = new InjectQueue<>();

    @Actor
    public void push(II_Result r) {
      r.r1 = q.push(new Task(1)) ? 1 : 0;
    }

    @Actor
    public void close() {
      q.close();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = drain(q);
    }
  }
}
