package io.kyoto.runtime.tls;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingConsumer;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The future of {@link TlsConnector#connect} and {@link TlsAcceptor#accept}: creates the engine at
 * the first poll, drives the handshake, runs the check on the new session (if any; the stream is
 * handed out only if it passes), and closes the stream it owns if any of that fails or the future
 * is cancelled before it completes.
 */
final class Handshake<S extends AsyncRead & AsyncWrite> implements Future<TlsStream<S>> {
  private final S stream;
  private final ThrowingSupplier<SSLEngine> engineFactory;
  private final ThrowingConsumer<SSLSession> check;
  private TlsStream<S> tls;
  private boolean done;

  Handshake(S stream, ThrowingSupplier<SSLEngine> engineFactory) {
    this(stream, engineFactory, null);
  }

  Handshake(
      S stream, ThrowingSupplier<SSLEngine> engineFactory, ThrowingConsumer<SSLSession> check) {
    this.stream = stream;
    this.engineFactory = engineFactory;
    this.check = check;
  }

  @Override
  public Poll<TlsStream<S>> poll(Context cx) throws Exception {
    try {
      if (tls == null) {
        SSLEngine engine = engineFactory.get();
        engine.beginHandshake();
        tls = new TlsStream<>(stream, engine);
      }
      if (!tls.pollHandshake(cx)) {
        return Poll.pending();
      }
      if (check != null) {
        check.accept(tls.session());
      }
    } catch (Exception | Error e) {
      closeStream();
      throw e;
    }
    done = true;
    return Poll.ready(tls);
  }

  @Override
  public void cancel() {
    if (!done) {
      closeStream();
    }
  }

  private void closeStream() {
    done = true;
    if (tls != null) {
      tls.close();
    } else if (stream instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort: the handshake failed or was abandoned
      }
    }
  }
}
