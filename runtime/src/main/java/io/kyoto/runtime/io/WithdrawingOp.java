package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;

/**
 * A read or write future of {@link Io} that, when cancelled, withdraws the wake-up its last pending
 * poll arranged ({@link AsyncRead#withdrawRead}, {@link AsyncWrite#withdrawWrite}).
 *
 * <p>It remembers that poll's waker in a plain field (a future is polled and cancelled by its
 * owning task only); a ready poll forgets it, so that cancelling a completed future cannot withdraw
 * a wake-up that a later operation of the same task arranged.
 *
 * @param <T> the operation's value
 */
abstract class WithdrawingOp<T> implements Future<T> {
  private Waker waiting;

  /**
   * Runs the operation once.
   *
   * @param cx the polling task's context
   * @return the value, or pending after arranging a wake-up
   * @throws IOException the operation's failure
   */
  abstract Poll<T> pollOp(Context cx) throws IOException;

  /**
   * Withdraws {@code waker} from the source or sink the operation waits on.
   *
   * @param waker the waker of the last pending poll
   */
  abstract void withdraw(Waker waker);

  @Override
  public final Poll<T> poll(Context cx) throws IOException {
    Poll<T> p = pollOp(cx);
    waiting = p.isPending() ? cx.waker() : null;
    return p;
  }

  @Override
  public final void cancel() {
    Waker w = waiting;
    if (w != null) {
      waiting = null;
      withdraw(w);
    }
  }

  /** A reading operation on {@code reader}. */
  abstract static class Read<T> extends WithdrawingOp<T> {
    final AsyncRead reader;

    Read(AsyncRead reader) {
      this.reader = reader;
    }

    @Override
    final void withdraw(Waker waker) {
      reader.withdrawRead(waker);
    }
  }

  /** A writing operation on {@code writer}. */
  abstract static class Write<T> extends WithdrawingOp<T> {
    final AsyncWrite writer;

    Write(AsyncWrite writer) {
      this.writer = writer;
    }

    @Override
    final void withdraw(Waker waker) {
      writer.withdrawWrite(waker);
    }
  }
}
