package io.kyoto.runtime;

import java.util.Objects;

/**
 * The result of polling a {@link Future}: {@linkplain #isReady() ready} with a value, or
 * {@linkplain #isPending() pending}.
 *
 * <p>{@link #pending()} is a shared constant and {@link #ready(Object) ready(null)} is cached, so
 * polling a future that is not done, or a future of {@code Void}, allocates nothing.
 *
 * @param <T> the value's type
 * @apiNote Named after Rust's {@code std::task::Poll}; not to be confused with the reactor's {@code
 *     io.kyoto.reactor.Poll}, which waits for I/O readiness.
 */
public abstract sealed class Poll<T> permits Poll.Ready, Poll.Pending {
  private static final Pending<?> PENDING = new Pending<>();
  private static final Ready<?> READY_NULL = new Ready<>(null);

  private Poll() {}

  /**
   * {@return the shared pending result}
   *
   * @param <T> the value's type
   */
  @SuppressWarnings("unchecked") // Pending holds no T
  public static <T> Poll<T> pending() {
    return (Poll<T>) PENDING;
  }

  /**
   * {@return a ready result holding {@code value}}
   *
   * @param value the value, may be null
   * @param <T> the value's type
   */
  @SuppressWarnings("unchecked") // READY_NULL holds null, a valid T
  public static <T> Poll<T> ready(T value) {
    return value == null ? (Poll<T>) READY_NULL : new Ready<>(value);
  }

  /** {@return whether this is a ready result} */
  public abstract boolean isReady();

  /** {@return whether this is the pending result} */
  public final boolean isPending() {
    return !isReady();
  }

  /**
   * {@return the value of a ready result}
   *
   * @throws IllegalStateException if pending
   */
  public abstract T value();

  /** A ready result. */
  static final class Ready<T> extends Poll<T> {
    private final T value;

    Ready(T value) {
      this.value = value;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public T value() {
      return value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ready<?> r && Objects.equals(value, r.value);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(value);
    }

    @Override
    public String toString() {
      return "Ready(" + value + ")";
    }
  }

  /** The pending result. */
  static final class Pending<T> extends Poll<T> {
    @Override
    public boolean isReady() {
      return false;
    }

    @Override
    public T value() {
      throw new IllegalStateException("the poll is pending; there is no value yet");
    }

    @Override
    public String toString() {
      return "Pending";
    }
  }
}
