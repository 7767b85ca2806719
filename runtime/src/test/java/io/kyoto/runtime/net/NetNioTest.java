package io.kyoto.runtime.net;

import io.kyoto.reactor.Backend;

/** The net contract on the nio reactor. */
class NetNioTest extends NetContract {
  @Override
  Backend backend() {
    return Backend.NIO;
  }
}
