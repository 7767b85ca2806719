package io.kyoto.reactor;

import org.junit.jupiter.api.Nested;

/** The reactor contract suites on the {@link Backend#NIO nio} backend, which runs everywhere. */
class NioReactorContractTest {
  @Nested
  class PollTests extends PollContract {
    @Override
    protected Backend backend() {
      return Backend.NIO;
    }
  }

  @Nested
  class TcpTests extends TcpContract {
    @Override
    protected Backend backend() {
      return Backend.NIO;
    }
  }

  @Nested
  class UdpTests extends UdpContract {
    @Override
    protected Backend backend() {
      return Backend.NIO;
    }
  }

  @Nested
  class UnixTests extends UnixContract {
    @Override
    protected Backend backend() {
      return Backend.NIO;
    }
  }

  @Nested
  class PipeTests extends PipeContract {
    @Override
    protected Backend backend() {
      return Backend.NIO;
    }
  }
}
