package demo;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Select;
import java.lang.Exception;
import java.lang.Integer;
import java.lang.Override;
import java.lang.String;
import java.lang.SuppressWarnings;
import java.lang.Throwable;
import java.lang.Void;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * The select declared by {@link ConnEvents.Shutdown}: a future of the first of its branch futures to complete, mapped by its handler.
 *
 * <p>Branches, in order: signal.
 */
@Generated("io.kyoto.processor.SelectProcessor")
@SuppressWarnings({"deprecation", "removal"})
public final class ConnEvents_Shutdown_Select implements Future<Integer> {
  /**
   * The value of {@link #disabled} when every branch is.
   */
  private static final long ALL_DISABLED = 0x1L;

  /**
   * The handler methods' receiver.
   */
  private final ConnEvents.Shutdown handlers;

  /**
   * The future of branch {@code signal}; null once disabled, completed or cancelled.
   */
  private Future<? extends Void> signalFuture;

  /**
   * The disabled branches, bit {@code i} for branch {@code i}.
   */
  private long disabled;

  /**
   * Creates a select with no branch futures yet; see {@link #of}.
   *
   * @param handlers the handler methods' receiver
   */
  private ConnEvents_Shutdown_Select(ConnEvents.Shutdown handlers) {
    this.handlers = Objects.requireNonNull(handlers, "handlers");
  }

  /**
   * {@return a select over the given branch futures} A null future disables its branch (a false precondition).
   *
   * @param handlers the handler methods' receiver
   * @param signalFuture the future of branch {@code signal}, or null to disable it
   */
  public static ConnEvents_Shutdown_Select of(ConnEvents.Shutdown handlers,
      Future<? extends Void> signalFuture) {
    ConnEvents_Shutdown_Select s = new ConnEvents_Shutdown_Select(handlers);
    s.signalFuture = signalFuture;
    if (signalFuture == null) {
      s.disabled |= 1L << 0;
    }
    return s;
  }

  @Override
  public Poll<Integer> poll(Context cx) throws Exception {
    if (!cx.hasBudgetRemaining()) {
      cx.waker().wake();
      return Poll.pending();
    }
    int start = 0;
    int i = start;
    try {
      for (int k = 0; k < 1; k++, i = i + 1 == 1 ? 0 : i + 1) {
        if ((disabled & (1L << i)) != 0) {
          continue;
        }
        switch (i) {
          case 0 -> {
            Poll<? extends Void> p = signalFuture.poll(cx);
            if (p.isReady()) {
              return signalWon(p);
            }
          }
        }
      }
    } catch (Throwable failure) {
      failed(failure);
      throw failure;
    }
    return finish();
  }

  /**
   * Branch {@code signal} completed: cancels the others and runs its handler.
   *
   * @param p the branch future's ready poll
   * @return the handler's value
   * @throws Exception what the handler or a cancel throws
   */
  private Poll<Integer> signalWon(Poll<? extends Void> p) throws Exception {
    signalFuture = null;
    cancel();
    return Poll.ready(handlers.signal(p.value()));
  }

  /**
   * A branch future or handler threw {@code failure}: as {@link Select}, the failed future is dropped
   * (cancelled once) with the others, and what their cancels throw is suppressed into
   * {@code failure}, which stays the select's outcome.
   *
   * @param failure what was thrown
   */
  private void failed(Throwable failure) {
    Throwable thrown = cancelBranches();
    if (thrown != null && thrown != failure) {
      failure.addSuppressed(thrown);
    }
  }

  /**
   * {@return pending, or, when every branch is disabled, a failure}
   *
   * @throws Exception {@link IllegalStateException}: every branch is disabled
   */
  private Poll<Integer> finish() throws Exception {
    if (disabled == ALL_DISABLED) {
      cancel();
      throw Select.allBranchesDisabled();
    }
    return Poll.pending();
  }

  /**
   * Cancels every branch future that has neither completed nor been cancelled (a failed one too: dropped),
   * each even if another's {@code cancel()} throws.
   *
   * @return what those cancels threw (the first, later ones suppressed), or null
   */
  private Throwable cancelBranches() {
    Throwable thrown = null;
    if (signalFuture != null) {
      Future<?> f = signalFuture;
      signalFuture = null;
      thrown = Select.cancelBranch(f, thrown);
    }
    return thrown;
  }

  /**
   * Cancels every branch future that has not completed; if some {@code cancel()} threw, rethrows
   * the first exception, later ones suppressed.
   */
  @Override
  public void cancel() {
    Select.rethrowCancelFailure(cancelBranches());
  }

  /**
   * {@return the select and each branch's future (its description), or {@code off} once it is disabled,
   * completed or cancelled}
   */
  @Override
  public String toString() {
    return "ConnEvents_Shutdown_Select["
            + "signal: " + (signalFuture == null ? "off" : String.valueOf(signalFuture))
            + "]";
  }
}
