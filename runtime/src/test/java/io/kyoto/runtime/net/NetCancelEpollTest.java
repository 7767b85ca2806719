package io.kyoto.runtime.net;

import io.kyoto.reactor.Backend;

/** The cancellation contract of runtime sockets on the epoll reactor. */
class NetCancelEpollTest extends NetCancelContract {
  @Override
  Backend backend() {
    return Backend.EPOLL;
  }
}
