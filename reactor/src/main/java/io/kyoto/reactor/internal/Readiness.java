package io.kyoto.reactor.internal;

/**
 * The readiness bits a selector reports for one event, and the interest bits a source is registered
 * with. Both are plain {@code int} masks so that the hot path never allocates.
 */
public final class Readiness {
  /** Interest in, or readiness for, reading (or accepting). */
  public static final int READABLE = 1;

  /** Interest in, or readiness for, writing (or a finished connect). */
  public static final int WRITABLE = 1 << 1;

  /** The read half is closed: the peer shut down its write half or the connection closed. */
  public static final int READ_CLOSED = 1 << 2;

  /** The write half is closed: the connection closed or was reset. */
  public static final int WRITE_CLOSED = 1 << 3;

  /** An error is pending on the source. */
  public static final int ERROR = 1 << 4;

  /** Priority (out-of-band) data is available. */
  public static final int PRIORITY = 1 << 5;

  private Readiness() {}
}
