package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.FastRand;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Waits on several futures at once and continues with the first to complete: tokio's {@code
 * select!} as a typed builder, plus {@link #race} for plain lists.
 *
 * <p>Each branch is a future and a handler that maps its value to the select's value {@code T}.
 * Polling the select polls the enabled branches on the current task (concurrently, not in
 * parallel), starting at a random branch each time (or top to bottom when {@link Builder#biased()
 * biased}). The first branch whose future completes with a matching value wins: every other branch
 * future is {@linkplain Future#cancel() cancelled}, then its handler runs and the select completes
 * with the handler's result.
 *
 * <ul>
 *   <li>A branch added with a false <em>precondition</em> ({@link Builder#branchIf}) is disabled:
 *       its future is never polled, only cancelled when the select ends.
 *   <li>A branch with a <em>pattern</em> ({@link Builder#branchMatching}, {@link
 *       Builder#branchSome}) whose future completes with a value that does not match is disabled
 *       and the select keeps waiting on the others; that future is complete, so it is not
 *       cancelled. This is how a closed channel drops out of a loop (tokio's {@code Some(v) =
 *       rx.recv()}).
 *   <li>When every branch is disabled, the {@linkplain Builder#orElse else} branch runs; without
 *       one the select fails with {@link IllegalStateException} "all branches are disabled and
 *       there is no else branch".
 *   <li>A branch whose future fails (or whose pattern or handler throws) fails the select, after
 *       the other branch futures are cancelled: tokio's {@code ?} in a branch.
 *   <li>The coop budget is checked first: with the task's budget spent, the select wakes the task
 *       and returns pending without polling anything.
 * </ul>
 *
 * <p>Every future given to a select is, when it ends, either complete or cancelled exactly once; to
 * keep a future alive across the iterations of a loop (a deadline, a shutdown signal), pass {@link
 * #borrow(Future)} of it, tokio's {@code &mut fut}.
 *
 * <h2>Example</h2>
 *
 * {@snippet :
 * Future<Step> next = Select.<Step>builder()
 *     .branchSome(lines.recv(), Step::line)                // disabled once the channel is closed
 *     .branch(messages.recv(), Step::message)
 *     .branch(ticks.tick(), t -> Step.tick())
 *     .branchIf(!draining, shutdown, v -> Step.shutdown()) // precondition
 *     .orElse(Step::closed)                                // when every branch is disabled
 *     .build();
 * }
 *
 * <p>A select is a one-shot future: build a new one for each iteration of a loop ({@link
 * Futures#loop}). Building costs a few small arrays; polling allocates nothing.
 *
 * <p><b>Cancel safety:</b> a select is as cancel safe as its branch futures: cancelling it cancels
 * every branch future that has not completed. A losing branch is cancelled, so a select loop loses
 * data only if a branch future is not cancel safe (see each method's <b>Cancel safety</b> note).
 */
public final class Select {
  /** The most branches a select may have, as tokio's: the enabled set is one {@code long}. */
  public static final int MAX_BRANCHES = 64;

  static final String ALL_DISABLED = "all branches are disabled and there is no else branch";

  private static final ThrowingPredicate<Object> NON_NULL = Objects::nonNull;
  private static final ThrowingPredicate<Optional<?>> PRESENT = Optional::isPresent;

  private Select() {}

  /**
   * {@return a builder for a select whose value has type {@code T}}
   *
   * @param <T> the value type every handler produces
   */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * {@return a future of the first of {@code futures} to complete} Its value or failure is the
   * race's; every other future is cancelled. Polling starts at a random future, as an unbiased
   * select. To wait for the first <em>success</em> instead, use {@link #raceOk(List)}.
   *
   * <p><b>Cancel safety:</b> cancelling the race cancels every future that has not completed.
   *
   * @param futures between 1 and {@value #MAX_BRANCHES} futures
   * @param <T> the value type
   * @throws IllegalArgumentException if the list is empty or too long
   */
  public static <T> Future<T> race(List<? extends Future<? extends T>> futures) {
    return raceOf(futures, false);
  }

  /**
   * {@return a future of the first of {@code a} and {@code b} to complete; the other is cancelled}
   *
   * <p><b>Cancel safety:</b> cancelling the race cancels both futures.
   *
   * @param a a future
   * @param b another future
   * @param <T> the value type
   */
  public static <T> Future<T> race(Future<? extends T> a, Future<? extends T> b) {
    return raceOf(List.of(a, b), false);
  }

  /**
   * {@return a future of the first of {@code futures} to complete <em>successfully</em>} A failed
   * future drops out of the race; when all have failed, the race fails with the first failure, the
   * later ones {@linkplain Throwable#addSuppressed suppressed}. The futures crate's {@code
   * select_ok} (which keeps only one error; Java can keep them all).
   *
   * <p>As try-with-resources does, this adds to the first failure, the exception a future threw,
   * rather than to a new one, so that callers catch the type they expect. An instance is never
   * added to itself nor twice, but an exception instance shared across calls (a preallocated
   * failure thrown again and again) would collect the other failures of every race it comes first
   * in: create such exceptions with suppression disabled ({@link Throwable#Throwable(String,
   * Throwable, boolean, boolean)}), as the JDK advises and as Kyoto's own preallocated exceptions
   * are; {@code addSuppressed} then does nothing.
   *
   * <p><b>Cancel safety:</b> cancelling the race cancels every future that has not completed.
   *
   * @param futures between 1 and {@value #MAX_BRANCHES} futures
   * @param <T> the value type
   * @throws IllegalArgumentException if the list is empty or too long
   */
  public static <T> Future<T> raceOk(List<? extends Future<? extends T>> futures) {
    return raceOf(futures, true);
  }

  @SuppressWarnings("unchecked") // the identity maps a value of type ? extends T to T
  private static <T> Future<T> raceOf(
      List<? extends Future<? extends T>> futures, boolean failuresDisable) {
    int n = futures.size();
    if (n == 0 || n > MAX_BRANCHES) {
      throw new IllegalArgumentException(
          "a race needs between 1 and " + MAX_BRANCHES + " futures, got " + n);
    }
    ThrowingFunction<Object, T> identity = v -> (T) v;
    Object[] branches = new Object[n * SelectFuture.STRIDE];
    for (int i = 0; i < n; i++) {
      int slot = i * SelectFuture.STRIDE;
      branches[slot] = Objects.requireNonNull(futures.get(i), "futures must not contain null");
      branches[slot + 2] = identity;
    }
    return new SelectFuture<>(
        branches, n, n == MAX_BRANCHES ? -1L : (1L << n) - 1, null, false, failuresDisable);
  }

  /**
   * {@return a view of {@code future} that a select may poll but never cancels} tokio's {@code &mut
   * fut}: losing a select (or the select being cancelled) leaves {@code future} untouched, so one
   * deadline or shutdown signal can serve every iteration of a loop. The caller still owns {@code
   * future} and must cancel it when done with it. Do not offer the view again once {@code future}
   * has completed; guard the branch with a precondition instead (tokio's {@code if
   * !sleep.is_elapsed()}).
   *
   * @param future the future to lend
   * @param <T> the value type
   */
  public static <T> Future<T> borrow(Future<T> future) {
    Objects.requireNonNull(future, "future");
    return future::poll;
  }

  /**
   * {@return the index of the branch an unbiased select polls first: uniform in {@code [0,
   * branches)}} Drawn from the calling thread's generator, which a runtime built with {@link
   * Runtime.Builder#rngSeed(long)} makes reproducible. For generated select state machines.
   *
   * @param branches the number of branches, positive
   */
  public static int randomStart(int branches) {
    if (branches <= 0) {
      throw new IllegalArgumentException("branches must be positive: " + branches);
    }
    return branches == 1 ? 0 : FastRand.current().nextInt(branches);
  }

  /**
   * {@return the failure of a select whose branches are all disabled and that has no else branch}
   * For generated select state machines, so that both kinds of select fail alike.
   */
  public static IllegalStateException allBranchesDisabled() {
    return new IllegalStateException(ALL_DISABLED);
  }

  /**
   * Cancels {@code future}, one of the branch futures a select drops together, and records what its
   * {@code cancel()} throws instead of letting it stop the others: the first exception goes on and
   * later ones are {@linkplain Throwable#addSuppressed added to it as suppressed}. For generated
   * select state machines, so that they drop their branches as {@link #builder() a built select}
   * does: once every branch future is cancelled, a select that was cancelled or has a winner
   * rethrows the result with {@link #rethrowCancelFailure}, and a select that failed adds it to its
   * failure as suppressed.
   *
   * @param future the branch future to cancel
   * @param thrown what the earlier cancels threw, or null
   * @return what to rethrow once every branch future is cancelled, or null
   */
  public static Throwable cancelBranch(Future<?> future, Throwable thrown) {
    try {
      future.cancel();
      return thrown;
    } catch (Throwable t) { // the other branch futures still hold what they registered: go on
      return Cancel.collect(thrown, t);
    }
  }

  /**
   * Rethrows what {@link #cancelBranch} collected, unchanged (a checked exception too, as {@code
   * cancel()} may throw one without declaring it); does nothing if it is null. For generated select
   * state machines.
   *
   * @param thrown what {@code cancelBranch} returned, or null
   */
  public static void rethrowCancelFailure(Throwable thrown) {
    Cancel.rethrow(thrown);
  }

  /**
   * Declares the branches of a select; {@link #build()} makes it a future. A builder is used once.
   *
   * <p><b>Thread safety:</b> not thread safe.
   *
   * @param <T> the value type every handler produces
   */
  public static final class Builder<T> {
    /** Per branch, {@link SelectFuture#STRIDE} slots: future, pattern (or null), handler. */
    private Object[] branches = new Object[4 * SelectFuture.STRIDE];

    private int count;
    private long enabled;
    private ThrowingSupplier<? extends T> otherwise;
    private boolean biased;
    private boolean built;

    private Builder() {}

    /**
     * Adds a branch that wins when {@code future} completes.
     *
     * @param future the branch's future
     * @param handler maps its value to the select's value
     * @param <V> the future's value type
     * @return this builder
     */
    public <V> Builder<T> branch(
        Future<V> future, ThrowingFunction<? super V, ? extends T> handler) {
      return add(true, future, null, handler);
    }

    /**
     * Adds a branch that is disabled when {@code precondition} is false: its future is then never
     * polled (tokio's {@code , if precondition}).
     *
     * @param precondition whether the branch takes part
     * @param future the branch's future
     * @param handler maps its value to the select's value
     * @param <V> the future's value type
     * @return this builder
     */
    public <V> Builder<T> branchIf(
        boolean precondition, Future<V> future, ThrowingFunction<? super V, ? extends T> handler) {
      return add(precondition, future, null, handler);
    }

    /**
     * Adds a branch that wins only if its value matches {@code pattern}; a value that does not
     * match disables the branch and the select keeps waiting on the others (tokio's {@code
     * <pattern> = future}).
     *
     * @param future the branch's future
     * @param pattern whether a value takes this branch
     * @param handler maps a matching value to the select's value
     * @param <V> the future's value type
     * @return this builder
     */
    public <V> Builder<T> branchMatching(
        Future<V> future,
        ThrowingPredicate<? super V> pattern,
        ThrowingFunction<? super V, ? extends T> handler) {
      return add(true, future, Objects.requireNonNull(pattern, "pattern"), handler);
    }

    /**
     * Adds a branch with both a precondition and a pattern.
     *
     * @param precondition whether the branch takes part
     * @param future the branch's future
     * @param pattern whether a value takes this branch
     * @param handler maps a matching value to the select's value
     * @param <V> the future's value type
     * @return this builder
     */
    public <V> Builder<T> branchIfMatching(
        boolean precondition,
        Future<V> future,
        ThrowingPredicate<? super V> pattern,
        ThrowingFunction<? super V, ? extends T> handler) {
      return add(precondition, future, Objects.requireNonNull(pattern, "pattern"), handler);
    }

    /**
     * Adds a branch that is disabled when its value is {@code null}: tokio's {@code Some(v) =
     * rx.recv()}, for {@link io.kyoto.runtime.sync.Mpsc.Receiver#recv()}, which completes with null
     * once the channel is closed and drained.
     *
     * @param future the branch's future
     * @param handler maps a non-null value to the select's value
     * @param <V> the future's value type
     * @return this builder
     */
    public <V> Builder<T> branchSome(
        Future<V> future, ThrowingFunction<? super V, ? extends T> handler) {
      return add(true, future, NON_NULL, handler);
    }

    /**
     * Adds a branch that is disabled when its value is {@linkplain Optional#isEmpty() empty}, and
     * hands the handler what the optional holds: for {@link io.kyoto.runtime.stream.Stream#next()},
     * which completes with an empty optional at the end of the stream.
     *
     * @param future the branch's future
     * @param handler maps a present value to the select's value
     * @param <V> the optional's value type
     * @return this builder
     */
    public <V> Builder<T> branchPresent(
        Future<Optional<V>> future, ThrowingFunction<? super V, ? extends T> handler) {
      Objects.requireNonNull(handler, "handler");
      ThrowingFunction<Optional<V>, T> unwrap = o -> handler.apply(o.get());
      return add(true, future, PRESENT, unwrap);
    }

    /**
     * Sets the else branch: what the select completes with when every branch is disabled.
     *
     * @param otherwise produces the value
     * @return this builder
     */
    public Builder<T> orElse(ThrowingSupplier<? extends T> otherwise) {
      checkNotBuilt();
      this.otherwise = Objects.requireNonNull(otherwise, "otherwise");
      return this;
    }

    /**
     * Polls the branches in the order they were added instead of from a random one (tokio's {@code
     * biased;}). Cheaper, and deterministic; the caller is responsible for fairness, so put the
     * shutdown branch first.
     *
     * @return this builder
     */
    public Builder<T> biased() {
      checkNotBuilt();
      this.biased = true;
      return this;
    }

    /**
     * {@return the select, a future of the winning branch's handler result}
     *
     * @throws IllegalStateException if there are no branches and no else branch, or if this builder
     *     was already built
     */
    public Future<T> build() {
      checkNotBuilt();
      if (count == 0 && otherwise == null) {
        throw new IllegalStateException("select requires at least one branch");
      }
      built = true;
      Object[] handedOver = branches; // a builder is used once: no copy
      branches = null;
      return new SelectFuture<>(handedOver, count, enabled, otherwise, biased, false);
    }

    private Builder<T> add(boolean precondition, Future<?> future, Object pattern, Object handler) {
      checkNotBuilt();
      Objects.requireNonNull(future, "future");
      Objects.requireNonNull(handler, "handler");
      if (count == MAX_BRANCHES) {
        throw new IllegalStateException("up to " + MAX_BRANCHES + " branches supported");
      }
      int slot = count * SelectFuture.STRIDE;
      if (slot == branches.length) {
        branches = Arrays.copyOf(branches, Math.min(MAX_BRANCHES, count * 2) * SelectFuture.STRIDE);
      }
      branches[slot] = future;
      branches[slot + 1] = pattern;
      branches[slot + 2] = handler;
      if (precondition) {
        enabled |= 1L << count;
      }
      count++;
      return this;
    }

    private void checkNotBuilt() {
      if (built) {
        throw new IllegalStateException("this select builder was already built");
      }
    }
  }
}
