package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.chan.Capacity;
import io.kyoto.runtime.internal.chan.MpscChan;
import io.kyoto.runtime.internal.chan.ReserveOp;
import io.kyoto.runtime.internal.chan.SendOp;
import io.kyoto.runtime.internal.chan.SendTimeoutOp;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A multi-producer, single-consumer FIFO queue for sending values between tasks, as tokio's {@code
 * sync::mpsc}.
 *
 * <p>{@link #channel(int)} makes a bounded channel: at most {@code capacity} messages are buffered,
 * and {@link Sender#send} waits for room (backpressure). {@link #unboundedChannel()} makes a
 * channel whose {@link UnboundedSender#send} never waits; nothing limits its memory but the
 * receiver's pace, so prefer a bounded channel unless the producer cannot wait.
 *
 * <p>Messages arrive in the order each sender sent them; waiting senders are admitted in the order
 * they started waiting. Messages must not be null: {@link Receiver#recv()} completes with {@code
 * null} to say that the channel is closed and drained (tokio's {@code None}).
 *
 * <h2>Closing</h2>
 *
 * <p>Java has no destructors, so closing is explicit. Sender handles are counted ({@link
 * Sender#clone()} makes another); when every handle is {@linkplain Sender#close() closed}, the
 * receiver drains the buffer and then receives {@code null}. {@link Receiver#close()} stops all
 * senders (their sends fail with {@link SendException}) while the buffered messages stay
 * receivable.
 *
 * {@snippet :
 * var ch = Mpsc.<String>channel(16);
 * Task.spawn(ch.tx().send("hello").inspect(v -> ch.tx().close()));
 * Future<String> first = ch.rx().recv(); // "hello", then null once the sender is closed
 * }
 */
public final class Mpsc {
  private Mpsc() {}

  /**
   * Creates a bounded channel.
   *
   * @param capacity how many messages may be buffered (or reserved) at once, at least 1
   * @param <T> the message type
   * @return the sender and the receiver
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public static <T> Channel<T> channel(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("mpsc bounded channel requires capacity > 0");
    }
    MpscChan<T> chan = new MpscChan<>(capacity);
    return new Channel<>(new Sender<>(chan), new Receiver<>(chan));
  }

  /**
   * Creates an unbounded channel.
   *
   * @param <T> the message type
   * @return the sender and the receiver
   */
  public static <T> UnboundedChannel<T> unboundedChannel() {
    MpscChan<T> chan = new MpscChan<>(-1);
    return new UnboundedChannel<>(new UnboundedSender<>(chan), new Receiver<>(chan));
  }

  /**
   * The two halves of a bounded channel.
   *
   * @param tx the first sender handle
   * @param rx the receiver
   * @param <T> the message type
   */
  public record Channel<T>(Sender<T> tx, Receiver<T> rx) {}

  /**
   * The two halves of an unbounded channel.
   *
   * @param tx the first sender handle
   * @param rx the receiver
   * @param <T> the message type
   */
  public record UnboundedChannel<T>(UnboundedSender<T> tx, Receiver<T> rx) {}

  /**
   * The future of {@link Sender#send}: completes once the message is in the channel, fails with
   * {@link SendException} (carrying the message) if the receiver closed first.
   *
   * @param <T> the message type
   */
  public interface SendFuture<T> extends Future<Void> {
    /**
     * Cancels this send, as {@link #cancel()}, and returns the message if it was not sent.
     *
     * @return the message, or null if it was sent (or handed back by a failure) before
     */
    T cancelAndReclaim();
  }

  /**
   * A handle to a bounded channel that does not count as a sender (tokio's {@code WeakSender}): the
   * channel ends for its receiver when every {@link Sender} is closed, whatever weak handles
   * remain. Nothing to close.
   *
   * <p><b>Thread safety:</b> thread safe.
   *
   * @param <T> the message type
   */
  public static final class WeakSender<T> {
    private final MpscChan<T> chan;

    WeakSender(MpscChan<T> chan) {
      this.chan = chan;
    }

    /** {@return a new sender (to close after use), or empty if every sender was already closed} */
    public Optional<Sender<T>> upgrade() {
      return chan.tryAddSender() ? Optional.of(new Sender<>(chan)) : Optional.empty();
    }

    @Override
    public String toString() {
      return "Mpsc.WeakSender{" + chan.senderCount() + " senders}";
    }
  }

  /**
   * A handle to an unbounded channel that does not count as a sender; as {@link WeakSender}.
   *
   * @param <T> the message type
   */
  public static final class WeakUnboundedSender<T> {
    private final MpscChan<T> chan;

    WeakUnboundedSender(MpscChan<T> chan) {
      this.chan = chan;
    }

    /** {@return a new sender (to close after use), or empty if every sender was already closed} */
    public Optional<UnboundedSender<T>> upgrade() {
      return chan.tryAddSender() ? Optional.of(new UnboundedSender<>(chan)) : Optional.empty();
    }

    @Override
    public String toString() {
      return "Mpsc.WeakUnboundedSender{" + chan.senderCount() + " senders}";
    }
  }

  /**
   * A handle that sends into a bounded channel.
   *
   * <p><b>Thread safety:</b> thread safe; share it, or {@link #clone()} one handle per producer.
   *
   * @param <T> the message type
   */
  public static final class Sender<T> extends CountedHandle implements AutoCloseable {
    private final MpscChan<T> chan;
    private final Supplier<Permit<T>> permits;

    Sender(MpscChan<T> chan) {
      this.chan = chan;
      this.permits = () -> new Permit<>(chan);
    }

    /**
     * {@return a future that sends {@code value}, waiting for capacity} Waiting senders are
     * admitted first come, first served. Fails with {@link SendException} (carrying the value) if
     * the receiver is closed, or has already seen the end of the channel (see {@link
     * Receiver#recv()}: a future polled only after every sender was closed).
     *
     * <p><b>Cancel safety:</b> not cancel safe. Sends and reservations complete in the order they
     * were requested; cancelling a waiting send loses its place in the queue and does not send the
     * message, which {@link SendFuture#cancelAndReclaim()} returns. If capacity was handed to the
     * send before the cancellation, the message is already in the channel (and {@code
     * cancelAndReclaim} returns null).
     *
     * @param value the message, not null
     * @throws IllegalStateException if this handle is closed
     */
    public SendFuture<T> send(T value) {
      Objects.requireNonNull(value, "value");
      ensureOpen();
      return new SendOp<>(chan, value);
    }

    /**
     * Sends {@code value} now if there is capacity.
     *
     * @param value the message, not null
     * @throws TrySendException if the channel is full or closed; it carries the value back
     */
    public void trySend(T value) throws TrySendException {
      Objects.requireNonNull(value, "value");
      ensureOpen();
      int r = chan.trySend(value);
      if (r != Capacity.ACQUIRED) {
        throw new TrySendException(r == Capacity.FULL, value);
      }
    }

    /**
     * {@return a future that sends {@code value}, waiting at most {@code timeout} for capacity}
     * Fails with {@link SendTimeoutException} (carrying the value) on timeout, or {@link
     * SendException} if the receiver closed. Needs a runtime with time enabled.
     *
     * <p><b>Cancel safety:</b> not cancel safe, as {@link #send}: cancelling loses the place in the
     * queue and drops the message unless capacity was already handed to it.
     *
     * @param value the message, not null
     * @param timeout the longest wait
     */
    public Future<Void> sendTimeout(T value, Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      return new SendTimeoutOp<>((SendOp<T>) send(value), timeout);
    }

    /**
     * {@return a future of a {@link Permit} for one message, waiting for capacity} The unit of
     * capacity is held from now on; {@link Permit#send} uses it, {@link Permit#close()} gives it
     * back. Fails with {@link SendException} (with a null value) if the receiver is closed.
     *
     * <p><b>Cancel safety:</b> not cancel safe. Reservations and sends complete in the order they
     * were requested; cancelling a reservation loses its place in the queue. It never leaks
     * capacity: a unit assigned to a cancelled reservation goes back to the channel.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public Future<Permit<T>> reserve() {
      ensureOpen();
      return new ReserveOp<>(chan, permits);
    }

    /**
     * {@return a permit for one message, if capacity is free now}
     *
     * @throws TrySendException if the channel is full or closed (with a null value)
     */
    public Permit<T> tryReserve() throws TrySendException {
      ensureOpen();
      int r = chan.cap.tryAcquire(true);
      if (r != Capacity.ACQUIRED) {
        throw new TrySendException(r == Capacity.FULL, null);
      }
      return new Permit<>(chan);
    }

    /** {@return whether the receiver closed the channel, so that every send fails} */
    public boolean isClosed() {
      return chan.isClosed();
    }

    /**
     * {@return a future that completes when the receiver closes the channel} Use it to stop
     * producing work nobody will receive.
     *
     * <p><b>Cancel safety:</b> cancel safe. A closed channel stays closed, so a new call completes
     * at once.
     */
    public Future<Void> closed() {
      return chan.closedFuture();
    }

    /** {@return the free capacity: how many messages can be sent now without waiting} */
    public int capacity() {
      return (int) chan.cap.available();
    }

    /** {@return the channel's capacity, as given to {@link Mpsc#channel(int)}} */
    public int maxCapacity() {
      return chan.bound();
    }

    /**
     * {@return another handle to the same channel} The channel stays open until every handle is
     * closed (tokio's {@code Clone}).
     *
     * @throws IllegalStateException if this handle is closed
     */
    @Override
    public Sender<T> clone() {
      ensureOpen();
      chan.addSender();
      return new Sender<>(chan);
    }

    /**
     * {@return whether {@code other} sends into the same channel}
     *
     * @param other another sender
     */
    public boolean sameChannel(Sender<?> other) {
      return other.chan == chan;
    }

    /**
     * {@return a handle that does not keep the channel open} tokio's {@code downgrade}: an actor
     * keeps a weak handle to its own inbox, so that the inbox ends when every other sender is
     * closed, and {@linkplain WeakSender#upgrade() upgrades} it only to send.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public WeakSender<T> downgrade() {
      ensureOpen();
      return new WeakSender<>(chan);
    }

    /**
     * Closes this handle (tokio's drop). When the last handle closes, the receiver drains the
     * buffer and then receives null. Idempotent. Sends already started still complete.
     */
    @Override
    public void close() {
      if (markClosed()) {
        chan.dropSender();
      }
    }

    @Override
    public String toString() {
      return "Mpsc.Sender{capacity=" + capacity() + "/" + chan.bound() + "}";
    }
  }

  /**
   * A handle that sends into an unbounded channel; sending never waits.
   *
   * <p><b>Thread safety:</b> thread safe; usable from any thread, inside or outside a runtime.
   *
   * @param <T> the message type
   */
  public static final class UnboundedSender<T> extends CountedHandle implements AutoCloseable {
    private final MpscChan<T> chan;

    UnboundedSender(MpscChan<T> chan) {
      this.chan = chan;
    }

    /**
     * Sends {@code value} at once. The channel has no backpressure: if the receiver falls behind,
     * messages accumulate in memory.
     *
     * @param value the message, not null
     * @throws SendException if the receiver closed the channel; it carries the value back
     * @throws IllegalStateException if this handle is closed
     */
    public void send(T value) throws SendException {
      Objects.requireNonNull(value, "value");
      ensureOpen();
      if (chan.trySend(value) != Capacity.ACQUIRED) {
        throw new SendException("channel closed", value);
      }
    }

    /** {@return whether the receiver closed the channel} */
    public boolean isClosed() {
      return chan.isClosed();
    }

    /**
     * {@return a future that completes when the receiver closes the channel}
     *
     * <p><b>Cancel safety:</b> cancel safe.
     */
    public Future<Void> closed() {
      return chan.closedFuture();
    }

    /**
     * {@return another handle to the same channel}
     *
     * @throws IllegalStateException if this handle is closed
     */
    @Override
    public UnboundedSender<T> clone() {
      ensureOpen();
      chan.addSender();
      return new UnboundedSender<>(chan);
    }

    /**
     * {@return whether {@code other} sends into the same channel}
     *
     * @param other another sender
     */
    public boolean sameChannel(UnboundedSender<?> other) {
      return other.chan == chan;
    }

    /**
     * {@return a handle that does not keep the channel open} As {@link Sender#downgrade()}.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public WeakUnboundedSender<T> downgrade() {
      ensureOpen();
      return new WeakUnboundedSender<>(chan);
    }

    /** Closes this handle; the last close ends the channel once it is drained. Idempotent. */
    @Override
    public void close() {
      if (markClosed()) {
        chan.dropSender();
      }
    }

    @Override
    public String toString() {
      return "Mpsc.UnboundedSender{}";
    }
  }

  /**
   * Capacity for one message, reserved with {@link Sender#reserve()}: sending through it cannot
   * fail or wait. A permit must be used or closed; an abandoned permit keeps its unit forever.
   *
   * <p><b>Thread safety:</b> use it from one thread at a time.
   *
   * @param <T> the message type
   */
  public static final class Permit<T> implements AutoCloseable {
    private final MpscChan<T> chan;
    private boolean used;

    Permit(MpscChan<T> chan) {
      this.chan = chan;
    }

    /**
     * Sends {@code value} with the reserved capacity. Even if the receiver closed after the
     * reservation, the message is delivered to the buffer (tokio's rule), and it can still be
     * received.
     *
     * @param value the message, not null
     * @throws IllegalStateException if the permit was already used or closed
     */
    public void send(T value) {
      Objects.requireNonNull(value, "value");
      if (used) {
        throw new IllegalStateException("permit already used");
      }
      used = true;
      chan.sendPermit(value);
    }

    /** Gives the capacity back without sending. Idempotent; a no-op after {@link #send}. */
    @Override
    public void close() {
      if (!used) {
        used = true;
        chan.releasePermit();
      }
    }
  }

  /**
   * The receiving half of a channel.
   *
   * <p><b>Thread safety:</b> single consumer: receive from one task at a time. {@link #close()},
   * {@link #isClosed()}, {@link #len()} and {@link #isEmpty()} may be called from any thread.
   *
   * @param <T> the message type
   */
  public static final class Receiver<T> implements AutoCloseable {
    private final MpscChan<T> chan;
    private final Future<T> recv;

    Receiver(MpscChan<T> chan) {
      this.chan = chan;
      this.recv =
          new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
              return chan.pollRecv(cx);
            }

            @Override
            public void cancel() {
              chan.clearRxWaker();
            }

            @Override
            public String toString() {
              return "Mpsc.recv[" + describeWait(chan) + "]";
            }
          };
    }

    static String describeWait(MpscChan<?> chan) {
      long len = chan.len();
      if (len > 0) {
        return "message ready, len=" + len;
      }
      if (chan.isClosed() || chan.senderCount() == 0) {
        return "channel closed";
      }
      return "waiting for a message, senders=" + chan.senderCount();
    }

    /**
     * {@return a future of the next message, or of null once every sender is closed (or the
     * receiver is) and the buffer is drained}
     *
     * <p>The future holds no state of its own (the same object is returned every time), so it may
     * be polled again after completing or being cancelled.
     *
     * <p>The end is final. Once the receiver has seen it (this future, {@link #recvMany}, the
     * {@link #stream()} or {@link #tryRecv()} reported that every sender is closed and the buffer
     * drained), the channel is closed as by {@link #close()}: a send or reserve future made before
     * the last sender closed and polled only now fails with {@link SendException} carrying its
     * message, as tokio's send fails once the receiver has seen {@code None}, instead of enqueueing
     * a message nobody will receive. A send that was admitted before the end is received first.
     *
     * <p><b>Cancel safety:</b> cancel safe. If it is cancelled (for instance when another branch of
     * a select completes first), it is guaranteed that no message was received on this channel.
     */
    public Future<T> recv() {
      return recv;
    }

    /**
     * {@return the messages as a {@link io.kyoto.runtime.stream.Stream}, which ends when the
     * channel is closed and drained} The stream borrows this receiver: consuming it consumes the
     * channel.
     *
     * <p><b>Cancel safety:</b> {@code next()} on the stream is cancel safe, as {@link #recv()}.
     */
    public io.kyoto.runtime.stream.Stream<T> stream() {
      return new io.kyoto.runtime.stream.Stream<>() {
        @Override
        public Poll<T> pollNext(Context cx) {
          Poll<T> p = pollRecv(cx);
          if (p.isReady() && p.value() == null) {
            return io.kyoto.runtime.stream.Stream.end();
          }
          return p;
        }

        @Override
        public void cancel() {
          chan.clearRxWaker(); // as recv()'s cancel: a later send does not wake us
        }
      };
    }

    /**
     * Polls for the next message, for hand-written futures, streams and select.
     *
     * @param cx the polling task's context; its waker is woken when a message arrives
     * @return ready with the message, ready with null when the channel is closed and drained, or
     *     pending
     */
    public Poll<T> pollRecv(Context cx) {
      return chan.pollRecv(cx);
    }

    /**
     * {@return a future that moves up to {@code limit} messages into {@code buffer}, waiting for at
     * least one} It completes with the number moved, which is 0 only when {@code limit} is 0 or the
     * channel is closed and drained.
     *
     * <p><b>Cancel safety:</b> cancel safe: a cancelled call moved no message.
     *
     * @param buffer receives the messages, in order
     * @param limit the most to move
     */
    public Future<Integer> recvMany(List<? super T> buffer, int limit) {
      Objects.requireNonNull(buffer, "buffer");
      if (limit < 0) {
        throw new IllegalArgumentException("limit must not be negative: " + limit);
      }
      return new Future<>() {
        @Override
        public Poll<Integer> poll(Context cx) {
          return limit == 0 ? Poll.ready(0) : chan.pollRecvMany(cx, buffer, limit);
        }

        @Override
        public void cancel() {
          chan.clearRxWaker();
        }

        @Override
        public String toString() {
          return "Mpsc.recvMany[" + describeWait(chan) + "]";
        }
      };
    }

    /**
     * {@return the next message, without waiting}
     *
     * @throws TryRecvException {@linkplain TryRecvException#isEmpty() empty} when no message is
     *     ready, {@linkplain TryRecvException#isClosed() closed} when none will ever be
     */
    public T tryRecv() throws TryRecvException {
      Object v = chan.tryRecv();
      if (v == MpscChan.EMPTY) {
        throw TryRecvException.EMPTY;
      }
      if (v == MpscChan.CLOSED) {
        throw TryRecvException.CLOSED;
      }
      @SuppressWarnings("unchecked") // tryRecv returns a message unless it returns a sentinel
      T t = (T) v;
      return t;
    }

    /**
     * Closes the receiving side without discarding anything: every send from now on fails, waiting
     * senders fail at once, and {@link Sender#closed()} completes. Messages already buffered (or
     * sent through permits reserved before) can still be received; then {@link #recv()} completes
     * with null. Idempotent.
     */
    @Override
    public void close() {
      chan.closeRx();
    }

    /** {@return whether the channel is closed: by this receiver, or because every sender is} */
    public boolean isClosed() {
      return chan.isClosed() || chan.senderCount() == 0;
    }

    /** {@return the number of buffered messages (a snapshot when racing with senders)} */
    public int len() {
      return (int) Math.min(Integer.MAX_VALUE, chan.len());
    }

    /** {@return whether no message is buffered (a snapshot)} */
    public boolean isEmpty() {
      return chan.len() == 0;
    }

    @Override
    public String toString() {
      return "Mpsc.Receiver{len=" + len() + "}";
    }
  }
}
