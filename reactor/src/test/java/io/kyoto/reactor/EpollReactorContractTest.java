package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The reactor contract on the {@link Backend#EPOLL epoll} backend. */
class EpollReactorContractTest extends ReactorContractTest {
  /**
   * Skips the suite only off Linux. On Linux epoll must be available (the tests run with {@code
   * --enable-native-access}), so an unavailable backend fails every test with its cause instead of
   * quietly skipping them.
   */
  @BeforeAll
  static void epollIsAvailableOnLinux() {
    assumeTrue(ReactorTestSupport.isLinux(), "epoll exists only on Linux");
    Backend.EPOLL
        .unavailabilityCause()
        .ifPresent(cause -> fail("the epoll backend must be available on Linux: " + cause, cause));
  }

  @Override
  protected Backend backend() {
    return Backend.EPOLL;
  }
}
