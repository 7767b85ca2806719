package io.kyoto.runtime.internal.io;

import io.kyoto.reactor.Backend;
import io.kyoto.reactor.Source;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.rt.CurrentRuntime;
import io.kyoto.runtime.internal.rt.RuntimeCore;
import java.io.IOException;

/**
 * One resource's link to the I/O driver: its source, its {@link ScheduledIo} and the driver.
 *
 * <p>The usual operation loop, for a read:
 *
 * <pre>{@code
 * while (true) {
 *   long ready = registration.pollReady(cx, ScheduledIo.READ_INTEREST);
 *   if (ready < 0) return Poll.pending();
 *   int n = source.read(dst);
 *   if (n == IoResult.WOULD_BLOCK) { registration.clearReadiness(ready, ScheduledIo.READABLE); continue; }
 *   return Poll.ready(null);
 * }
 * }</pre>
 */
public final class Registration {
  private final IoDriver driver;
  private final ScheduledIo io;
  private final Source source;
  private final boolean edgeTriggered;

  private Registration(IoDriver driver, ScheduledIo io, Source source) {
    this.driver = driver;
    this.io = io;
    this.source = source;
    this.edgeTriggered = driver.backend() == Backend.EPOLL;
  }

  /**
   * {@return the I/O driver of the current runtime}
   *
   * @throws IllegalStateException outside a runtime, or when its I/O is disabled (naming the
   *     builder call that enables it)
   */
  public static IoDriver currentDriver() {
    RuntimeCore core = CurrentRuntime.get();
    if (core == null) {
      throw new IllegalStateException(
          "there is no reactor running, must be called from the context of a Kyoto runtime");
    }
    IoDriver d = core.driver().io();
    if (d == null) {
      throw new IllegalStateException(
          "A Kyoto runtime was found, but IO is disabled. Call `enableIo` (or `enableAll`) on the"
              + " runtime builder to enable IO.");
    }
    return d;
  }

  /**
   * Registers {@code source} with {@code driver}; if that fails, closes the source (its owner never
   * got it) and rethrows.
   *
   * @param driver the driver (of the backend the source was created with)
   * @param source the source
   * @return the registration
   * @throws IOException if the reactor refuses it or the runtime is shutting down
   */
  public static Registration register(IoDriver driver, Source source) throws IOException {
    try {
      return new Registration(driver, driver.register(source), source);
    } catch (IOException | RuntimeException e) {
      try {
        source.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * {@return whether a short read or write proves the socket drained, so readiness may be cleared
   * at once} True on the epoll backend; the nio backend re-arms only on "would block".
   */
  public boolean shortTransferClears() {
    return edgeTriggered;
  }

  /**
   * Consumes one unit of coop budget and returns the readiness word if the resource is ready for
   * {@code interest}; else registers the task's waker and returns -1.
   *
   * @param cx the polling task's context
   * @param interest {@link ScheduledIo#READ_INTEREST} or {@link ScheduledIo#WRITE_INTEREST}
   * @return the readiness word, or -1 when pending (the task will be woken)
   * @throws IOException if the resource was closed ({@link
   *     java.nio.channels.ClosedChannelException}) or the runtime shut down its I/O driver
   */
  public long pollReady(Context cx, int interest) throws IOException {
    if (!cx.tryConsumeBudget()) {
      cx.waker().wake();
      return -1;
    }
    long w = io.pollReadiness(interest, cx.waker());
    if (w >= 0 && (w & ScheduledIo.TERMINAL) != 0) {
      if ((w & ScheduledIo.CLOSED) != 0) {
        throw new java.nio.channels.ClosedChannelException();
      }
      throw new IOException("A Kyoto runtime was shut down; its I/O driver is gone");
    }
    return w;
  }

  /**
   * Clears readiness after an operation would block, unless a newer event arrived.
   *
   * @param seen the word returned by {@link #pollReady}
   * @param bits {@link ScheduledIo#READABLE} and/or {@link ScheduledIo#WRITABLE}
   */
  public void clearReadiness(long seen, int bits) {
    io.clearReadiness(seen, bits);
  }

  /**
   * Withdraws the waker that a now-cancelled operation stored through {@link #pollReady}, so that
   * the cancelled task is neither kept reachable by this resource nor woken by its next event. Only
   * a slot that still holds {@code waker} is cleared; a newer waiter stays registered.
   *
   * <p>Waiters are told apart by their waker alone, and a runtime task's waker is the same object
   * at every poll (a context's waker may change between polls, so callers pass the waker of their
   * last pending poll): two operations of one task waiting on one direction of one resource share
   * the slot, so cancelling one withdraws the other's wake-up too. The resources allow one waiting
   * operation per direction, so this does not arise in correct use.
   *
   * @param interest {@link ScheduledIo#READ_INTEREST} or {@link ScheduledIo#WRITE_INTEREST}
   * @param waker the waker of the operation's last pending poll; null does nothing
   */
  public void withdraw(int interest, Waker waker) {
    if (waker != null) {
      io.withdraw(interest, waker);
    }
  }

  /** Deregisters the source (call before closing it). Idempotent. */
  public void deregister() {
    driver.deregister(source, io);
  }
}
