package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.chan.OneshotCell;

/**
 * A channel for sending a single value between tasks, as tokio's {@code sync::oneshot}.
 *
 * <p>The {@link Receiver} is itself the future of the value. It fails with {@link RecvException} if
 * the {@link Sender} is {@linkplain Sender#close() closed} without sending (Java has no destructor,
 * so the sender's "drop" is explicit). The sender learns that the receiver went away from {@link
 * Sender#isClosed()} or {@link Sender#closed()}, typically to cancel the work whose result nobody
 * will read. Values may be null (a {@code Oneshot<Void>} is a one-time signal).
 *
 * {@snippet :
 * var ch = Oneshot.<Integer>channel();
 * Task.spawn(Futures.fromSupplier(() -> { ch.tx().send(42); return null; }));
 * Future<Integer> answer = ch.rx(); // 42
 * }
 */
public final class Oneshot {
  private Oneshot() {}

  /**
   * Creates a oneshot channel.
   *
   * @param <T> the value type
   * @return the sender and the receiver
   */
  public static <T> Channel<T> channel() {
    OneshotCell<T> cell = new OneshotCell<>();
    return new Channel<>(new Sender<>(cell), new Receiver<>(cell));
  }

  /**
   * The two halves of a oneshot channel.
   *
   * @param tx the sender
   * @param rx the receiver
   * @param <T> the value type
   */
  public record Channel<T>(Sender<T> tx, Receiver<T> rx) {}

  /**
   * Sends the channel's one value.
   *
   * <p><b>Thread safety:</b> thread safe; {@link #send} or {@link #close()} takes effect once.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> implements AutoCloseable {
    private final OneshotCell<T> cell;

    Sender(OneshotCell<T> cell) {
      this.cell = cell;
    }

    /**
     * Completes the receiver with {@code value}. Never waits.
     *
     * @param value the value, may be null
     * @throws SendException if the receiver is closed; it carries the value back
     * @throws IllegalStateException if this sender already sent or was closed
     */
    public void send(T value) throws SendException {
      if (!cell.send(value)) {
        throw new SendException("oneshot receiver closed", value);
      }
    }

    /** {@return whether the receiver is closed, so that a send would fail} */
    public boolean isClosed() {
      return (cell.state() & OneshotCell.RX_CLOSED) != 0;
    }

    /**
     * Polls for the receiver's closing, for hand-written futures and select. It keeps one waker:
     * the latest poll's, so poll it from one task at a time (several tasks use {@link #closed()}).
     *
     * @param cx the polling task's context
     * @return ready once the receiver is closed, else pending
     * @throws IllegalStateException if this sender already sent or was closed
     */
    public Poll<Void> pollClosed(Context cx) {
      int s = cell.state();
      if ((s & OneshotCell.RX_CLOSED) == 0) {
        s = cell.registerTx(cx.waker());
      }
      if ((s & OneshotCell.RX_CLOSED) != 0) {
        return Poll.ready(null);
      }
      checkUsable(s);
      return Poll.pending();
    }

    private static void checkUsable(int s) {
      if ((s & (OneshotCell.SENT | OneshotCell.TX_CLOSED)) != 0) {
        throw new IllegalStateException("the oneshot sender was already used or closed");
      }
    }

    /**
     * {@return a future that completes when the receiver is closed} Use it to abandon work whose
     * result nobody will receive. Any number of these futures may wait at once, in any tasks.
     *
     * <p><b>Cancel safety:</b> cancel safe. A closed receiver stays closed.
     */
    public Future<Void> closed() {
      return new Future<>() {
        private Future<Void> wait; // the registration, made at the first poll that must wait

        @Override
        public Poll<Void> poll(Context cx) throws Exception {
          if (!cx.tryConsumeBudget()) {
            cx.waker().wake();
            return Poll.pending();
          }
          int s = cell.state();
          if ((s & OneshotCell.RX_CLOSED) != 0) {
            cancel();
            return Poll.ready(null);
          }
          try {
            checkUsable(s);
          } catch (IllegalStateException e) {
            cancel(); // failed: leave no registration behind
            throw e;
          }
          if (wait == null) {
            wait = cell.rxClosedFuture();
          }
          return wait.poll(cx);
        }

        @Override
        public void cancel() {
          if (wait != null) {
            wait.cancel();
          }
        }
      };
    }

    /**
     * Closes the sender without sending (tokio's drop): the receiver fails with {@link
     * RecvException}. Idempotent; a no-op after {@link #send}.
     */
    @Override
    public void close() {
      cell.closeTx();
    }

    @Override
    public String toString() {
      return "Oneshot.Sender{closed=" + isClosed() + "}";
    }
  }

  /**
   * Receives the channel's one value; it is the future of that value.
   *
   * <p>It completes with the value, or fails with {@link RecvException} once the sender is closed
   * without sending (or this receiver was closed before a value arrived). It must not be polled
   * after completing. Unlike most futures, {@link #cancel()} only stops waiting: the receiver keeps
   * its place and may be polled again later.
   *
   * <p><b>Cancel safety:</b> cancel safe. Cancelling loses nothing: a value sent meanwhile waits
   * for the next poll or {@link #tryRecv()}.
   *
   * <p><b>Thread safety:</b> poll from one task at a time; {@link #close()} from any thread.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> implements Future<T>, AutoCloseable {
    private final OneshotCell<T> cell;
    private boolean terminated; // polling task only: the outcome was delivered

    Receiver(OneshotCell<T> cell) {
      this.cell = cell;
    }

    @Override
    public Poll<T> poll(Context cx) throws RecvException {
      if (terminated) {
        throw new IllegalStateException("oneshot receiver polled after completion");
      }
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      int s = cell.state();
      if ((s & OneshotCell.SENT) == 0) {
        if ((s & (OneshotCell.TX_CLOSED | OneshotCell.RX_CLOSED)) == 0) {
          s = cell.registerRx(cx.waker());
        }
        if ((s & OneshotCell.SENT) == 0) {
          if ((s & (OneshotCell.TX_CLOSED | OneshotCell.RX_CLOSED)) != 0) {
            terminated = true;
            throw closedError(s);
          }
          return Poll.pending();
        }
      }
      terminated = true;
      return Poll.ready(cell.take());
    }

    private static RecvException closedError(int s) {
      return new RecvException(
          (s & OneshotCell.TX_CLOSED) != 0
              ? "oneshot sender closed without sending"
              : "oneshot receiver closed");
    }

    /** Stops waiting: forgets the registered waker. The receiver stays usable. */
    @Override
    public void cancel() {
      cell.unregister(true);
    }

    /**
     * {@return the value, if it has arrived} Once it returned the value, or failed as closed, later
     * calls fail as closed.
     *
     * @throws TryRecvException {@linkplain TryRecvException#isEmpty() empty} if no value yet,
     *     {@linkplain TryRecvException#isClosed() closed} if none will come
     */
    public T tryRecv() throws TryRecvException {
      if (terminated) {
        throw TryRecvException.CLOSED;
      }
      int s = cell.state();
      if ((s & OneshotCell.SENT) != 0) {
        terminated = true;
        return cell.take();
      }
      if ((s & (OneshotCell.TX_CLOSED | OneshotCell.RX_CLOSED)) != 0) {
        terminated = true;
        throw TryRecvException.CLOSED;
      }
      throw TryRecvException.EMPTY;
    }

    /**
     * Closes the receiver: a later send fails and the sender's {@link Sender#closed()} completes. A
     * value sent before the close can still be received with {@link #tryRecv()} or by polling.
     * Idempotent.
     */
    @Override
    public void close() {
      cell.closeRx();
    }

    /**
     * {@return whether this receiver already delivered its outcome (the value, or the closed
     * failure), so that it must not be polled again}
     */
    public boolean isTerminated() {
      return terminated;
    }

    /** {@return whether no value is waiting to be received (it has not arrived, or was taken)} */
    public boolean isEmpty() {
      return terminated || (cell.state() & OneshotCell.SENT) == 0;
    }

    @Override
    public String toString() {
      if (terminated) {
        return "Oneshot.Receiver{done}";
      }
      int s = cell.state();
      if ((s & OneshotCell.SENT) != 0) {
        return "Oneshot.Receiver{value ready}";
      }
      if ((s & OneshotCell.TX_CLOSED) != 0) {
        return "Oneshot.Receiver{sender closed without sending}";
      }
      if ((s & OneshotCell.RX_CLOSED) != 0) {
        return "Oneshot.Receiver{closed}";
      }
      return "Oneshot.Receiver{waiting for a value}";
    }
  }
}
