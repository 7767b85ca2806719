package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.internal.epoll.EpollTestHooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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

  /**
   * The poll contract again with {@code epoll_wait} and its millisecond timeout, the path taken
   * where {@code epoll_pwait2} is missing (libc before 2.35, Linux before 5.11) or refused by a
   * seccomp filter.
   */
  @Nested
  class PollTestsWithoutEpollPwait2 extends PollContract {
    @BeforeEach
    void useEpollWait() {
      EpollTestHooks.useEpollPwait2(false);
    }

    @AfterEach
    void restore() {
      EpollTestHooks.useEpollPwait2(true);
    }

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

  @Nested
  class PipeTests extends PipeContract {
    @Override
    protected Backend backend() {
      return Backend.EPOLL;
    }
  }
}
