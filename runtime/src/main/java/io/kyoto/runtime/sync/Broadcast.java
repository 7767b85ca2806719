package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.chan.BroadcastShared;

/**
 * A multi-producer, multi-consumer channel where every receiver sees every value, as tokio's {@code
 * sync::broadcast}.
 *
 * <p>The channel keeps the last {@code capacity} values in a ring ({@code capacity} rounded up to a
 * power of two). Sending never waits: when the ring is full the oldest value is overwritten, and a
 * receiver that had not read it gets a {@link LaggedException} carrying the number of values it
 * missed, then continues from the oldest value still held. A receiver sees only values sent after
 * it {@linkplain Sender#subscribe() subscribed}. When every sender is {@linkplain Sender#close()
 * closed}, receivers get the values they have not read, then {@link RecvException}.
 *
 * <p>Every receiver gets the same object: share immutable values (tokio clones them for each
 * receiver).
 *
 * {@snippet :
 * var ch = Broadcast.<String>channel(16);
 * var rx2 = ch.tx().subscribe();
 * ch.tx().send("hello");              // returns 2: both receivers will see it
 * Future<String> a = ch.rx().recv();  // "hello"
 * Future<String> b = rx2.recv();      // "hello"
 * }
 */
public final class Broadcast {
  private Broadcast() {}

  /**
   * Creates a channel with one sender and one receiver.
   *
   * @param capacity how many values to retain for slow receivers, at least 1 (rounded up to a power
   *     of two)
   * @param <T> the value type
   * @return the sender and the receiver
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public static <T> Channel<T> channel(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("broadcast channel capacity cannot be zero");
    }
    if (capacity > 1 << 30) {
      throw new IllegalArgumentException("broadcast channel capacity exceeded 2^30: " + capacity);
    }
    BroadcastShared<T> shared = new BroadcastShared<>(capacity);
    return new Channel<>(new Sender<>(shared), new Receiver<>(shared, shared.subscribe()));
  }

  /**
   * The two halves of a new channel.
   *
   * @param tx the first sender handle
   * @param rx the first receiver
   * @param <T> the value type
   */
  public record Channel<T>(Sender<T> tx, Receiver<T> rx) {}

  /**
   * A handle that sends to every receiver.
   *
   * <p><b>Thread safety:</b> thread safe.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> extends CountedHandle implements AutoCloseable {
    private final BroadcastShared<T> shared;

    Sender(BroadcastShared<T> shared) {
      this.shared = shared;
    }

    /**
     * Sends {@code value} to every current receiver. Never waits; may overwrite the oldest value.
     *
     * @param value the value (every receiver gets this same object)
     * @return the number of receivers that will see it
     * @throws SendException if there is no receiver; the value is not stored and comes back in the
     *     exception (a later send can succeed after a new {@link #subscribe()})
     * @throws IllegalStateException if this handle is closed
     */
    public int send(T value) throws SendException {
      ensureOpen();
      int n = shared.send(value);
      if (n == 0) {
        throw new SendException("broadcast channel has no receivers", value);
      }
      return n;
    }

    /** {@return a new receiver that sees the values sent from now on} */
    public Receiver<T> subscribe() {
      return new Receiver<>(shared, shared.subscribe());
    }

    /** {@return the number of open receivers} */
    public int receiverCount() {
      return shared.receiverCount();
    }

    /**
     * {@return the number of values still queued: retained, and not yet seen by every receiver that
     * was open when they were sent}
     */
    public int len() {
      return shared.queued();
    }

    /** {@return whether no value is queued} */
    public boolean isEmpty() {
      return len() == 0;
    }

    /**
     * {@return a future that completes when there is no receiver}
     *
     * <p><b>Cancel safety:</b> cancel safe.
     */
    public Future<Void> closed() {
      return shared.noReceiversFuture();
    }

    /**
     * {@return another sender handle} The channel closes when every handle is closed.
     *
     * @throws IllegalStateException if this handle is closed
     */
    @Override
    public Sender<T> clone() {
      ensureOpen();
      shared.addSender();
      return new Sender<>(shared);
    }

    /**
     * {@return whether {@code other} sends on the same channel}
     *
     * @param other another sender
     */
    public boolean sameChannel(Sender<?> other) {
      return other.shared == shared;
    }

    /**
     * Closes this handle; when the last one closes, receivers get the remaining values and then
     * {@link RecvException}. Idempotent.
     */
    @Override
    public void close() {
      if (markClosed()) {
        shared.dropSender();
      }
    }

    @Override
    public String toString() {
      return "Broadcast.Sender{receivers=" + receiverCount() + "}";
    }
  }

  /**
   * Receives every value sent after it subscribed.
   *
   * <p><b>Thread safety:</b> receive from one task at a time; {@link #close()} from any thread.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> implements AutoCloseable {
    private final BroadcastShared<T> shared;
    private final BroadcastShared.Cursor cursor;
    private final Future<T> recv;

    Receiver(BroadcastShared<T> shared, BroadcastShared.Cursor cursor) {
      this.shared = shared;
      this.cursor = cursor;
      this.recv =
          new Future<>() {
            @Override
            public Poll<T> poll(Context cx) throws RecvException, LaggedException {
              return pollRecv(cx);
            }

            @Override
            public void cancel() {
              shared.cancelWait(cursor);
            }
          };
    }

    /**
     * {@return a future of the next value} It fails with {@link LaggedException} if this receiver
     * fell behind by more than the capacity (the next receive returns the oldest retained value),
     * or with {@link RecvException} once every sender is closed and every value was received. The
     * same stateless future is returned every time and may be polled again after completing.
     *
     * <p><b>Cancel safety:</b> cancel safe. If it is cancelled (for instance when another branch of
     * a select completes first), it is guaranteed that no value was received by this receiver.
     */
    public Future<T> recv() {
      return recv;
    }

    /**
     * Polls for the next value, for hand-written futures, streams and select.
     *
     * @param cx the polling task's context
     * @return ready with the value, or pending
     * @throws LaggedException if this receiver missed values
     * @throws RecvException if the channel is closed and drained for this receiver
     */
    @SuppressWarnings("unchecked") // the ring holds only T values besides the two sentinels
    public Poll<T> pollRecv(Context cx) throws RecvException, LaggedException {
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      Object v = shared.recv(cursor, cx.waker());
      if (v == BroadcastShared.EMPTY) {
        return Poll.pending();
      }
      if (v == BroadcastShared.CLOSED) {
        throw new RecvException("broadcast channel closed");
      }
      return Poll.ready((T) v);
    }

    /**
     * {@return the values as a stream that ends when the channel is closed and drained} A lag does
     * not fail the stream: it continues with the oldest value still retained, as tokio-stream's
     * {@code BroadcastStream} does after yielding its {@code Lagged} error. Use {@link
     * #stream(java.util.function.LongConsumer)} to learn how many values were missed.
     */
    public io.kyoto.runtime.stream.Stream<T> stream() {
      return stream(skipped -> {});
    }

    /**
     * {@return the values as a stream that ends when the channel is closed and drained, reporting
     * each lag to {@code onLagged}} with the number of values missed, then continuing with the
     * oldest value still retained.
     *
     * <p><b>Cancel safety:</b> cancel safe, as {@link #recv()}.
     *
     * @param onLagged called with the count of missed values each time this receiver lags
     */
    public io.kyoto.runtime.stream.Stream<T> stream(java.util.function.LongConsumer onLagged) {
      java.util.Objects.requireNonNull(onLagged, "onLagged");
      return new io.kyoto.runtime.stream.Stream<>() {
        @Override
        public Poll<T> pollNext(Context cx) {
          while (true) {
            try {
              return pollRecv(cx);
            } catch (LaggedException e) {
              onLagged.accept(e.skipped());
            } catch (RecvException e) {
              return io.kyoto.runtime.stream.Stream.end();
            }
          }
        }

        @Override
        public void cancel() {
          shared.cancelWait(cursor); // as recv()'s cancel: a later send does not wake us
        }
      };
    }

    /**
     * {@return the next value, without waiting}
     *
     * @throws TryRecvException {@linkplain TryRecvException#isEmpty() empty} if there is no new
     *     value, {@linkplain TryRecvException#isClosed() closed} if every sender is closed and
     *     every value was received
     * @throws LaggedException if this receiver missed values
     */
    @SuppressWarnings("unchecked") // the ring holds only T values besides the two sentinels
    public T tryRecv() throws TryRecvException, LaggedException {
      Object v = shared.recv(cursor, null);
      if (v == BroadcastShared.EMPTY) {
        throw TryRecvException.EMPTY;
      }
      if (v == BroadcastShared.CLOSED) {
        throw TryRecvException.CLOSED;
      }
      return (T) v;
    }

    /** {@return a new receiver on the same channel that sees the values sent from now on} */
    public Receiver<T> resubscribe() {
      return new Receiver<>(shared, shared.subscribe());
    }

    /** {@return how many values were sent that this receiver has not received yet} */
    public long len() {
      return shared.len(cursor);
    }

    /** {@return whether this receiver has received every value sent so far} */
    public boolean isEmpty() {
      return len() == 0;
    }

    /** {@return whether every sender is closed (values may still be waiting)} */
    public boolean isClosed() {
      return shared.isClosed();
    }

    /**
     * Closes this receiver (tokio's drop): it stops counting as a receiver, and values that only it
     * still had to read are released. A {@code recv} pending in another task is woken and fails
     * with {@link IllegalStateException}. Idempotent; the receiver must not be used afterwards.
     */
    @Override
    public void close() {
      shared.close(cursor);
    }

    @Override
    public String toString() {
      return "Broadcast.Receiver{len=" + len() + "}";
    }
  }
}
