package io.kyoto.runtime.net;

import io.kyoto.reactor.Backend;

/** The net contract on the epoll reactor. */
class NetEpollTest extends NetContract {
  @Override
  Backend backend() {
    return Backend.EPOLL;
  }
}
