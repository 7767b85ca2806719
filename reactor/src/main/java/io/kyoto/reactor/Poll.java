package io.kyoto.reactor;

import io.kyoto.reactor.internal.CloseGuard;
import io.kyoto.reactor.internal.SelectorHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Polls for readiness events on the sources registered with its {@link Registry}.
 *
 * <p>This is the core of the reactor, as {@code mio::Poll} is of mio: register sources with {@link
 * #registry()}, then call {@link #poll(Events, Duration)} in a loop and perform the I/O that each
 * {@link Event} says is possible.
 *
 * <h2>Edge-triggered readiness and the draining rule</h2>
 *
 * <p>Readiness is <em>edge-triggered</em>: once an event says a source is readable, another
 * readable event for it is only guaranteed after an operation on it returned {@link
 * IoResult#WOULD_BLOCK} (or {@code null} for {@link TcpListener#accept()} and {@link
 * UdpSocket#receiveFrom}). So on every event, <b>drain the source</b>: read (or accept, or write
 * the pending output) until it would block. Stopping early — after one read, or when the buffer is
 * full — may leave data that never produces another event, and the connection hangs.
 *
 * <p>Events may be <em>spurious</em>: a source reported readable may return {@code WOULD_BLOCK}
 * straight away, and a poll may return with no events before its timeout. Treat every event as a
 * hint and rely on the operation's result.
 *
 * <p>
 *
 * {@snippet :
 * try (Poll poll = Poll.create(); TcpListener listener = TcpListener.bind(address)) {
 *   Token server = new Token(0);
 *   poll.registry().register(listener, server, Interest.READABLE);
 *   Events events = Events.withCapacity(256);
 *   while (true) {
 *     poll.poll(events, null);
 *     for (Event event : events) {
 *       if (event.tokenValue() == 0) {
 *         TcpStream stream;
 *         while ((stream = listener.accept()) != null) { // drain until would block
 *           // register the connection under a token of its own
 *         }
 *       }
 *     }
 *   }
 * }
 * }
 *
 * <h2>Threads</h2>
 *
 * <p>One thread at a time may call {@link #poll}; a second concurrent caller fails with {@link
 * IllegalStateException}. The {@link Registry}, the {@link Waker} and the sources may be used from
 * any thread, and {@link #close()} may be called from any thread: a thread blocked in {@code poll}
 * returns, and later polls fail.
 *
 * @apiNote Portability: on Linux the default backend is {@link Backend#EPOLL}; elsewhere, or
 *     without native access, {@link Backend#NIO}. Both pass the same contract tests; the {@code
 *     nio} backend reports fewer hints (see {@link Event}).
 */
public final class Poll implements AutoCloseable {
  private final Backend backend;
  private final SelectorHandle selector;
  private final CloseGuard guard = new CloseGuard();
  private final AtomicBoolean polling = new AtomicBoolean();
  private final AtomicBoolean wakerCreated = new AtomicBoolean();
  private final Registry registry;

  private Poll(Backend backend, SelectorHandle selector) {
    this.backend = backend;
    this.selector = selector;
    this.registry = new Registry(this);
  }

  /**
   * Creates a poll on the default backend, {@link Backend#current()}.
   *
   * @return a new poll
   * @throws IOException if the operating system refuses a new multiplexer (too many open files)
   */
  public static Poll create() throws IOException {
    return create(Backend.current());
  }

  /**
   * Creates a poll on the given backend.
   *
   * @param backend the backend; its sources are the only ones this poll accepts
   * @return a new poll
   * @throws IOException if the operating system refuses a new multiplexer
   * @throws IllegalStateException if the backend is unavailable here
   */
  public static Poll create(Backend backend) throws IOException {
    Objects.requireNonNull(backend, "backend");
    return new Poll(backend, backend.provider().openSelector());
  }

  /** {@return the registry to register, reregister and deregister sources with} */
  public Registry registry() {
    return registry;
  }

  /** {@return the backend of this poll and of the sources it accepts} */
  public Backend backend() {
    return backend;
  }

  /**
   * Waits for readiness events and stores them in {@code events}, which is cleared first.
   *
   * <p>Returns when at least one event is ready, the {@link Waker} is woken, the timeout elapses,
   * the poll is {@linkplain #close() closed}, or spuriously. Timeouts are rounded up to the
   * backend's resolution (one millisecond), never down, so a poll does not return early only to be
   * called again.
   *
   * <p><b>Blocking:</b> blocks the calling thread up to {@code timeout}.
   *
   * @param events the buffer to fill
   * @param timeout the longest wait; {@code null} waits until an event; {@link Duration#ZERO}
   *     returns at once
   * @throws IOException if the multiplexer fails
   * @throws IllegalStateException if another thread is polling, or the poll is closed
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public void poll(Events events, Duration timeout) throws IOException {
    long nanos = -1;
    if (timeout != null) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("poll timeout must not be negative: " + timeout);
      }
      nanos = saturatedNanos(timeout);
    }
    if (!polling.compareAndSet(false, true)) {
      throw new IllegalStateException("another thread is already polling this Poll");
    }
    try {
      if (!guard.acquire()) {
        throw new IllegalStateException("the Poll is closed");
      }
      try {
        selector.select(events.buffer(), nanos);
      } finally {
        if (guard.release()) {
          selector.close();
        }
      }
    } finally {
      polling.set(false);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@return whether {@link #close()} was called} */
  public boolean isClosed() {
    return guard.isClosed();
  }

  /**
   * Closes the poll: a thread blocked in {@link #poll} returns, and later calls fail. Registered
   * sources stay open (close them separately); they are no longer monitored. Idempotent; may be
   * called from any thread.
   *
   * @throws IOException if releasing the multiplexer fails
   */
  @Override
  public void close() throws IOException {
    if (!guard.acquire()) {
      return;
    }
    boolean last;
    try {
      guard.markClosed();
      selector.interrupt();
    } finally {
      last = guard.release();
    }
    if (last) {
      selector.close();
    }
  }

  // -- used by Registry and Waker ------------------------------------------------------------

  SelectorHandle enter() {
    if (!guard.acquire()) {
      throw new IllegalStateException("the Poll is closed");
    }
    return selector;
  }

  boolean tryEnter() {
    return guard.acquire();
  }

  void exit() throws IOException {
    if (guard.release()) {
      selector.close();
    }
  }

  boolean claimWaker() {
    return wakerCreated.compareAndSet(false, true);
  }

  /**
   * Gives back the claim of a {@link Waker#create} that failed, so that a later one may succeed.
   */
  void releaseWakerClaim() {
    wakerCreated.set(false);
  }

  @Override
  public String toString() {
    return "Poll{backend=" + backend.propertyValue() + (isClosed() ? ", closed}" : "}");
  }
}
