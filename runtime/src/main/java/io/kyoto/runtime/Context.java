package io.kyoto.runtime;

import java.util.Objects;

/**
 * What a {@link Future} receives when polled: the {@link Waker} of the task polling it, and the
 * task's cooperative-scheduling budget.
 *
 * <h2>The coop budget</h2>
 *
 * <p>A task that always finds its resources ready (a channel with queued messages, a socket with
 * data) would never return {@code Pending} and would starve every other task on its worker. As in
 * tokio, each poll of a task by the scheduler starts with a budget of {@value #INITIAL_BUDGET}
 * units; every operation on a runtime resource consumes one with {@link #tryConsumeBudget()}. When
 * the budget is spent, resources return {@code Pending} after waking the task, so it yields at its
 * next suspension point and is polled again later. Futures that do not touch runtime resources
 * never see the budget.
 *
 * <p><b>Thread safety:</b> a context belongs to one poll on one thread; it is not thread safe.
 *
 * <p>An executor whose task object is its own waker may extend this class, so that the task is its
 * own context (the runtime's tasks do: one object less per task). Every method is final.
 */
public class Context {
  /** The budget a task starts each scheduler poll with, as tokio's. */
  public static final int INITIAL_BUDGET = 128;

  /**
   * The budget of a context that is not constrained (outside a runtime, or {@code unconstrained}).
   */
  public static final int UNCONSTRAINED = Integer.MAX_VALUE;

  private final Waker waker;
  private int budget = UNCONSTRAINED;

  /**
   * Creates a context with an unconstrained budget: for executors, and for polling a future by hand
   * in tests or tools.
   *
   * @param waker the waker to hand to futures
   */
  public Context(Waker waker) {
    this.waker = Objects.requireNonNull(waker, "waker");
  }

  /**
   * Creates a context whose waker is this object, for an executor's task that is both: the subclass
   * must implement {@link Waker}.
   *
   * @throws IllegalStateException if the subclass does not implement {@link Waker}
   */
  protected Context() {
    if (!(this instanceof Waker self)) {
      throw new IllegalStateException(
          getClass().getName() + " extends Context without implementing Waker");
    }
    this.waker = self;
  }

  /** {@return the waker of the task being polled} */
  public final Waker waker() {
    return waker;
  }

  /**
   * Consumes one unit of the coop budget, for an operation on a runtime resource. When it returns
   * false the operation must not proceed: wake {@link #waker()} and return {@link Poll#pending()},
   * so the task yields to the scheduler.
   *
   * @return true if the operation may proceed
   */
  public final boolean tryConsumeBudget() {
    int b = budget;
    if (b == UNCONSTRAINED) {
      return true;
    }
    if (b <= 0) {
      return false;
    }
    budget = b - 1;
    return true;
  }

  /** {@return whether at least one unit of budget is left} */
  public final boolean hasBudgetRemaining() {
    return budget > 0;
  }

  /** {@return the remaining budget, {@link #UNCONSTRAINED} when unlimited} */
  public final int budget() {
    return budget;
  }

  /**
   * Sets the remaining budget. Executors call this before each poll of a task; {@code
   * Futures.unconstrained} lifts it for one future.
   *
   * @param budget the new budget, at least 0, or {@link #UNCONSTRAINED}
   */
  public final void setBudget(int budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget must not be negative: " + budget);
    }
    this.budget = budget;
  }
}
