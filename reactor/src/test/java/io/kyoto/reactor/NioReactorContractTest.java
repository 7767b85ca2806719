package io.kyoto.reactor;

/** The reactor contract on the {@link Backend#NIO nio} backend, which runs everywhere. */
class NioReactorContractTest extends ReactorContractTest {
  @Override
  protected Backend backend() {
    return Backend.NIO;
  }
}
