package io.kyoto.runtime;

import io.kyoto.runtime.internal.rt.FastRand;
import io.kyoto.runtime.internal.task.Cancel;

/**
 * The state machine behind {@link Select}: the branches live in arrays sized when the select is
 * built and the enabled set is one {@code long}, so a poll allocates nothing beyond what the branch
 * futures allocate (and the {@link Poll} of the winner's value).
 *
 * <p>Invariants: bit {@code i} of {@link #enabled} is set while branch {@code i} may still be
 * polled; {@code branches[i * STRIDE]} (branch {@code i}'s future) is non-null while that future is
 * neither complete nor cancelled. So every future handed to the select is, in the end, either
 * complete (polled to a value) or cancelled exactly once: by {@link #finish()}, or right after its
 * {@code poll} threw (the drop of a failed future, {@link Cancel#afterFailure}). Confined to the
 * polling task.
 *
 * @param <T> the select's value type
 */
final class SelectFuture<T> implements Future<T> {
  /** Slots per branch in {@link #branches}: the future, the pattern (or null), the handler. */
  static final int STRIDE = 3;

  private final Object[] branches;
  private final int count;
  private final ThrowingSupplier<? extends T> otherwise;
  private final boolean biased;
  private final boolean failuresDisable;
  private long enabled;
  private boolean done;
  private Exception firstFailure;

  SelectFuture(
      Object[] branches,
      int count,
      long enabled,
      ThrowingSupplier<? extends T> otherwise,
      boolean biased,
      boolean failuresDisable) {
    assert count <= Select.MAX_BRANCHES && branches.length >= count * STRIDE;
    this.branches = branches;
    this.count = count;
    this.enabled = enabled;
    this.otherwise = otherwise;
    this.biased = biased;
    this.failuresDisable = failuresDisable;
  }

  @Override
  @SuppressWarnings("unchecked") // the builder stored a pattern and a handler typed for the future
  public Poll<T> poll(Context cx) throws Exception {
    if (done) {
      throw new IllegalStateException("a completed select was polled again");
    }
    // As tokio's poll_budget_available: budget-aware branches would all yield anyway, and the
    // others would not cooperate. Nothing is consumed here.
    if (!cx.hasBudgetRemaining()) {
      cx.waker().wake();
      return Poll.pending();
    }
    Object[] bs = branches;
    int n = count;
    int start = biased || n <= 1 ? 0 : FastRand.current().nextInt(n);
    for (int k = 0; k < n && enabled != 0; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      long bit = 1L << i;
      if ((enabled & bit) == 0) {
        continue;
      }
      int slot = i * STRIDE;
      Poll<?> p;
      try {
        p = ((Future<?>) bs[slot]).poll(cx);
      } catch (Throwable t) {
        enabled &= ~bit;
        Cancel.afterFailure((Future<?>) bs[slot], t); // failed: dropped, as tokio drops it
        bs[slot] = null;
        // An Error is never a failure to skip: the select fails and releases the others.
        if (failuresDisable && t instanceof Exception e) {
          addFailure(e);
          continue;
        }
        Cancel.collect(t, finish()); // the others' cancel failures, if any, are suppressed
        throw t;
      }
      if (p.isPending()) {
        continue;
      }
      enabled &= ~bit;
      bs[slot] = null; // complete: a non-matching value disables the branch without a cancel
      Object value = p.value();
      ThrowingPredicate<Object> pattern = (ThrowingPredicate<Object>) bs[slot + 1];
      boolean matches;
      try {
        matches = pattern == null || pattern.test(value);
      } catch (Exception | Error e) {
        Cancel.collect(e, finish());
        throw e;
      }
      if (matches) {
        Cancel.rethrow(finish()); // losers go first, as tokio drops them before the handler runs
        return Poll.ready(((ThrowingFunction<Object, ? extends T>) bs[slot + 2]).apply(value));
      }
    }
    if (enabled != 0) {
      return Poll.pending();
    }
    Cancel.rethrow(finish()); // nothing left to cancel, in fact: every branch is disabled
    if (firstFailure != null) {
      throw firstFailure;
    }
    if (otherwise == null) {
      throw Select.allBranchesDisabled();
    }
    return Poll.ready(otherwise.get());
  }

  /**
   * Records a failure of {@code raceOk}: the first is the race's, later ones are added to it as
   * suppressed, each instance once. A shared instance (several futures failing with one
   * preallocated exception) is never added to itself, nor twice.
   */
  private void addFailure(Exception e) {
    Exception first = firstFailure;
    if (first == null) {
      firstFailure = e;
      return;
    }
    if (e == first) {
      return; // Throwable.addSuppressed(this) would throw
    }
    for (Throwable t : first.getSuppressed()) {
      if (t == e) {
        return;
      }
    }
    first.addSuppressed(e);
  }

  /**
   * Cancels every branch future that is neither complete nor cancelled yet, each even if another's
   * {@code cancel()} throws.
   *
   * @return what those cancels threw (the first, later ones suppressed into it), or null
   */
  private Throwable finish() {
    done = true;
    enabled = 0;
    Object[] bs = branches;
    Throwable thrown = null;
    for (int slot = 0; slot < count * STRIDE; slot += STRIDE) {
      Future<?> f = (Future<?>) bs[slot];
      if (f != null) {
        bs[slot] = null;
        try {
          f.cancel();
        } catch (Throwable t) { // the others still hold what they registered: go on
          thrown = Cancel.collect(thrown, t);
        }
      }
    }
    return thrown;
  }

  @Override
  public void cancel() {
    if (!done) {
      Cancel.rethrow(finish());
    }
  }

  @Override
  public String toString() {
    return "Select{branches=" + count + ", enabled=" + Long.bitCount(enabled) + "}";
  }
}
