package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.WakerHandle;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The waker of a {@link NioSelector}: a pending flag plus {@link Selector#wakeup()}.
 *
 * <p>Protocol: (1) {@link #wake()} sets the flag and, if it was clear, wakes the JDK selector; (2)
 * the selecting thread, after its select returns, {@linkplain #consume() consumes} the flag and
 * reports one event with {@link #token()}; (3) a select that starts while the flag is set does not
 * block. Wakes that happen before the flag is consumed coalesce into one event.
 */
final class NioWaker implements WakerHandle {
  private final Selector selector;
  private final long token;

  /**
   * Set by {@link #wake()} on any thread, cleared by the selecting thread. Atomic: {@code
   * getAndSet} makes each wake observed by exactly one select and lets concurrent wakes skip the
   * redundant {@code wakeup()} system call.
   */
  private final AtomicBoolean pending = new AtomicBoolean();

  NioWaker(Selector selector, long token) {
    this.selector = selector;
    this.token = token;
  }

  @Override
  public void wake() {
    if (!pending.getAndSet(true)) {
      selector.wakeup();
    }
  }

  /** The token reported when woken. */
  long token() {
    return token;
  }

  /** Whether a wake has not been reported yet. */
  boolean isPending() {
    return pending.get();
  }

  /** Clears the flag; true if a wake was pending. Called by the selecting thread only. */
  boolean consume() {
    return pending.getAndSet(false);
  }

  @Override
  public String toString() {
    return "NioWaker{token=" + token + (pending.get() ? ", pending}" : "}");
  }
}
