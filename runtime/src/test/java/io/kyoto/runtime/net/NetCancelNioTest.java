package io.kyoto.runtime.net;

import io.kyoto.reactor.Backend;

/** The cancellation contract of runtime sockets on the nio reactor. */
class NetCancelNioTest extends NetCancelContract {
  @Override
  Backend backend() {
    return Backend.NIO;
  }
}
