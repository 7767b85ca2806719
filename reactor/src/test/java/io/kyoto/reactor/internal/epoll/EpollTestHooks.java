package io.kyoto.reactor.internal.epoll;

/** Switches of the epoll backend for tests in other packages. */
public final class EpollTestHooks {
  private EpollTestHooks() {}

  /**
   * Turns {@code epoll_pwait2} off (the {@code epoll_wait} fallback with a millisecond timeout) or
   * back on where libc has it.
   *
   * @param enabled whether to use it
   */
  public static void useEpollPwait2(boolean enabled) {
    Syscalls.useEpollPwait2(enabled);
  }
}
