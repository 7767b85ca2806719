package io.kyoto.runtime.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;

/**
 * A future of one I/O operation that, when cancelled, withdraws the wake-up its last pending poll
 * arranged, so that a future that lost a select or timed out leaves no waiter behind: the cancelled
 * task is neither kept reachable by the resource nor woken by its next event.
 *
 * <p>Subclasses implement {@link #pollOperation}, and say where the waker goes back with {@link
 * #withdraw}: {@link Read} and {@link Write} through {@link AsyncRead#withdrawRead} and {@link
 * AsyncWrite#withdrawWrite} (the {@code Io} futures, {@code FramedWrite}'s), {@link
 * ReadinessFuture} straight to a registration. Which waker to withdraw follows the rules of {@link
 * LastPendingWaker}.
 *
 * @param <T> the operation's value
 */
public abstract class WithdrawingOp<T> extends LastPendingWaker implements Future<T> {
  /** For subclasses. */
  protected WithdrawingOp() {}

  /**
   * Runs the operation once.
   *
   * @param cx the polling task's context
   * @return the value, or pending after arranging a wake-up through {@code cx}
   * @throws Exception the operation's failure
   */
  protected abstract Poll<T> pollOperation(Context cx) throws Exception;

  /**
   * Withdraws {@code waker} from the resource the operation waits on.
   *
   * @param waker the waker of the last pending poll, never null
   */
  protected abstract void withdraw(Waker waker);

  @Override
  public final Poll<T> poll(Context cx) throws Exception {
    return track(cx, pollOperation(cx));
  }

  /** Withdraws the waker of the last pending poll, if any. Idempotent. */
  @Override
  public final void cancel() {
    Waker w = takeWaiting();
    if (w != null) {
      withdraw(w);
    }
  }

  /**
   * A reading operation on {@link #reader}.
   *
   * @param <T> the operation's value
   */
  public abstract static class Read<T> extends WithdrawingOp<T> {
    /** The source the operation reads from, and waits on. */
    protected final AsyncRead reader;

    /**
     * Creates the operation.
     *
     * @param reader the source
     */
    protected Read(AsyncRead reader) {
      this.reader = reader;
    }

    @Override
    protected final void withdraw(Waker waker) {
      reader.withdrawRead(waker);
    }
  }

  /**
   * A writing operation on {@link #writer}.
   *
   * @param <T> the operation's value
   */
  public abstract static class Write<T> extends WithdrawingOp<T> {
    /** The sink the operation writes to, and waits on. */
    protected final AsyncWrite writer;

    /**
     * Creates the operation.
     *
     * @param writer the sink
     */
    protected Write(AsyncWrite writer) {
      this.writer = writer;
    }

    @Override
    protected final void withdraw(Waker waker) {
      writer.withdrawWrite(waker);
    }
  }
}
