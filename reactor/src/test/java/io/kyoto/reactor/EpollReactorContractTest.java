package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The reactor contract suites on the {@link Backend#EPOLL epoll} backend. */
class EpollReactorContractTest {
  /**
   * Skips the suites only off Linux. On Linux epoll must be available (the tests run with {@code
   * --enable-native-access}), so an unavailable backend fails every test with its cause instead of
   * quietly skipping them. It runs once, before every {@link Nested} suite below.
   */
  @BeforeAll
  static void epollIsAvailableOnLinux() {
    assumeTrue(ReactorTestSupport.isLinux(), "epoll exists only on Linux");
    Backend.EPOLL
        .unavailabilityCause()
        .ifPresent(cause -> fail("the epoll backend must be available on Linux: " + cause, cause));
  }

  @Nested
  class PollTests extends PollContract {
    @Override
    protected Backend backend() {
      return Backend.EPOLL;
    }
  }

  @Nested
  class TcpTests extends TcpContract {
    @Override
    protected Backend backend() {
      return Backend.EPOLL;
    }
  }

  @Nested
  class UdpTests extends UdpContract {
    @Override
    protected Backend backend() {
      return Backend.EPOLL;
    }
  }

  @Nested
  class UnixTests extends UnixContract {
    @Override
    protected Backend backend() {
      return Backend.EPOLL;
    }
  }
}
