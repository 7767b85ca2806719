package io.kyoto.reactor;

import io.kyoto.reactor.internal.Readiness;

/**
 * The readiness a source is registered for: {@link #READABLE}, {@link #WRITABLE} or both.
 *
 * <p>Interest is never empty; to stop all events, {@linkplain Registry#deregister deregister} the
 * source. Instances are immutable and shared.
 */
public final class Interest {
  /** Readable: data to read, a connection to accept, or the read half closed. */
  public static final Interest READABLE = new Interest(Readiness.READABLE);

  /** Writable: space to write, or a non-blocking connect finished (successfully or not). */
  public static final Interest WRITABLE = new Interest(Readiness.WRITABLE);

  /** Both readable and writable. */
  public static final Interest READABLE_WRITABLE =
      new Interest(Readiness.READABLE | Readiness.WRITABLE);

  private final int bits;

  private Interest(int bits) {
    this.bits = bits;
  }

  private static Interest of(int bits) {
    return switch (bits) {
      case Readiness.READABLE -> READABLE;
      case Readiness.WRITABLE -> WRITABLE;
      default -> READABLE_WRITABLE;
    };
  }

  /**
   * Returns the union of this interest and {@code other}.
   *
   * @param other another interest
   * @return an interest with every readiness of both
   */
  public Interest add(Interest other) {
    return of(bits | other.bits);
  }

  /**
   * Returns this interest without {@code other}'s readiness.
   *
   * @param other the interest to remove
   * @return the rest, or null when nothing would be left (interest is never empty)
   */
  public Interest remove(Interest other) {
    int rest = bits & ~other.bits;
    return rest == 0 ? null : of(rest);
  }

  /** {@return whether this interest includes readable} */
  public boolean isReadable() {
    return (bits & Readiness.READABLE) != 0;
  }

  /** {@return whether this interest includes writable} */
  public boolean isWritable() {
    return (bits & Readiness.WRITABLE) != 0;
  }

  int bits() {
    return bits;
  }

  @Override
  public String toString() {
    return switch (bits) {
      case Readiness.READABLE -> "READABLE";
      case Readiness.WRITABLE -> "WRITABLE";
      default -> "READABLE | WRITABLE";
    };
  }
}
