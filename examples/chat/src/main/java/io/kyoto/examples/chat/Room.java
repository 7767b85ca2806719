package io.kyoto.examples.chat;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.sync.Broadcast;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.runtime.sync.LaggedException;
import io.kyoto.runtime.sync.RecvException;
import io.kyoto.runtime.sync.SendException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one chat room: a {@link Broadcast} channel every connection subscribes to, and the token that
 * tells them all to leave at shutdown.
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Room {
  /**
   * A line said in the room.
   *
   * @param from the id of the connection that said it (0: the server)
   * @param text what everyone sees, e.g. {@code guest-1: hello}
   */
  public record Said(long from, String text) {}

  private final Broadcast.Sender<Said> said;
  private final CancellationToken closing = new CancellationToken();
  private final AtomicLong lastId = new AtomicLong();
  private final AtomicInteger online = new AtomicInteger();
  private final LongAdder ticks = new LongAdder();

  /** Creates an empty room that keeps up to 1024 lines for slow connections. */
  public Room() {
    Broadcast.Channel<Said> channel = Broadcast.channel(1024);
    said = channel.tx();
    channel.rx().close(); // connections subscribe with said.subscribe()
  }

  /** {@return a new connection id, counted as online until {@link #leave}} */
  long join() {
    online.incrementAndGet();
    return lastId.incrementAndGet();
  }

  /** Counts a connection out. */
  void leave() {
    online.decrementAndGet();
  }

  /** {@return a receiver of everything said from now on} */
  Broadcast.Receiver<Said> subscribe() {
    return said.subscribe();
  }

  /**
   * {@return the next line {@code rx} hears; null once the room is closed} A connection that fell
   * behind hears a notice instead of the lines it missed (a failed branch would end its select).
   *
   * @param rx the connection's receiver
   */
  static Future<Said> next(Broadcast.Receiver<Said> rx) {
    return rx.recv()
        .recover(
            e -> {
              if (e instanceof LaggedException lagged) {
                return new Said(0, "(you missed " + lagged.skipped() + " lines)");
              }
              if (e instanceof RecvException) return null;
              throw e;
            });
  }

  /**
   * Tells everyone but {@code from} what {@code from} said.
   *
   * @param from the speaker's connection id
   * @param text the line as everyone sees it
   */
  public void say(long from, String text) {
    try {
      said.send(new Said(from, text));
    } catch (SendException nobody) {
      // an empty room: nothing to do
    }
  }

  /** {@return a future that completes when the room closes} */
  Future<Void> closing() {
    return closing.cancelled();
  }

  /** Closes the room: every connection says goodbye and leaves. */
  public void close() {
    closing.cancel();
  }

  /** Counts one tick of a connection's interval (they send nothing; this shows they run). */
  void tick() {
    ticks.increment();
  }

  /** {@return the number of connections online} */
  public int online() {
    return online.get();
  }

  /** {@return the number of interval ticks every connection has seen, together} */
  public long ticks() {
    return ticks.sum();
  }
}
