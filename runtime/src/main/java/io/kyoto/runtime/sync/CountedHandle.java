package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The closed flag of one counted handle (a sender, or a watch receiver), so that closing a handle
 * twice counts once and a closed handle refuses to be used.
 */
abstract class CountedHandle {
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(CountedHandle.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile boolean closed;

  CountedHandle() {}

  /** {@return true exactly once: for the first close of this handle} */
  final boolean markClosed() {
    return !closed && CLOSED.compareAndSet(this, false, true);
  }

  /** {@return whether this handle was closed} */
  final boolean isHandleClosed() {
    return closed;
  }

  final void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this channel handle is closed");
    }
  }
}
