package demo;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Select;
import java.lang.Exception;
import java.lang.Long;
import java.lang.NullPointerException;
import java.lang.Override;
import java.lang.String;
import java.lang.SuppressWarnings;
import java.lang.Throwable;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * The select declared by {@link ConnEvents}: a future of the first of its branch futures to complete, mapped by its handler.
 *
 * <p>Branches, in order: line, message, tick.
 */
@Generated("io.kyoto.processor.SelectProcessor")
@SuppressWarnings({"deprecation", "removal"})
public final class ConnEvents_Select implements Future<String> {
  /**
   * The value of {@link #disabled} when every branch is.
   */
  private static final long ALL_DISABLED = 0x7L;

  /**
   * The handler methods' receiver.
   */
  private final ConnEvents handlers;

  /**
   * The future of branch {@code line}; null once disabled, completed or cancelled.
   */
  private Future<? extends String> lineFuture;

  /**
   * The future of branch {@code message}; null once disabled, completed or cancelled.
   */
  private Future<? extends String> messageFuture;

  /**
   * The future of branch {@code tick}; null once disabled, completed or cancelled.
   */
  private Future<? extends Long> tickFuture;

  /**
   * The disabled branches, bit {@code i} for branch {@code i}.
   */
  private long disabled;

  /**
   * Creates a select with no branch futures yet; see {@link #of}.
   *
   * @param handlers the handler methods' receiver
   */
  private ConnEvents_Select(ConnEvents handlers) {
    this.handlers = Objects.requireNonNull(handlers, "handlers");
  }

  /**
   * {@return a select over the given branch futures} A null future disables its branch (a false precondition).
   *
   * @param handlers the handler methods' receiver
   * @param lineFuture the future of branch {@code line}, or null to disable it
   * @param messageFuture the future of branch {@code message}, or null to disable it
   * @param tickFuture the future of branch {@code tick}, or null to disable it
   */
  public static ConnEvents_Select of(ConnEvents handlers, Future<? extends String> lineFuture,
      Future<? extends String> messageFuture, Future<? extends Long> tickFuture) {
    ConnEvents_Select s = new ConnEvents_Select(handlers);
    s.lineFuture = lineFuture;
    if (lineFuture == null) {
      s.disabled |= 1L << 0;
    }
    s.messageFuture = messageFuture;
    if (messageFuture == null) {
      s.disabled |= 1L << 1;
    }
    s.tickFuture = tickFuture;
    if (tickFuture == null) {
      s.disabled |= 1L << 2;
    }
    return s;
  }

  @Override
  public Poll<String> poll(Context cx) throws Exception {
    if (!cx.hasBudgetRemaining()) {
      cx.waker().wake();
      return Poll.pending();
    }
    int start = Select.randomStart(3);
    int i = start;
    try {
      for (int k = 0; k < 3; k++, i = i + 1 == 3 ? 0 : i + 1) {
        if ((disabled & (1L << i)) != 0) {
          continue;
        }
        switch (i) {
          case 0 -> {
            Poll<? extends String> p = lineFuture.poll(cx);
            if (p.isReady()) {
              return lineWon(p);
            }
          }
          case 1 -> {
            Poll<? extends String> p = messageFuture.poll(cx);
            if (p.isReady()) {
              Poll<String> won = messageWon(p);
              if (won != null) {
                return won;
              }
            }
          }
          case 2 -> {
            Poll<? extends Long> p = tickFuture.poll(cx);
            if (p.isReady()) {
              return tickWon(p);
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
   * Branch {@code line} completed: cancels the others and runs its handler.
   *
   * @param p the branch future's ready poll
   * @return the handler's value
   * @throws Exception what the handler or a cancel throws
   */
  private Poll<String> lineWon(Poll<? extends String> p) throws Exception {
    lineFuture = null;
    cancel();
    return Poll.ready(handlers.line(p.value()));
  }

  /**
   * Branch {@code message} completed: with null it is disabled; otherwise it cancels the others and runs
   * its handler.
   *
   * @param p the branch future's ready poll
   * @return the handler's value, or null when the branch is disabled
   * @throws Exception what the handler or a cancel throws
   */
  private Poll<String> messageWon(Poll<? extends String> p) throws Exception {
    messageFuture = null;
    String value = p.value();
    if (value == null) {
      disabled |= 1L << 1;
      return null;
    }
    cancel();
    return Poll.ready(handlers.message(value));
  }

  /**
   * Branch {@code tick} completed: cancels the others and runs its handler.
   *
   * @param p the branch future's ready poll
   * @return the handler's value
   * @throws NullPointerException if the value is null: the handler takes a {@code long}
   * @throws Exception what the handler or a cancel throws
   */
  private Poll<String> tickWon(Poll<? extends Long> p) throws Exception {
    tickFuture = null;
    Long value = p.value();
    if (value == null) {
      throw new NullPointerException("branch `tick` of the select `demo.ConnEvents` completed with null, which its handler's `long` parameter cannot take: declare the parameter `Long` to receive null, or use `@Branch(disableOnNull = true)` to disable the branch on null (a closed channel's `recv()` completes with null)");
    }
    cancel();
    return Poll.ready(handlers.tick(value));
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
   * {@return pending, or, when every branch is disabled, the else branch's value}
   *
   * @throws Exception what the else branch throws
   */
  private Poll<String> finish() throws Exception {
    if (disabled == ALL_DISABLED) {
      cancel();
      return Poll.ready(handlers.closed());
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
    if (lineFuture != null) {
      Future<?> f = lineFuture;
      lineFuture = null;
      thrown = Select.cancelBranch(f, thrown);
    }
    if (messageFuture != null) {
      Future<?> f = messageFuture;
      messageFuture = null;
      thrown = Select.cancelBranch(f, thrown);
    }
    if (tickFuture != null) {
      Future<?> f = tickFuture;
      tickFuture = null;
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
    return "ConnEvents_Select["
            + "line: " + (lineFuture == null ? "off" : String.valueOf(lineFuture))
            + ", message: " + (messageFuture == null ? "off" : String.valueOf(messageFuture))
            + ", tick: " + (tickFuture == null ? "off" : String.valueOf(tickFuture))
            + "]";
  }
}
