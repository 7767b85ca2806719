package io.kyoto.runtime.signal;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.stream.Stream;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Futures and streams that complete or yield when the process receives a signal: tokio's {@code
 * signal::ctrl_c} and {@code signal::unix}.
 *
 * <p>The first call for a signal installs a JVM handler for it, which <em>replaces</em> the JVM's
 * default behaviour for the rest of the process's life, as in tokio: after {@link #ctrlC()} has
 * been called, Ctrl-C no longer stops the JVM by itself; the program decides (typically: stop
 * accepting, drain, exit). A future completes for the first signal delivered after it was created;
 * every waiting future sees each signal.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK build),
 * so the JVM's own signal thread delivers signals; no native code is involved.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Signals {
  private static final Map<SignalKind, SignalSlot> SLOTS = new EnumMap<>(SignalKind.class);

  static {
    for (SignalKind k : SignalKind.values()) {
      SLOTS.put(k, new SignalSlot(k));
    }
  }

  private Signals() {}

  /**
   * {@return a future of the next Ctrl-C ({@code SIGINT})}
   *
   * <p><b>Cancel safety:</b> cancel safe: a cancelled future consumes no signal; other waiters
   * still see it.
   *
   * @throws IllegalArgumentException if the JVM refuses to handle the signal (for example, when
   *     started with {@code -Xrs})
   */
  public static Future<Void> ctrlC() {
    return signal(SignalKind.INTERRUPT);
  }

  /**
   * {@return a future of the next Ctrl-C or {@code SIGTERM}, whichever comes first: the usual
   * trigger of a graceful shutdown}
   *
   * <p>A process started in the background of a non-interactive shell (or under {@code nohup})
   * ignores Ctrl-C for good; it still stops on {@code SIGTERM}, so this future logs no warning
   * then, where {@link #ctrlC()} warns that it can never complete.
   *
   * <p><b>Cancel safety:</b> cancel safe.
   */
  public static Future<Void> shutdown() {
    return new SignalFuture(SLOTS.get(SignalKind.INTERRUPT), SLOTS.get(SignalKind.TERMINATE));
  }

  /**
   * {@return a future of the next delivery of {@code kind}}
   *
   * <p><b>Cancel safety:</b> cancel safe.
   *
   * @param kind the signal
   */
  public static Future<Void> signal(SignalKind kind) {
    return new SignalFuture(SLOTS.get(Objects.requireNonNull(kind, "kind")), null);
  }

  /**
   * {@return the deliveries of {@code kind} from now on, as a stream that never ends: tokio's
   * {@code signal::unix::Signal} and its {@code recv()}} Unlike a loop over {@link #signal}, which
   * misses a signal delivered between one future's completion and the next one's creation, the
   * stream remembers that a signal arrived since its previous item. As in tokio, deliveries that
   * arrive before the stream is polled again are coalesced into one item.
   *
   * {@snippet :
   * Signals.stream(SignalKind.HANGUP).forEach(hup -> reloadConfiguration());
   * }
   *
   * <p><b>Cancel safety:</b> cancel safe: a cancelled {@code next()} consumes no delivery; the
   * stream still yields it.
   *
   * @param kind the signal
   */
  public static Stream<SignalKind> stream(SignalKind kind) {
    return new SignalStream(SLOTS.get(Objects.requireNonNull(kind, "kind")), kind);
  }

  /**
   * Delivers {@code kind} to this process's handlers as if the operating system had sent it (for
   * tests). Installs the handler first, so the JVM does not act on the signal itself.
   *
   * @param kind the signal
   */
  public static void raise(SignalKind kind) {
    SignalSlot slot = SLOTS.get(Objects.requireNonNull(kind, "kind"));
    slot.install();
    slot.warnIfIgnored();
    JvmSignals.raise(kind.osName());
  }

  /** Waits for either of one or two slots; generations are captured at creation. */
  private static final class SignalFuture implements Future<Void> {
    private final SignalSlot first;
    private final SignalSlot second;
    private final long firstSeen;
    private final long secondSeen;
    private boolean registered;

    SignalFuture(SignalSlot first, SignalSlot second) {
      first.install();
      if (second == null) {
        first.warnIfIgnored();
      } else {
        second.install();
        // Either signal ends the wait (shutdown(): Ctrl-C or SIGTERM): a server started in the
        // background has SIGINT ignored and still stops on SIGTERM, so warn only if both are.
        if (first.ignored() && second.ignored()) {
          first.warnIfIgnored();
          second.warnIfIgnored();
        }
      }
      this.first = first;
      this.second = second;
      this.firstSeen = first.generation();
      this.secondSeen = second == null ? 0 : second.generation();
    }

    @Override
    public Poll<Void> poll(Context cx) {
      Waker w = cx.waker();
      boolean waiting = first.await(firstSeen, this, w);
      if (waiting && second != null) {
        waiting = second.await(secondSeen, this, w);
      }
      registered = true;
      if (!waiting) {
        cancel();
        return Poll.ready(null);
      }
      return Poll.pending();
    }

    @Override
    public void cancel() {
      if (registered) {
        first.forget(this);
        if (second != null) {
          second.forget(this);
        }
        registered = false;
      }
    }
  }

  /** The stream behind {@link #stream}: keeps the generation of its last item between polls. */
  private static final class SignalStream implements Stream<SignalKind> {
    private final SignalSlot slot;
    private final SignalKind kind;
    private long seen;

    SignalStream(SignalSlot slot, SignalKind kind) {
      slot.install();
      slot.warnIfIgnored();
      this.slot = slot;
      this.kind = kind;
      this.seen = slot.generation();
    }

    @Override
    public Poll<SignalKind> pollNext(Context cx) {
      if (slot.await(seen, this, cx.waker())) {
        return Poll.pending();
      }
      slot.forget(this);
      seen = slot.generation(); // what arrived up to now is this item (coalesced, as tokio)
      return Poll.ready(kind);
    }

    @Override
    public void cancel() {
      slot.forget(this);
    }
  }
}
