package io.kyoto.runtime.process;

import io.kyoto.reactor.Backend;

/** The process contract on a runtime whose reactor is epoll: Kyoto's own pipes. */
class ProcessEpollTest extends ProcessContract {
  @Override
  Backend backend() {
    return Backend.EPOLL;
  }
}
