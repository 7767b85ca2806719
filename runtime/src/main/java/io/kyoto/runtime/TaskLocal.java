package io.kyoto.runtime;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A value bound for the duration of a future, as tokio's {@code task_local!} and shaped like {@link
 * ScopedValue}: {@link #scope(Object, Future)} binds a value while the future is polled, and code
 * running inside reads it with {@link #get()}.
 *
 * <p>Tasks spawned inside the scope do <em>not</em> inherit the value (a spawned task is polled by
 * the scheduler, outside the scope), as in tokio.
 *
 * <p>
 *
 * {@snippet :
 * static final TaskLocal<String> REQUEST_ID = TaskLocal.create();
 *
 * Future<Response> handle(Request r) {
 *   // service code calls REQUEST_ID.get(), also before it returns its future
 *   return REQUEST_ID.scope(r.id(), Futures.lazy(() -> service.call(r)));
 * }
 * }
 *
 * <p>The value is bound while the future is polled (and cancelled), not while it is built: {@code
 * scope(id, service.call(r))} runs {@code call} before the scope exists, so a {@code get()} in its
 * synchronous part fails. {@link Futures#lazy} builds the future at its first poll, inside the
 * scope.
 *
 * @param <T> the value's type
 */
public final class TaskLocal<T> {
  private final ThreadLocal<Object> current = new ThreadLocal<>();

  private TaskLocal() {}

  /**
   * {@return a new task-local key}
   *
   * @param <T> the value's type
   */
  public static <T> TaskLocal<T> create() {
    return new TaskLocal<>();
  }

  /**
   * {@return a future that polls {@code future} with this key bound to {@code value}} Cancelling it
   * cancels {@code future} with the key bound as well, as tokio drops the future in its scope.
   *
   * @param value the value, not null
   * @param future the future to run in the scope
   * @param <R> the future's value type
   */
  public <R> Future<R> scope(T value, Future<R> future) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(future, "future");
    return new Future<>() {
      @Override
      public Poll<R> poll(Context cx) throws Exception {
        Object saved = enter(value);
        try {
          return future.poll(cx);
        } finally {
          exit(saved);
        }
      }

      // Inside the scope too, as tokio drops the inner future inside it: cleanup sees the value.
      @Override
      public void cancel() {
        Object saved = enter(value);
        try {
          future.cancel();
        } finally {
          exit(saved);
        }
      }
    };
  }

  /** Binds {@code value} on this thread and returns the value it replaces, for {@link #exit}. */
  private Object enter(T value) {
    Object saved = current.get();
    current.set(value);
    return saved;
  }

  private void exit(Object saved) {
    if (saved == null) {
      current.remove();
    } else {
      current.set(saved);
    }
  }

  /**
   * {@return the value bound by the innermost enclosing {@link #scope}}
   *
   * @throws NoSuchElementException outside a scope of this key
   */
  @SuppressWarnings("unchecked") // only values of type T are ever stored
  public T get() {
    Object v = current.get();
    if (v == null) {
      throw new NoSuchElementException("this TaskLocal is not bound: call get() inside scope()");
    }
    return (T) v;
  }

  /** {@return whether a value is bound on this thread right now} */
  public boolean isBound() {
    return current.get() != null;
  }
}
