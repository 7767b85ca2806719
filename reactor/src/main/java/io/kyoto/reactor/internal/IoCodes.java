package io.kyoto.reactor.internal;

/** Return codes shared by every backend's read and write operations. */
public final class IoCodes {
  /** End of stream: the peer shut down its write half (or closed). */
  public static final int EOF = -1;

  /** The operation would block: wait for the next readiness event. */
  public static final int WOULD_BLOCK = -2;

  private IoCodes() {}
}
