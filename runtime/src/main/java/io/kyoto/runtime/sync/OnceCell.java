package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.internal.sync.Acquire;
import io.kyoto.runtime.internal.sync.BatchSemaphore;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Objects;
import java.util.Optional;

/**
 * A cell written at most once, with asynchronous initialization (tokio's {@code OnceCell}).
 *
 * <p>{@link #getOrInit} returns the value, running the initializer if the cell is empty. Only one
 * initializer runs at a time: the other callers wait for it, and get its value. If it fails or is
 * cancelled, the next waiter in line runs its own initializer.
 *
 * {@snippet :
 * OnceCell<Config> config = new OnceCell<>();
 * Future<Config> loaded = config.getOrInit(() -> loadConfig());
 * }
 *
 * <p>Inside, a {@link Semaphore} of one permit orders the initializers; it is closed once the value
 * is stored, which releases every waiter at once.
 *
 * <p>Values are never null: {@code null} cannot be stored, and an initializer that completes with
 * {@code null} fails with {@link NullPointerException}.
 *
 * <p><b>Memory consistency:</b> storing the value happens-before every read that sees it.
 *
 * <p><b>Thread safety:</b> thread safe.
 *
 * @param <T> the value's type
 */
public final class OnceCell<T> {
  private final BatchSemaphore semaphore = new BatchSemaphore(1);
  private volatile T value; // written once, by the holder of the permit, before the close

  /** Creates an empty cell. */
  public OnceCell() {}

  /**
   * {@return a cell that already holds {@code value}} (tokio's {@code new_with(Some(value))}).
   *
   * @param value the value
   * @param <T> the value's type
   */
  public static <T> OnceCell<T> of(T value) {
    OnceCell<T> cell = new OnceCell<>();
    cell.value = Objects.requireNonNull(value, "value");
    cell.semaphore.close();
    return cell;
  }

  /** {@return the value, or empty if the cell is not initialized yet} */
  public Optional<T> get() {
    return Optional.ofNullable(value);
  }

  /** {@return whether the cell holds a value} */
  public boolean initialized() {
    return value != null;
  }

  /**
   * Stores {@code value} if the cell is empty and no initializer is running.
   *
   * @param value the value
   * @throws SetException with reason {@code ALREADY_INITIALIZED} or {@code INITIALIZING}
   */
  public void set(T value) throws SetException {
    Objects.requireNonNull(value, "value");
    switch (semaphore.tryAcquire(1)) {
      case BatchSemaphore.ACQUIRED -> store(value);
      case BatchSemaphore.CLOSED -> throw new SetException(SetException.Reason.ALREADY_INITIALIZED);
      default -> {
        throw new SetException(
            this.value != null
                ? SetException.Reason.ALREADY_INITIALIZED
                : SetException.Reason.INITIALIZING);
      }
    }
  }

  /**
   * {@return a future of the value, initialized by {@code init} if the cell is empty} (tokio's
   * {@code get_or_init} and {@code get_or_try_init}). If no other caller is initializing the cell,
   * this one calls {@code init} and polls the future it returns; its value is stored and returned.
   * If {@code init} throws, or its future fails, this future fails the same way and the cell stays
   * empty; the next waiting caller, if any, then runs its own initializer.
   *
   * <p><b>Cancel safety:</b> cancel safe as far as the cell goes: cancelling a waiting caller only
   * loses its place in line, and cancelling the caller whose initializer runs cancels that
   * initializer and lets the next waiter try. Work done by a cancelled initializer is lost.
   *
   * @param init makes the initializing future; called at most once, on the polling thread
   */
  public Future<T> getOrInit(ThrowingSupplier<? extends Future<? extends T>> init) {
    return new GetOrInit(Objects.requireNonNull(init, "init"));
  }

  private void store(T v) {
    value = v;
    semaphore.close(); // wakes every waiter; they find the value
  }

  private final class GetOrInit implements Future<T> {
    private final ThrowingSupplier<? extends Future<? extends T>> init;
    private Acquire acquire;
    private Future<? extends T> running; // non-null while this caller holds the permit
    private boolean done;

    GetOrInit(ThrowingSupplier<? extends Future<? extends T>> init) {
      this.init = init;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      if (done) {
        throw new IllegalStateException("a completed or cancelled getOrInit was polled again");
      }
      if (running == null) {
        T v = value;
        if (v != null) {
          done = true;
          return Poll.ready(v);
        }
        if (acquire == null) {
          acquire = semaphore.acquire(1);
        }
        int r = acquire.poll(cx);
        if (r == BatchSemaphore.PENDING) {
          return Poll.pending();
        }
        acquire = null;
        if (r == BatchSemaphore.CLOSED) {
          done = true;
          return Poll.ready(value); // closed only after the value was stored
        }
        // We hold the only permit; nobody else can store a value now.
        try {
          Future<? extends T> f = init.get();
          running = Objects.requireNonNull(f, "the initializer returned null instead of a future");
        } catch (Throwable t) {
          done = true;
          semaphore.release(1);
          throw t;
        }
      }
      Poll<? extends T> p;
      try {
        p = running.poll(cx);
      } catch (Throwable t) {
        Cancel.afterFailure(running, t); // dropped: this future's cancel() will not reach it
        running = null;
        done = true;
        semaphore.release(1);
        throw t;
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      running = null;
      done = true;
      T v = p.value();
      if (v == null) {
        semaphore.release(1);
        throw new NullPointerException("the OnceCell initializer completed with null");
      }
      store(v);
      return Poll.ready(v);
    }

    @Override
    public void cancel() {
      if (done) {
        return;
      }
      done = true;
      Acquire a = acquire;
      acquire = null;
      if (a != null) {
        a.cancel();
      }
      Future<? extends T> f = running;
      running = null;
      if (f != null) {
        try {
          f.cancel();
        } finally {
          semaphore.release(1); // let the next waiter initialize
        }
      }
    }
  }

  @Override
  public String toString() {
    T v = value;
    return v == null ? "OnceCell{uninitialized}" : "OnceCell{" + v + "}";
  }
}
