package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.chan.WatchShared;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A single-producer, multi-consumer channel that keeps only the latest value, as tokio's {@code
 * sync::watch}: configuration, state, "the current leader".
 *
 * <p>Each {@link Receiver} tracks the version it has seen. The initial value counts as seen. {@link
 * Receiver#changed()} waits for an unseen version and marks it seen; {@link Receiver#borrow()}
 * reads the latest value without marking it, {@link Receiver#borrowAndUpdate()} reads it and marks
 * it. Intermediate values may be skipped: a receiver sees the latest, not every one.
 *
 * <p>Values are shared, not copied, and {@code borrow} takes no lock: prefer immutable values and
 * {@link Sender#send}/{@link Sender#sendReplace}. {@link Sender#sendModify} mutates the value in
 * place, which a reader holding the same object may observe half done.
 *
 * {@snippet :
 * var ch = Watch.channel("v1");
 * ch.tx().send("v2");
 * Future<String> latest = ch.rx().changed().map(v -> ch.rx().borrowAndUpdate()); // "v2"
 * }
 */
public final class Watch {
  private Watch() {}

  /**
   * Creates a channel holding {@code initial}.
   *
   * @param initial the initial value, may be null
   * @param <T> the value type
   * @return the sender and the first receiver
   */
  public static <T> Channel<T> channel(T initial) {
    WatchShared<T> shared = new WatchShared<>(initial);
    return new Channel<>(new Sender<>(shared), new Receiver<>(shared, shared.firstCursor()));
  }

  /**
   * The two halves of a new channel.
   *
   * @param tx the sender
   * @param rx the first receiver
   * @param <T> the value type
   */
  public record Channel<T>(Sender<T> tx, Receiver<T> rx) {}

  /**
   * Publishes new values.
   *
   * <p><b>Thread safety:</b> thread safe; writes are serialized.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> extends CountedHandle implements AutoCloseable {
    private final WatchShared<T> shared;

    Sender(WatchShared<T> shared) {
      this.shared = shared;
    }

    /**
     * Publishes {@code value} and notifies every receiver, if there is at least one.
     *
     * @param value the new value
     * @throws SendException if there is no receiver; the value is not stored and comes back in the
     *     exception
     * @throws IllegalStateException if the sender is closed
     */
    public void send(T value) throws SendException {
      ensureOpen();
      if (!shared.send(value)) {
        throw new SendException("watch channel has no receivers", value);
      }
    }

    /**
     * Publishes {@code value} and notifies, even without receivers (a later {@link #subscribe()}
     * sees it).
     *
     * @param value the new value
     * @return the previous value
     * @throws IllegalStateException if the sender is closed
     */
    public T sendReplace(T value) {
      ensureOpen();
      return shared.sendReplace(value);
    }

    /**
     * Mutates the value in place with {@code modify}, then notifies unconditionally, even without
     * receivers. {@code modify} runs under the channel's write lock: keep it short, and do not send
     * from it.
     *
     * @param modify mutates the value
     * @throws IllegalStateException if the sender is closed
     */
    public void sendModify(Consumer<? super T> modify) {
      Objects.requireNonNull(modify, "modify");
      ensureOpen();
      shared.sendIfModified(
          v -> {
            modify.accept(v);
            return true;
          });
    }

    /**
     * Mutates the value in place with {@code modify}, and notifies only if it returns true (it
     * changed something). Runs under the write lock, as {@link #sendModify}.
     *
     * @param modify mutates the value and returns whether it did
     * @return what {@code modify} returned
     * @throws IllegalStateException if the sender is closed
     */
    public boolean sendIfModified(Predicate<? super T> modify) {
      Objects.requireNonNull(modify, "modify");
      ensureOpen();
      return shared.sendIfModified(modify);
    }

    /** {@return the latest value} */
    public T borrow() {
      return shared.snapshot().value();
    }

    /** {@return a new receiver that has seen the current value} */
    public Receiver<T> subscribe() {
      return new Receiver<>(shared, shared.subscribeCurrent());
    }

    /** {@return the number of open receivers} */
    public int receiverCount() {
      return shared.receiverCount();
    }

    /** {@return whether there is no receiver, so that {@link #send} would fail} */
    public boolean isClosed() {
      return shared.receiverCount() == 0;
    }

    /**
     * {@return a future that completes when there is no receiver} If a receiver subscribes again
     * before the future observes it, the future keeps waiting.
     *
     * <p><b>Cancel safety:</b> cancel safe.
     */
    public Future<Void> closed() {
      return shared.noReceiversFuture();
    }

    /**
     * Closes the sender (tokio's drop): receivers see the last value, then {@link Receiver#changed}
     * fails with {@link RecvException}. Idempotent.
     */
    @Override
    public void close() {
      if (markClosed()) {
        shared.close();
      }
    }

    @Override
    public String toString() {
      return "Watch.Sender{version=" + shared.snapshot().version() + "}";
    }
  }

  /**
   * Observes the latest value and waits for changes.
   *
   * <p><b>Thread safety:</b> the seen version is this receiver's own state: use it from one task at
   * a time (clone it for another task). {@link #borrow()} and {@link #close()} from any thread.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> extends CountedHandle implements AutoCloseable {
    private static final long MARKED_CHANGED = Long.MIN_VALUE;

    private final WatchShared<T> shared;
    private final WatchShared.Cursor cursor;
    private final Future<Void> changed;

    Receiver(WatchShared<T> shared, WatchShared.Cursor cursor) {
      this.shared = shared;
      this.cursor = cursor;
      this.changed =
          new Future<>() {
            @Override
            public Poll<Void> poll(Context cx) throws RecvException {
              return pollChanged(cx);
            }

            @Override
            public void cancel() {
              shared.cancelWait(cursor);
            }
          };
    }

    /**
     * Polls for an unseen version, for hand-written futures and select; marks it seen when ready.
     *
     * @param cx the polling task's context
     * @return ready when there is an unseen version, else pending
     * @throws RecvException if the sender is closed and the current version was seen
     * @throws IllegalStateException if this receiver is closed (a wait pending when it closed fails
     *     so)
     */
    public Poll<Void> pollChanged(Context cx) throws RecvException {
      ensureOpen();
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      return switch (shared.pollChanged(cursor, cx.waker())) {
        case WatchShared.CHANGED -> Poll.ready(null);
        case WatchShared.CLOSED -> throw closedError();
        default -> Poll.pending();
      };
    }

    private static RecvException closedError() {
      return new RecvException("watch sender closed");
    }

    /** {@return the latest value, without marking it seen} */
    public T borrow() {
      return shared.snapshot().value();
    }

    /** {@return the latest value, marking its version seen} */
    public T borrowAndUpdate() {
      WatchShared.Snapshot<T> s = shared.snapshot();
      cursor.seen = s.version();
      return s.value();
    }

    /**
     * {@return whether there is a version this receiver has not seen} Does not mark it.
     *
     * @throws RecvException if the sender is closed
     */
    public boolean hasChanged() throws RecvException {
      if (shared.isClosed()) {
        throw closedError();
      }
      return shared.snapshot().version() != cursor.seen;
    }

    /** Marks the current value as unseen, so that {@link #changed()} completes at once. */
    public void markChanged() {
      cursor.seen = MARKED_CHANGED;
    }

    /** Marks the current value as seen without reading it. */
    public void markUnchanged() {
      cursor.seen = shared.snapshot().version();
    }

    /**
     * {@return a future that completes when there is a version this receiver has not seen, and
     * marks it seen} It completes at once if the current value is unseen. It fails with {@link
     * RecvException} only once the sender is closed and the current value was seen, and with {@link
     * IllegalStateException} once this receiver is closed. The same stateless future is returned
     * every time.
     *
     * <p><b>Cancel safety:</b> cancel safe. A cancelled call marks nothing seen.
     */
    public Future<Void> changed() {
      return changed;
    }

    /**
     * {@return a future of the first value (the current one included) that {@code predicate}
     * accepts} It marks every value it checks as seen. It fails with {@link RecvException} if the
     * sender closes before an accepted value (the last value is still checked first).
     *
     * <p><b>Cancel safety:</b> cancel safe: cancelling marks nothing beyond the values already
     * checked, and loses no value (the channel holds only the latest).
     *
     * @param predicate accepts the awaited value; runs on the polling task
     */
    public Future<T> waitFor(Predicate<? super T> predicate) {
      Objects.requireNonNull(predicate, "predicate");
      return new Future<>() {
        private boolean checkCurrent = true;

        @Override
        public Poll<T> poll(Context cx) throws RecvException {
          while (true) {
            if (checkCurrent) {
              WatchShared.Snapshot<T> s = shared.snapshot();
              cursor.seen = s.version();
              if (predicate.test(s.value())) {
                return Poll.ready(s.value());
              }
              checkCurrent = false;
            }
            // Fails once the sender is closed and the current version was seen (and checked).
            if (pollChanged(cx).isPending()) {
              return Poll.pending();
            }
            checkCurrent = true;
          }
        }

        @Override
        public void cancel() {
          shared.cancelWait(cursor);
        }
      };
    }

    /** {@return another receiver that has seen what this one has} */
    @Override
    public Receiver<T> clone() {
      ensureOpen();
      return new Receiver<>(shared, shared.subscribe(cursor.seen));
    }

    /**
     * {@return whether {@code other} watches the same channel}
     *
     * @param other another receiver
     */
    public boolean sameChannel(Receiver<?> other) {
      return other.shared == shared;
    }

    /**
     * Closes this receiver (tokio's drop): it stops counting, and the sender's {@link
     * Sender#closed()} completes when the last receiver closes. A {@code changed()} pending in
     * another task is woken and fails with {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
      if (markClosed()) {
        shared.dropReceiver(cursor);
      }
    }

    @Override
    public String toString() {
      return "Watch.Receiver{seen=" + cursor.seen + "}";
    }
  }
}
