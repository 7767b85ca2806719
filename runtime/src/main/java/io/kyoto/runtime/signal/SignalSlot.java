package io.kyoto.runtime.signal;

import io.kyoto.runtime.Waker;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One signal's delivery count and waiting wakers. The JVM's signal thread calls {@link #deliver()};
 * futures read {@link #generation()} and register their wakers under the monitor.
 */
final class SignalSlot {
  private final SignalKind kind;
  // Keyed by the waiting future, not by its waker: the futures of one task share the task's waker,
  // and cancelling one of them must not unregister the others.
  private final Map<Object, Waker> waiters = new IdentityHashMap<>();
  private volatile long generation;
  private boolean installed; // under this

  SignalSlot(SignalKind kind) {
    this.kind = kind;
  }

  private boolean ignored; // under this: the process ignores the signal (started so)
  private boolean warned; // under this

  /** Installs the JVM handler once: from then on the signal no longer stops the JVM. */
  synchronized void install() {
    if (installed) {
      return;
    }
    ignored = JvmSignals.handle(kind.osName(), this::deliver);
    installed = true;
  }

  /** {@return whether the process ignores this signal, so it is never delivered} After install. */
  synchronized boolean ignored() {
    return ignored;
  }

  /** Logs once that this signal is ignored by the process, if it is. After install. */
  synchronized void warnIfIgnored() {
    if (!ignored || warned) {
      return;
    }
    warned = true;
    System.getLogger("io.kyoto.runtime.signal")
        .log(
            System.Logger.Level.WARNING,
            "SIG"
                + kind.osName()
                + " is ignored by this process (it was started with the signal ignored, e.g."
                + " under nohup or in the background of a non-interactive shell), so it will"
                + " not be delivered; use SIGTERM or start the process in the foreground");
  }

  long generation() {
    return generation;
  }

  void deliver() {
    List<Waker> toWake;
    synchronized (this) {
      generation++;
      toWake = new ArrayList<>(waiters.values());
      waiters.clear();
    }
    for (Waker w : toWake) {
      w.wake();
    }
  }

  /**
   * Registers {@code waker} for {@code owner} (replacing the waker of its previous poll) unless a
   * signal arrived after {@code seen}.
   *
   * @return true if registered (still waiting)
   */
  synchronized boolean await(long seen, Object owner, Waker waker) {
    if (generation != seen) {
      return false;
    }
    waiters.put(owner, waker);
    return true;
  }

  /** Unregisters {@code owner}'s waker, leaving those of other futures (of the same task too). */
  synchronized void forget(Object owner) {
    waiters.remove(owner);
  }
}
