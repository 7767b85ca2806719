package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.EventBuffer;
import io.kyoto.reactor.internal.Readiness;
import io.kyoto.reactor.internal.SelectorHandle;
import io.kyoto.reactor.internal.SourceHandle;
import io.kyoto.reactor.internal.WakerHandle;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A {@link SelectorHandle} over a {@link java.nio.channels.Selector}, emulating edge-triggered
 * readiness on the level-triggered JDK selector (see the package documentation for the protocol).
 *
 * <p>Fields and their owners:
 *
 * <ul>
 *   <li>{@link #selectLock} is held by the polling thread for the whole of {@link #select}, and by
 *       a closing thread while it runs {@link #releaseCancelledKeys()}'s {@code selectNow}. It is
 *       fair, so a queued closing thread is not overtaken by the polling thread's next select (the
 *       JDK selector's own monitor is not fair, and a thread queued on it can wait behind select
 *       after select).
 *   <li>{@link #releaseWaiters} counts the closing threads that found {@link #selectLock} taken and
 *       wait for it. Atomic: several threads may close at once. While it is not zero, {@link
 *       #select} does not block, so that the polling thread cannot slip into a blocking select
 *       between a closing thread's wake-up and its joining the lock's queue.
 *   <li>{@link #out} is confined to the thread inside {@link #select}: the JDK calls {@link
 *       #onReady} on that thread, while it holds the selector's monitor.
 *   <li>{@link #selectingThread} is written by the selecting thread around the JDK select and read
 *       by any thread that arms an interest or registers. Volatile: a thread that changed a key
 *       must either see a select in progress (and wake it), or be ordered before the next select,
 *       which then applies the change itself (Dekker-style, with the JDK's update-queue lock).
 *   <li>{@link #interruptRequested} is set by {@link #interrupt()} on any thread and cleared by the
 *       selecting thread. Volatile: a select that starts after an interrupt must not block, even if
 *       a foreign {@code selectNow} consumed the JDK's own wake-up.
 *   <li>{@link #waker} is set once under this object's monitor and read by the selecting thread.
 *       Volatile: it is created on any thread.
 * </ul>
 */
final class NioSelector implements SelectorHandle {
  /** The action of foreign selects, which only release cancelled keys. */
  private static final Consumer<SelectionKey> IGNORE = key -> {};

  private final Selector selector;

  /** One action for every select: the hot path must not capture a lambda per call. */
  private final Consumer<SelectionKey> onReady = this::onReady;

  /** Held across every select on the JDK selector; fair (see the class documentation). */
  private final ReentrantLock selectLock = new ReentrantLock(true);

  private final AtomicInteger releaseWaiters = new AtomicInteger();

  /** The buffer being filled; only valid inside {@link #select}. */
  private EventBuffer out;

  private volatile Thread selectingThread;
  private volatile boolean interruptRequested;
  private volatile NioWaker waker;

  NioSelector(Selector selector) {
    this.selector = selector;
  }

  Selector jdkSelector() {
    return selector;
  }

  // -- registration --------------------------------------------------------------------------

  @Override
  public void register(SourceHandle source, long token, int interest) throws IOException {
    nio(source).register(this, token, interest);
    wakeupIfSelecting();
  }

  @Override
  public void reregister(SourceHandle source, long token, int interest) throws IOException {
    nio(source).reregister(this, token, interest);
    wakeupIfSelecting();
  }

  @Override
  public void deregister(SourceHandle source) throws IOException {
    // No wake-up: a select in progress ignores the detached key and the next one drops it.
    nio(source).deregister(this);
  }

  private static NioSource nio(SourceHandle source) {
    if (source instanceof NioSource s) {
      return s;
    }
    throw new IllegalArgumentException(
        "the " + source.backendName() + " backend's sources cannot be used with the nio backend");
  }

  // -- selection -----------------------------------------------------------------------------

  @Override
  public void select(EventBuffer out, long timeoutNanos) throws IOException {
    out.clear();
    NioWaker w;
    selectLock.lock();
    try {
      // Checked under the lock: a foreign selectNow (which may swallow a JDK wake-up) cannot run
      // between these checks and the select below.
      boolean now = timeoutNanos == 0 || releaseWaiters.get() != 0;
      if (interruptRequested) {
        interruptRequested = false;
        now = true;
      }
      w = waker;
      if (w != null && w.isPending()) {
        now = true;
      }
      this.out = out;
      selectingThread = Thread.currentThread();
      try {
        if (now) {
          selector.selectNow(onReady);
        } else if (timeoutNanos < 0) {
          selector.select(onReady);
        } else {
          selector.select(onReady, roundUpToMillis(timeoutNanos));
        }
      } finally {
        selectingThread = null;
        this.out = null;
      }
    } finally {
      selectLock.unlock();
    }
    if (w == null) {
      w = waker;
    }
    if (w != null && out.hasRoom() && w.consume()) {
      out.add(w.token(), Readiness.READABLE);
    }
  }

  /** Rounds up, so that a timed select never returns early only because of the rounding. */
  private static long roundUpToMillis(long nanos) {
    long millis = nanos / 1_000_000;
    return nanos % 1_000_000 == 0 ? millis : millis + 1;
  }

  /**
   * Reports one ready key and disarms what it reports. Runs on the selecting thread, inside the
   * JDK's select.
   */
  private void onReady(SelectionKey key) {
    assert Thread.currentThread() == selectingThread : "onReady outside select";
    EventBuffer o = out;
    if (!o.hasRoom() || !key.isValid() || !(key.attachment() instanceof NioRegistration)) {
      // No room: the key stays armed and ready, so the next select reports it.
      return;
    }
    try {
      int ready = key.readyOps() & key.interestOps();
      if (ready == 0) {
        return;
      }
      // Disarm what is reported. The user only sees the event after this select returns, so the
      // disarm always precedes the re-arm that follows the user's drain to "would block".
      key.interestOpsAnd(~ready);
      // Read the attachment after the disarm: a reregister that raced with it is reported under
      // its new token, and a deregister suppresses the event.
      if (!(key.attachment() instanceof NioRegistration r)) {
        return;
      }
      int bits = 0;
      if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
        bits |= Readiness.READABLE;
      }
      if ((ready & SelectionKey.OP_WRITE) != 0) {
        bits |= Readiness.WRITABLE;
      }
      if ((ready & SelectionKey.OP_CONNECT) != 0) {
        // A pending connect stands in for the whole interest (see NioStream).
        bits |= r.interest() & (Readiness.READABLE | Readiness.WRITABLE);
      }
      if (bits != 0) {
        o.add(r.token(), bits);
      }
    } catch (CancelledKeyException e) {
      // Closed concurrently: no event.
    }
  }

  /**
   * Wakes the selecting thread, if there is one and it is not the caller, so that it applies a key
   * change made by the caller. Cheap when nobody selects: one volatile read.
   */
  void wakeupIfSelecting() {
    Thread t = selectingThread;
    if (t != null && t != Thread.currentThread()) {
      selector.wakeup();
    }
  }

  /**
   * Makes the JDK close the descriptors of channels closed while registered: it defers that until a
   * select processes their cancelled keys. Called after a registered source is closed, from any
   * thread but the selecting one; when it returns, the descriptors are released.
   *
   * <p>Protocol: (1) take {@link #selectLock} if it is free; (2) otherwise a select is in progress
   * or about to start: count this thread in {@link #releaseWaiters} (from now on no select blocks),
   * wake the selector so a blocked select returns, and wait for the fair lock; (3) holding the
   * lock, run a {@code selectNow} whose action ignores every key. The JDK selector is
   * level-triggered, so the ignored readiness is reported again by the owner's next select; a JDK
   * wake-up this {@code selectNow} may consume is harmless, because {@link #select} checks the
   * waker and interrupt flags under the same lock before it blocks, and applies queued interest
   * changes when it starts.
   */
  void releaseCancelledKeys() {
    assert Thread.currentThread() != selectingThread : "close inside select";
    if (!selector.isOpen()) {
      return;
    }
    if (!selectLock.tryLock()) {
      releaseWaiters.incrementAndGet();
      try {
        selector.wakeup();
        selectLock.lock();
      } finally {
        releaseWaiters.decrementAndGet();
      }
    }
    try {
      selector.selectNow(IGNORE);
    } catch (ClosedSelectorException e) {
      // The Poll was closed meanwhile, which released every key.
    } catch (IOException e) {
      // Best effort: the channel is closed already; the owner's next select releases the
      // descriptor, and reports the selector's failure itself.
    } finally {
      selectLock.unlock();
    }
  }

  // -- waker, interrupt, close ---------------------------------------------------------------

  @Override
  public synchronized WakerHandle createWaker(long token) {
    if (waker != null) {
      throw new IllegalStateException("this selector already has a waker");
    }
    NioWaker w = new NioWaker(selector, token);
    waker = w;
    return w;
  }

  @Override
  public void interrupt() {
    interruptRequested = true;
    selector.wakeup();
  }

  @Override
  public void close() throws IOException {
    selector.close();
  }

  @Override
  public String toString() {
    return selector.isOpen() ? "NioSelector{open}" : "NioSelector{closed}";
  }
}
