package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.Cancel;
import io.kyoto.runtime.internal.task.Describe;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Constructors and combinators of {@link Future}s: ready values, failures, futures from a poll
 * function, joins and loops.
 */
public final class Futures {
  private static final Future<Object> DONE =
      new Future<>() {
        @Override
        public Poll<Object> poll(Context cx) {
          throw new IllegalStateException("a completed future was polled again");
        }

        @Override
        public String toString() {
          return "Done";
        }
      };

  private Futures() {}

  /**
   * {@return a future that is ready with {@code value} at once}
   *
   * @param value the value, may be null
   * @param <T> the value's type
   */
  public static <T> Future<T> ready(T value) {
    Poll<T> ready = Poll.ready(value);
    return new Future<>() {
      @Override
      public Poll<T> poll(Context cx) {
        return ready;
      }

      @Override
      public String toString() {
        return "Ready";
      }
    };
  }

  /**
   * {@return a future that fails with {@code error} when polled}
   *
   * @param error the failure
   * @param <T> the value's type
   */
  public static <T> Future<T> failed(Exception error) {
    Objects.requireNonNull(error, "error");
    return cx -> {
      throw error;
    };
  }

  /**
   * {@return a future whose {@code poll} is {@code fn}} Equivalent to a lambda typed as {@code
   * Future}; handy where type inference needs a hint.
   *
   * @param fn the poll function
   * @param <T> the value's type
   */
  public static <T> Future<T> pollFn(Future<T> fn) {
    return Objects.requireNonNull(fn, "fn");
  }

  /**
   * {@return a future that calls {@code supplier} on its first poll and then behaves as the future
   * it returned} Defers work (and the creation of timers) until the future runs.
   *
   * @param supplier creates the future
   * @param <T> the value's type
   */
  public static <T> Future<T> lazy(ThrowingSupplier<? extends Future<T>> supplier) {
    return new Combinators.Lazy<>(Objects.requireNonNull(supplier, "supplier"));
  }

  /**
   * {@return a future of {@code stage}'s outcome} A bridge from {@link
   * java.util.concurrent.CompletableFuture} APIs (the JDK's {@code HttpClient}, drivers) into a
   * task: no thread blocks; the stage's completion wakes the task. A failure arrives unwrapped from
   * {@link java.util.concurrent.CompletionException}.
   *
   * <p><b>Cancel safety:</b> cancelling the returned future cancels {@code stage} (through {@link
   * java.util.concurrent.CompletableFuture#cancel}) if it has not completed.
   *
   * @param stage the stage
   * @param <T> the value's type
   */
  public static <T> Future<T> fromCompletionStage(
      java.util.concurrent.CompletionStage<? extends T> stage) {
    return new Combinators.FromStage<T>(Objects.requireNonNull(stage, "stage"));
  }

  /**
   * {@return a future that runs {@code supplier} on its first poll and is ready with its result}
   *
   * @param supplier the computation; it runs on the polling thread and must not block
   * @param <T> the value's type
   */
  public static <T> Future<T> fromSupplier(ThrowingSupplier<? extends T> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    return cx -> Poll.ready(supplier.get());
  }

  @SuppressWarnings("unchecked") // DONE never produces a value
  static <T> Future<T> done() {
    return (Future<T>) DONE;
  }

  /**
   * {@return a future of every value of {@code futures}, in their order} All futures run
   * concurrently on the polling task; polling rotates the starting future each time (past 32
   * futures, only the futures that were woken are polled, in the order of their wake-ups), as
   * tokio's {@code join!}, so none is starved. The first failure fails the result and cancels the
   * others (this is {@code try_join}; tokio's plain {@code join!} has no failures to stop at).
   *
   * @param futures the futures
   * @param <T> the values' type
   */
  public static <T> Future<List<T>> join(List<? extends Future<? extends T>> futures) {
    List<? extends Future<? extends T>> copy = List.copyOf(futures);
    return copy.size() <= JoinAll.SMALL ? new Join<>(copy) : new JoinAll<>(copy);
  }

  /**
   * {@return a future of {@code combiner} applied to the values of {@code a} and {@code b}} Both
   * run concurrently; the first failure fails the result and cancels the other.
   *
   * @param a the first future
   * @param b the second future
   * @param combiner combines the two values
   * @param <A> the first value's type
   * @param <B> the second value's type
   * @param <R> the result's type
   */
  @SuppressWarnings("unchecked") // the list holds exactly one A and one B, at indexes 0 and 1
  public static <A, B, R> Future<R> join(
      Future<? extends A> a,
      Future<? extends B> b,
      ThrowingBiFunction<? super A, ? super B, ? extends R> combiner) {
    Objects.requireNonNull(combiner, "combiner");
    List<Future<?>> both = List.of(a, b);
    return new Join<Object>(both)
        .map(values -> combiner.apply((A) values.get(0), (B) values.get(1)));
  }

  /**
   * A step of {@link #loop}: either continue with a new state, or finish with a result.
   *
   * @param <S> the state's type
   * @param <R> the result's type
   */
  public sealed interface Step<S, R> {
    /**
     * {@return a step that runs the body again with {@code state}}
     *
     * @param state the next state
     * @param <S> the state's type
     * @param <R> the result's type
     */
    static <S, R> Step<S, R> next(S state) {
      return new Next<>(state);
    }

    /**
     * {@return a step that ends the loop with {@code result}}
     *
     * @param result the loop's result
     * @param <S> the state's type
     * @param <R> the result's type
     */
    static <S, R> Step<S, R> done(R result) {
      return new Done<>(result);
    }
  }

  record Next<S, R>(S state) implements Step<S, R> {}

  record Done<S, R>(R result) implements Step<S, R> {}

  /**
   * {@return a future that runs {@code body} from {@code initial} until it returns {@link
   * Step#done}} The asynchronous {@code while} loop: each iteration's future is polled on the same
   * task, without recursion, so a loop of a million iterations uses constant stack and memory.
   *
   * <p>
   *
   * {@snippet :
   * Future<Integer> sum = Futures.loop(0, i -> Futures.ready(i < 10 ? Step.next(i + 1) : Step.done(i)));
   * }
   *
   * @param initial the first state
   * @param body one iteration
   * @param <S> the state's type
   * @param <R> the result's type
   */
  public static <S, R> Future<R> loop(
      S initial, ThrowingFunction<? super S, ? extends Future<Step<S, R>>> body) {
    return new Loop<>(initial, Objects.requireNonNull(body, "body"));
  }

  /**
   * {@return a future that runs {@code step} for the indexes 0 to {@code times - 1}, one after the
   * other, and then completes with null} The asynchronous counted loop, tokio's {@code for i in
   * 0..n { step(i).await }}: as {@link #loop}, each step's future is polled on the same task
   * without recursion, and a step that completes at once consumes coop budget; unlike {@code loop}
   * it keeps its index unboxed and allocates nothing per iteration beyond the step's own future. A
   * failed step fails the loop; cancelling it cancels the running step.
   *
   * <p>
   *
   * {@snippet :
   * Future<Void> sends = Futures.repeat(1000, i -> tx.send("message " + i));
   * Future<Void> ticks = Futures.repeat(10, i -> Time.sleep(Duration.ofMillis(100)));
   * }
   *
   * @param times how many steps; 0 completes at once
   * @param step makes the future of the step with the given index
   * @throws IllegalArgumentException if {@code times} is negative
   */
  public static Future<Void> repeat(long times, ThrowingLongFunction<? extends Future<?>> step) {
    if (times < 0) {
      throw new IllegalArgumentException("times must not be negative, was " + times);
    }
    return new Repeat(times, Objects.requireNonNull(step, "step"));
  }

  /**
   * {@return a future that runs {@code body} with {@code resource} and closes it when the body's
   * future completes, fails or is cancelled} The asynchronous try-with-resources for a resource
   * closed synchronously: a {@link io.kyoto.runtime.sync.SemaphorePermit} held across awaits, a
   * {@link io.kyoto.runtime.sync.MutexGuard}, any {@link AutoCloseable}. Java has no destructors,
   * so where tokio drops a permit with the cancelled future that held it, a permit released in
   * {@code handle(...)} or {@code inspect(...)} stays taken when the future is cancelled instead (a
   * lost select, a timeout, an aborted task); here it is returned. For resources with an
   * asynchronous close (streams, connections), use {@link io.kyoto.runtime.io.Io#using}.
   *
   * {@snippet :
   * Semaphore limit = new Semaphore(8);
   * Future<Response> call = limit.acquire()
   *     .flatMap(permit -> Futures.using(permit, p -> client.get(url)));
   * }
   *
   * <p>The resource is closed exactly once, right after the body's outcome (before the returned
   * future completes), or when it is cancelled. The body's failure comes first, with a failure of
   * {@code close()} added as suppressed; a {@code close()} that fails after the body succeeded
   * fails the future. A failure of {@code close()} during cancellation is logged (WARNING, logger
   * {@code io.kyoto.runtime.Futures}), as nobody is left to receive it.
   *
   * <p><b>Cancel safety:</b> as cancel safe as the body; the resource is closed either way.
   *
   * @param resource the resource; owned by the returned future from now on
   * @param body the work to do with it
   * @param <R> the resource's type
   * @param <T> the body's value type
   */
  public static <R extends AutoCloseable, T> Future<T> using(
      R resource, ThrowingFunction<? super R, ? extends Future<T>> body) {
    return new UsingResource<>(
        Objects.requireNonNull(resource, "resource"), Objects.requireNonNull(body, "body"));
  }

  /**
   * {@return a future that polls {@code future} with an unconstrained coop budget} As tokio's
   * {@code unconstrained}: use sparingly, it lets one future starve the others on its worker.
   *
   * @param future the future
   * @param <T> the value's type
   */
  public static <T> Future<T> unconstrained(Future<T> future) {
    Objects.requireNonNull(future, "future");
    return new Future<>() {
      @Override
      public Poll<T> poll(Context cx) throws Exception {
        int saved = cx.budget();
        cx.setBudget(Context.UNCONSTRAINED);
        try {
          return future.poll(cx);
        } finally {
          cx.setBudget(saved);
        }
      }

      @Override
      public void cancel() {
        future.cancel();
      }

      @Override
      public String toString() {
        return "Unconstrained[" + Describe.of(future) + "]";
      }
    };
  }

  /** The future behind {@link #join(List)}. */
  static final class Join<T> implements Future<List<T>> {
    private final Future<? extends T>[] futures;
    private final Object[] values;
    private int remaining;
    private int start;

    @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays need a raw Future[] to start
    Join(List<? extends Future<? extends T>> list) {
      this.futures = list.toArray(new Future[0]);
      this.values = new Object[futures.length];
      this.remaining = futures.length;
    }

    @Override
    @SuppressWarnings("unchecked") // values[i] came from futures[i], a Future<? extends T>
    public Poll<List<T>> poll(Context cx) throws Exception {
      int n = futures.length;
      int first = start;
      start = n == 0 ? 0 : (start + 1) % n; // rotate, as tokio's join!
      for (int k = 0; k < n; k++) {
        int i = (first + k) % n;
        Future<? extends T> f = futures[i];
        if (f == null) {
          continue;
        }
        Poll<? extends T> p;
        try {
          p = f.poll(cx);
        } catch (Exception | Error e) { // an Error too: the others must not stay registered
          futures[i] = null;
          Cancel.afterFailure(f, e); // dropped: releases what the failed future still holds
          Cancel.afterFailure(this, e); // the others, each even if another's cancel throws
          throw e;
        }
        if (p.isReady()) {
          values[i] = p.value();
          futures[i] = null;
          remaining--;
        }
      }
      if (remaining > 0) {
        return Poll.pending();
      }
      List<T> out = new ArrayList<>(n);
      for (Object v : values) {
        out.add((T) v);
      }
      return Poll.ready(out);
    }

    @Override
    public void cancel() {
      Throwable thrown = null;
      for (int i = 0; i < futures.length; i++) {
        Future<? extends T> f = futures[i];
        if (f != null) {
          futures[i] = null;
          try {
            f.cancel();
          } catch (Throwable t) { // the others still hold what they registered: go on
            thrown = Cancel.collect(thrown, t);
          }
        }
      }
      Cancel.rethrow(thrown);
    }

    @Override
    public String toString() {
      return describeJoin(futures);
    }
  }

  /** {@return e.g. {@code Join[2 of 3 pending: #0 Sleep{...}, #2 ...]}, listing at most four} */
  static String describeJoin(Future<?>[] futures) {
    StringBuilder sb = new StringBuilder();
    int pending = 0;
    for (int i = 0; i < futures.length; i++) {
      Future<?> f = futures[i];
      if (f == null) {
        continue;
      }
      if (pending < 4) {
        sb.append(pending == 0 ? "" : ", ").append('#').append(i).append(' ');
        sb.append(Describe.of(f));
      } else if (pending == 4) {
        sb.append(", ...");
      }
      pending++;
    }
    return "Join["
        + pending
        + " of "
        + futures.length
        + " pending"
        + (pending == 0 ? "" : ": ")
        + sb
        + "]";
  }

  /** The future behind {@link #loop}. */
  static final class Repeat implements Future<Void> {
    private final long times;
    private final ThrowingLongFunction<? extends Future<?>> step;
    private long done;
    private Future<?> current;

    Repeat(long times, ThrowingLongFunction<? extends Future<?>> step) {
      this.times = times;
      this.step = step;
    }

    @Override
    public Poll<Void> poll(Context cx) throws Exception {
      while (done < times) {
        if (current == null) {
          Future<?> next = step.apply(done);
          if (next == null) {
            throw new NullPointerException("the repeated step returned null instead of a future");
          }
          current = next;
        }
        if (current.poll(cx).isPending()) {
          return Poll.pending();
        }
        current = null;
        done++;
        if (done < times && !cx.tryConsumeBudget()) { // as Loop: ready steps still yield
          cx.waker().wake();
          return Poll.pending();
        }
      }
      return Poll.ready(null);
    }

    @Override
    public void cancel() {
      Future<?> c = current;
      current = null;
      if (c != null) {
        c.cancel();
      }
    }

    @Override
    public String toString() {
      return "Repeat[" + done + " of " + times + ", " + Describe.of(current) + "]";
    }
  }

  static final class Loop<S, R> implements Future<R> {
    private final ThrowingFunction<? super S, ? extends Future<Step<S, R>>> body;
    private S state;
    private Future<Step<S, R>> current;

    Loop(S initial, ThrowingFunction<? super S, ? extends Future<Step<S, R>>> body) {
      this.state = initial;
      this.body = body;
    }

    @Override
    public Poll<R> poll(Context cx) throws Exception {
      while (true) {
        if (current == null) {
          Future<Step<S, R>> next = body.apply(state);
          if (next == null) {
            throw new NullPointerException("the loop body returned null instead of a future");
          }
          current = next;
        }
        Poll<Step<S, R>> p = current.poll(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        current = null;
        switch (p.value()) {
          case Next<S, R> n -> state = n.state();
          case Done<S, R> d -> {
            state = null;
            return Poll.ready(d.result());
          }
          case null -> throw new NullPointerException("the loop body completed with a null Step");
        }
        // An iteration that completes at once must still respect the coop budget, or a loop over
        // ready futures would never yield to other tasks.
        if (!cx.tryConsumeBudget()) {
          cx.waker().wake();
          return Poll.pending();
        }
      }
    }

    @Override
    public void cancel() {
      Future<Step<S, R>> c = current;
      current = null;
      if (c != null) {
        c.cancel();
      }
    }

    @Override
    public String toString() {
      return "Loop[" + Describe.of(current) + "]";
    }
  }
}
