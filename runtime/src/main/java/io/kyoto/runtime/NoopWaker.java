package io.kyoto.runtime;

/** The waker that does nothing. */
final class NoopWaker implements Waker {
  static final NoopWaker INSTANCE = new NoopWaker();

  private NoopWaker() {}

  @Override
  public void wake() {}

  @Override
  public String toString() {
    return "Waker.noop()";
  }
}
