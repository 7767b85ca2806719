package io.kyoto.runtime.process;

import io.kyoto.reactor.Backend;

/**
 * The process contract on a runtime whose reactor is nio: the JDK's pipes for children spawned on
 * it, Kyoto's own pipes (read on the blocking pool) for children spawned outside it while the JVM's
 * default backend is epoll.
 */
class ProcessNioTest extends ProcessContract {
  @Override
  Backend backend() {
    return Backend.NIO;
  }
}
