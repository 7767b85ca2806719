package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.SourceHandle;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * The registration state shared by every nio handle: which selector the channel is registered with,
 * under which token, for which interest, and how to re-arm an interest after "would block".
 *
 * <p>Fields and their owners:
 *
 * <ul>
 *   <li>{@link #registration} is written only while holding this object's monitor (by {@code
 *       register}, {@code reregister}, {@code deregister}, {@code close} and the subclasses'
 *       connect completion) and read without a lock by any thread that re-arms. Volatile: a thread
 *       that gets "would block" must see the registration published by another thread's {@code
 *       register}, or it would skip the re-arm and the source would never be reported again.
 *   <li>{@link #key} and {@link #keySelector} are guarded by this object's monitor. The key is kept
 *       after {@code deregister} (with an empty interest set) because the JDK refuses to register a
 *       channel again with a selector that has not yet processed a cancelled key.
 * </ul>
 *
 * <p>Subclasses map the user's interest to JDK operations in {@link #opsFor(int)}, which any thread
 * may call without a lock.
 */
abstract sealed class NioSource implements SourceHandle
    permits NioStream, NioListener, NioDatagram, NioPipe {
  private final SelectableChannel channel;

  /** The current registration, or null; see the class documentation. */
  private volatile NioRegistration registration;

  /** The channel's only JDK key, kept across deregister; guarded by {@code this}. */
  private SelectionKey key;

  /** The selector of {@link #key}; guarded by {@code this}. */
  private NioSelector keySelector;

  NioSource(SelectableChannel channel) {
    this.channel = channel;
  }

  /**
   * The JDK operations that implement {@code interest} in the channel's current state. Called from
   * any thread without a lock.
   *
   * @param interest {@code Readiness.READABLE} and/or {@code Readiness.WRITABLE} bits
   * @return {@link SelectionKey} operation bits
   */
  abstract int opsFor(int interest);

  // -- registration (called by NioSelector) --------------------------------------------------

  final synchronized void register(NioSelector selector, long token, int interest)
      throws IOException {
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
    NioRegistration current = registration;
    if (current != null && current.key().isValid()) {
      throw new IOException(
          "the source is already registered with a Poll; use reregister, or deregister first");
    }
    SelectionKey k = key;
    if (k != null && (keySelector != selector || !k.isValid())) {
      // Moving to another selector: drop the disarmed key held by the old one, so that the channel
      // has a single key and closing it releases the descriptor promptly.
      NioSelector old = keySelector;
      k.cancel();
      key = null;
      keySelector = null;
      old.releaseCancelledKeys();
      k = null;
    }
    if (k == null) {
      // Registered with no operations first: the attachment must be in place before the key can
      // be selected, or the selecting thread would see a ready key it cannot report.
      k = channel.register(selector.jdkSelector(), 0, null);
      key = k;
      keySelector = selector;
    }
    publishAndArm(new NioRegistration(selector, k, token, interest));
  }

  final synchronized void reregister(NioSelector selector, long token, int interest)
      throws IOException {
    NioRegistration current = checkRegistered(selector);
    publishAndArm(new NioRegistration(selector, current.key(), token, interest));
  }

  final synchronized void deregister(NioSelector selector) throws IOException {
    NioRegistration current = checkRegistered(selector);
    registration = null;
    SelectionKey k = current.key();
    k.attach(null);
    try {
      k.interestOps(0);
    } catch (CancelledKeyException e) {
      // Closed concurrently: the key is gone anyway.
    }
  }

  private NioRegistration checkRegistered(NioSelector selector) throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    NioRegistration current = registration;
    if (current == null || current.selector() != selector) {
      throw new IOException("the source is not registered with this Poll");
    }
    return current;
  }

  /** Attaches {@code r} to its key, publishes it, and arms its whole interest. Holds the lock. */
  private void publishAndArm(NioRegistration r) throws IOException {
    SelectionKey k = r.key();
    k.attach(r);
    registration = r;
    try {
      // A plain set, not an OR: reregister drops operations that are no longer wanted.
      k.interestOps(opsFor(r.interest()));
    } catch (CancelledKeyException e) {
      registration = null;
      throw new ClosedChannelException();
    }
  }

  // -- edge emulation ------------------------------------------------------------------------

  /**
   * Re-arms the part of the user's interest in {@code readiness} after an operation returned "would
   * block". Lock-free and allocation-free; a no-op when the source is not registered.
   *
   * @param readiness {@code Readiness} bits, e.g. {@code READABLE}
   */
  final void rearm(int readiness) {
    NioRegistration r = registration;
    if (r != null) {
      int wanted = r.interest() & readiness;
      if (wanted != 0) {
        r.arm(opsFor(wanted));
      }
    }
  }

  /**
   * Replaces the armed operations with the whole interest, recomputed by {@link #opsFor}: used when
   * the channel's state changes what the interest maps to (a connect completes).
   */
  final synchronized void rearmAll() {
    NioRegistration r = registration;
    if (r == null) {
      return;
    }
    try {
      r.key().interestOps(opsFor(r.interest()));
      r.selector().wakeupIfSelecting();
    } catch (CancelledKeyException e) {
      // Closed concurrently.
    }
  }

  // -- SourceHandle --------------------------------------------------------------------------

  @Override
  public final boolean isOpen() {
    return channel.isOpen() || (!closedByOwner && closedByJdk());
  }

  /**
   * {@return whether the JDK closed the channel on its own, which the owner has not seen as a
   * close} A failed connect: the JDK closes the channel, where a raw socket (and the epoll backend)
   * stays open until its owner closes it. The source then stays open to its owner: it can still be
   * deregistered and closed, and reads report the end of the stream.
   */
  boolean closedByJdk() {
    return false;
  }

  private volatile boolean closedByOwner;

  /**
   * Closes the channel, which cancels its key, then makes the selector release the descriptor at
   * once (the JDK defers closing a registered channel's descriptor until its selector runs).
   */
  @Override
  public final void close() throws IOException {
    closedByOwner = true;
    channel.close();
    NioSelector owner;
    synchronized (this) {
      owner = keySelector;
      key = null;
      keySelector = null;
      registration = null;
    }
    if (owner != null) {
      owner.releaseCancelledKeys();
    }
  }

  @Override
  public final String backendName() {
    return NioProvider.NAME;
  }
}
