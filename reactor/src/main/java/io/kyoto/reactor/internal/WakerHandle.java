package io.kyoto.reactor.internal;

import java.io.IOException;

/** Wakes a selector from any thread; the selector then reports the waker's token. */
public interface WakerHandle {
  /** Wakes the selector; coalesces with other wakes not yet observed. */
  void wake() throws IOException;
}
