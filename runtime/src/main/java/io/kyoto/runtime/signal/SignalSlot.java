package io.kyoto.runtime.signal;

import io.kyoto.runtime.Waker;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One signal's delivery count and waiting wakers. The JVM's signal thread calls {@link #deliver()};
 * futures read {@link #generation()} and register their wakers under the monitor.
 */
final class SignalSlot {
  private final SignalKind kind;
  private final Set<Waker> waiters = new LinkedHashSet<>();
  private volatile long generation;
  private boolean installed; // under this

  SignalSlot(SignalKind kind) {
    this.kind = kind;
  }

  /** Installs the JVM handler once: from then on the signal no longer stops the JVM. */
  synchronized void install() {
    if (installed) {
      return;
    }
    JvmSignals.handle(kind.osName(), this::deliver);
    installed = true;
  }

  long generation() {
    return generation;
  }

  void deliver() {
    List<Waker> toWake;
    synchronized (this) {
      generation++;
      toWake = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waker w : toWake) {
      w.wake();
    }
  }

  /**
   * Registers {@code waker} unless a signal arrived after {@code seen}.
   *
   * @return true if registered (still waiting)
   */
  synchronized boolean await(long seen, Waker waker, Waker previous) {
    if (generation != seen) {
      return false;
    }
    if (previous != null && previous != waker) {
      waiters.remove(previous);
    }
    waiters.add(waker);
    return true;
  }

  synchronized void forget(Waker waker) {
    waiters.remove(waker);
  }
}
