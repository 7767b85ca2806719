package io.kyoto.runtime.net;

import io.kyoto.reactor.Backend;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.io.IoDriver;
import io.kyoto.runtime.internal.io.RawStream;
import io.kyoto.runtime.internal.io.Registration;
import io.kyoto.runtime.internal.io.StreamCore;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Connects to each address in turn until one succeeds, as tokio's {@code TcpStream::connect}; fails
 * with the last error. Cancelling closes the socket being connected.
 *
 * @param <A> the address type
 * @param <S> the connected stream type
 */
final class Connecting<A, S> implements Future<S> {
  /** Starts a non-blocking connect. */
  interface Starter<A> {
    RawStream start(Backend backend, A address) throws IOException;
  }

  private final Iterator<A> addresses;
  private final Starter<A> starter;
  private final Function<StreamCore, S> wrap;
  private IoDriver driver;
  private StreamCore core;
  private IOException last;
  // The waker of the last pending poll, withdrawn on cancel; owned by the polling task.
  private Waker waiting;

  Connecting(List<A> addresses, Starter<A> starter, Function<StreamCore, S> wrap) {
    this.addresses = addresses.iterator();
    this.starter = starter;
    this.wrap = wrap;
  }

  @Override
  public Poll<S> poll(Context cx) throws IOException {
    if (driver == null) {
      driver = Registration.currentDriver();
    }
    while (true) {
      if (core == null) {
        if (!addresses.hasNext()) {
          throw last != null ? last : new IOException("could not resolve to any address");
        }
        A address = addresses.next();
        try {
          core = new StreamCore(driver, starter.start(driver.backend(), address));
        } catch (IOException e) {
          last = e;
          continue;
        }
      }
      try {
        if (core.pollConnect(cx).isPending()) {
          waiting = cx.waker();
          return Poll.pending();
        }
        waiting = null;
        StreamCore connected = core;
        core = null;
        return Poll.ready(wrap.apply(connected));
      } catch (IOException e) {
        last = e;
        closeQuietly();
      }
    }
  }

  private void closeQuietly() {
    StreamCore c = core;
    core = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // The connect failed or was abandoned; nothing to report about the socket itself.
      }
    }
  }

  @Override
  public void cancel() {
    // Withdraw first: closing wakes whatever still waits on the socket, here our own task.
    StreamCore c = core;
    Waker w = waiting;
    waiting = null;
    if (c != null) {
      c.withdrawWrite(w);
    }
    closeQuietly();
  }
}
