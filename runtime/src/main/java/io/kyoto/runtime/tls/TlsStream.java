package io.kyoto.runtime.tls;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A TLS session over an asynchronous stream: tokio-rustls's {@code TlsStream}. Reads give the
 * peer's decrypted bytes; writes are encrypted into records and sent on the inner stream.
 *
 * <p>Obtained from {@link TlsConnector#connect} or {@link TlsAcceptor#accept} once the handshake is
 * done. Later handshake messages (TLS 1.3 session tickets and key updates) are handled inside reads
 * and writes.
 *
 * <h2>Writes, flushes and closing</h2>
 *
 * <p>A write completes once its bytes are encrypted; the records are sent as the inner stream
 * accepts them, and {@link #pollFlush} waits until they are all sent (then flushes the inner
 * stream). A read also sends what is pending before it waits, so a request written without a flush
 * still reaches the peer; if that send fails (the peer stopped reading and closed), the read goes
 * on with what the peer sent, and the next write, flush or shutdown fails with the send's error.
 *
 * <p>{@link #pollShutdown} sends {@code close_notify} and shuts down the inner stream's write side;
 * {@link #closeAsync()} does that, then {@link #close()} closes the inner stream. A peer's {@code
 * close_notify} is end of stream for reads. After it, a flush or shutdown that fails to send our
 * own {@code close_notify} (under TLS 1.2 the JDK queues one in reply) because the peer has gone
 * succeeds, as in tokio-rustls: nobody is left to read it. If application data written before was
 * still unsent, they fail: that data was lost. A peer that closes the connection without one fails
 * the read with {@link EOFException}: the data may have been truncated by an attacker.
 *
 * <p><b>Thread safety:</b> one task uses a stream at a time (it may read and write from that task,
 * in a {@code join} or {@code select}).
 *
 * @param <S> the inner stream's type
 */
public final class TlsStream<S extends AsyncRead & AsyncWrite>
    implements AsyncRead, AsyncWrite, AsyncCloseable {
  // Never written to: the engine only reads from an empty buffer.
  private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

  // Reused by pollWrite so a plain write allocates nothing; one task uses a stream at a time.
  private final ByteBuffer[] single = new ByteBuffer[1];

  private final S inner;
  private final SSLEngine engine;
  private ByteBuffer netIn; // ciphertext from the peer, write mode (position = bytes held)
  private ByteBuffer netOut; // ciphertext for the peer, write mode
  private ByteBuffer appIn; // plaintext not yet read, write mode
  private boolean inboundDone; // close_notify received
  private boolean closeNotifySent;
  private boolean innerShutDown;
  private boolean closed;
  // A send of buffered records that failed inside a read: the read goes on (the peer's answer may
  // already be here), and the next write, flush or shutdown reports it.
  private IOException sendFailure;
  // How many of netOut's bytes come before our first closing record (close_notify, or the alert
  // the engine ends with), or -1 while none is queued. When the peer has said goodbye and only
  // closing records are left unsent, a failure to send them is no error: nobody will read them.
  private int dataBeforeClose = -1;

  TlsStream(S inner, SSLEngine engine) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.engine = engine;
    SSLSession s = engine.getSession();
    netIn = ByteBuffer.allocate(s.getPacketBufferSize());
    netOut = ByteBuffer.allocate(s.getPacketBufferSize());
    appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
  }

  /** {@return the stream this session runs over} Reading or writing it directly breaks TLS. */
  public S inner() {
    return inner;
  }

  /** {@return the negotiated session: protocol, cipher suite, peer certificates} */
  public SSLSession session() {
    return engine.getSession();
  }

  /**
   * {@return the ALPN protocol both sides chose (for example {@code "http/1.1"}), or {@code null}
   * if none was negotiated}
   */
  public String applicationProtocol() {
    String p = engine.getApplicationProtocol();
    return p == null || p.isEmpty() ? null : p;
  }

  // ---- the handshake -------------------------------------------------------------------------

  /**
   * Drives the handshake (and, later, any post-handshake message the engine asks to answer).
   *
   * @return true when no handshake step is left and what it produced is sent; false when waiting (a
   *     wake-up is arranged)
   */
  boolean pollHandshake(Context cx) throws IOException {
    try {
      while (true) {
        switch (engine.getHandshakeStatus()) {
          case NEED_TASK -> runTasks();
          case NEED_WRAP -> {
            SSLEngineResult r = wrapNothing();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              // The engine's last record (a close_notify or an alert): send it, then stop.
              if (!flushNet(cx)) {
                return false;
              }
              if (r.bytesProduced() == 0
                  && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                throw new SSLException("the TLS session is closed");
              }
            }
          }
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            if (!flushNet(cx)) {
              return false; // our flight must reach the peer before we wait for its answer
            }
            SSLEngineResult r = unwrap();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
              int n = fillNet(cx);
              if (n == 0) {
                return false;
              }
              if (n < 0) {
                throw new EOFException("the peer closed the connection during the TLS handshake");
              }
            } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new SSLException("the peer closed the TLS session during the handshake");
            }
          }
          default -> { // FINISHED, NOT_HANDSHAKING
            return flushNet(cx);
          }
        }
      }
    } catch (SSLException e) {
      sendAlertQuietly(cx);
      throw e;
    }
  }

  /** After a failed step the engine may hold an alert for the peer: try to send it, once. */
  private void sendAlertQuietly(Context cx) {
    try {
      if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
        wrapNothing();
      }
      flushNet(cx);
    } catch (IOException | RuntimeException ignored) {
      // the connection is failing anyway; the original exception is what matters
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  @Override
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    ensureOpen();
    if (!dst.hasRemaining()) {
      return Poll.ready(null);
    }
    while (true) {
      if (appIn.position() > 0) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(dst.position(), appIn, appIn.position(), n);
        dst.position(dst.position() + n);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return Poll.ready(null);
      }
      if (inboundDone) {
        return Poll.ready(null); // close_notify: end of stream
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
        // A post-handshake message to answer (a KeyUpdate the peer asked for). Once the answer is
        // produced it goes out with the writes: a read must not wait until it has left, since a
        // peer that reads only after it has sent would then never be read from.
        if (!pollHandshake(cx) && answerPending()) {
          return Poll.pending();
        }
        continue;
      }
      SSLEngineResult r = unwrap();
      switch (r.getStatus()) {
        case OK -> {
          if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && needMoreInput(cx)) {
            return Poll.pending();
          }
        }
        case BUFFER_UNDERFLOW -> {
          if (needMoreInput(cx)) {
            return Poll.pending();
          }
        }
        case CLOSED -> {
          inboundDone = true;
          if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            sendAlertQuietly(cx); // our close_notify in reply, if we can send it now
          }
        }
        default -> throw new IllegalStateException("unexpected unwrap status " + r.getStatus());
      }
    }
  }

  private boolean answerPending() {
    HandshakeStatus hs = engine.getHandshakeStatus();
    return hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP;
  }

  /**
   * Sends what is pending, then reads more ciphertext.
   *
   * @return true if waiting (a wake-up is arranged)
   */
  private boolean needMoreInput(Context cx) throws IOException {
    // A request written without a flush must reach the peer before we wait. If the peer stopped
    // reading and closed (an early answer to an upload), sending fails, but what it sent before
    // closing is still to be read.
    if (sendFailure == null) {
      try {
        flushNet(cx);
      } catch (IOException e) {
        sendFailure = e;
      }
    }
    int n = fillNet(cx);
    if (n == 0) {
      return true;
    }
    if (n < 0) {
      throw new EOFException(
          "the TLS peer closed the connection without close_notify: the data may be truncated");
    }
    return false;
  }

  /**
   * Forwards to the inner stream's read side, where a read waits for records. A read that also
   * waited to flush ciphertext left a wake-up on the inner write side too; it is not withdrawn, as
   * that side may hold a live write of the same task whose wake-up would be lost.
   */
  @Override
  public void withdrawRead(Waker waker) {
    inner.withdrawRead(waker);
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Forwards to the inner stream's write side (see {@link #withdrawRead}). */
  @Override
  public void withdrawWrite(Waker waker) {
    inner.withdrawWrite(waker);
  }

  @Override
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    single[0] = src;
    try {
      return pollWriteVectored(cx, single, 0, 1);
    } finally {
      single[0] = null;
    }
  }

  /**
   * Encrypts bytes from several buffers, in order, into one record (up to the record size limit, 16
   * KiB of plaintext): an HTTP head and its body go out together, rather than one record for each
   * buffer.
   */
  @Override
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    ensureOpen();
    if (closeNotifySent) {
      throw new IOException("the TLS stream is shut down for writing");
    }
    long remaining = remaining(srcs, offset, length);
    if (remaining == 0) {
      return Poll.ready(null);
    }
    if (netOut.position() > 0 && !flushNet(cx)) {
      return Poll.pending(); // keep at most one batch of records buffered
    }
    HandshakeStatus hs = engine.getHandshakeStatus();
    if (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED) {
      if (!pollHandshake(cx)) {
        return Poll.pending();
      }
    }
    SSLEngineResult r = wrap(srcs, offset, length);
    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
      throw new IOException("the TLS session is closed");
    }
    if (remaining(srcs, offset, length) == remaining) {
      throw new IllegalStateException("the TLS engine took no bytes: " + r);
    }
    flushNet(cx); // start sending; what the inner stream does not take now stays buffered
    return Poll.ready(null);
  }

  /** {@return true: {@link #pollWriteVectored} puts several buffers in one record} */
  @Override
  public boolean isWriteVectored() {
    return true;
  }

  private static long remaining(ByteBuffer[] srcs, int offset, int length) {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += srcs[i].remaining();
    }
    return n;
  }

  @Override
  public Poll<Void> pollFlush(Context cx) throws IOException {
    ensureOpen();
    if (!flushNet(cx)) {
      return Poll.pending();
    }
    return inner.pollFlush(cx);
  }

  /**
   * Sends what is still queued and {@code close_notify}, then shuts down the inner stream's write
   * side. Ready once the inner stream has taken those bytes (over TCP: once they are in the
   * kernel's send buffer), not once the peer has read them; it does not wait for the peer's own
   * {@code close_notify} either, as tokio-rustls's shutdown. It is not bounded otherwise: while a
   * peer reads nothing and the buffers on the way are full, it stays pending.
   */
  @Override
  public Poll<Void> pollShutdown(Context cx) throws IOException {
    ensureOpen();
    if (!closeNotifySent) {
      engine.closeOutbound();
      while (!engine.isOutboundDone()) {
        SSLEngineResult r = wrapNothing();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
          break;
        }
      }
      closeNotifySent = true;
    }
    if (!flushNet(cx)) {
      return Poll.pending();
    }
    if (!innerShutDown) {
      try {
        Poll<Void> p = inner.pollShutdown(cx);
        if (p.isPending()) {
          return p;
        }
      } catch (IOException e) {
        if (!inboundDone) {
          throw e;
        }
        // The peer said goodbye and has gone: there is nobody to send our end of stream to.
      }
      innerShutDown = true;
    }
    return Poll.ready(null);
  }

  /**
   * Shuts down as {@link #pollShutdown} does, then closes the inner stream (also when shutting down
   * fails). Bound it to give up on a peer that reads nothing, for example with {@code
   * Time.timeout}, then call {@link #close()}, which drops what was not sent.
   *
   * <p><b>Cancel safety:</b> not cancel safe: a cancelled close may have sent part of what was
   * queued, and leaves the stream open: {@link #close()} must still be called.
   */
  @Override
  public Future<Void> closeAsync() {
    return cx -> {
      if (closed) {
        return Poll.ready(null);
      }
      Poll<Void> p;
      try {
        p = pollShutdown(cx);
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
      if (p.isReady()) {
        close();
      }
      return p;
    };
  }

  /** Closes the inner stream at once, without {@code close_notify}. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    engine.closeOutbound();
    if (inner instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing is best effort: the connection is gone either way
      }
    }
  }

  @Override
  public String toString() {
    return "TlsStream[" + engine.getSession().getProtocol() + ", " + inner + "]";
  }

  // ---- the engine and the buffers ------------------------------------------------------------

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the TLS stream is closed");
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run(); // certificate checks and key exchange: CPU-bound, milliseconds at most
    }
  }

  /** Wraps no application data: a handshake message, an alert, or {@code close_notify}. */
  private SSLEngineResult wrapNothing() throws SSLException {
    return wrap(NOTHING, 0, 1);
  }

  private SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length) throws SSLException {
    while (true) {
      SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED
          && r.bytesProduced() > 0
          && dataBeforeClose < 0) {
        dataBeforeClose = netOut.position() - r.bytesProduced();
      }
      if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
        return r;
      }
      netOut = grow(netOut, engine.getSession().getPacketBufferSize());
    }
  }

  private SSLEngineResult unwrap() throws SSLException {
    while (true) {
      netIn.flip();
      SSLEngineResult r;
      try {
        r = engine.unwrap(netIn, appIn);
      } finally {
        netIn.compact();
      }
      switch (r.getStatus()) {
        case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
        case BUFFER_UNDERFLOW -> {
          int need = engine.getSession().getPacketBufferSize();
          if (netIn.capacity() < need) {
            netIn = grow(netIn, need);
          }
          return r;
        }
        default -> {
          return r;
        }
      }
    }
  }

  /** {@return a buffer in write mode holding {@code b}'s bytes with at least {@code room} free} */
  private static ByteBuffer grow(ByteBuffer b, int room) {
    ByteBuffer bigger = ByteBuffer.allocate(b.position() + Math.max(room, 1024));
    b.flip();
    bigger.put(b);
    return bigger;
  }

  /**
   * Sends the buffered ciphertext. After the peer's {@code close_notify}, a failure to send what is
   * left is ignored (and that rest dropped) when it is only our closing records.
   *
   * @return true if all of it was taken by the inner stream (or dropped, see above); false if
   *     waiting (wake-up arranged)
   */
  private boolean flushNet(Context cx) throws IOException {
    try {
      return sendNet(cx);
    } catch (IOException e) {
      if (!inboundDone || dataBeforeClose != 0) {
        throw e; // application data (or a handshake message) did not reach the peer
      }
      // The peer said goodbye and has gone; what is lost is our close_notify in reply, which
      // nobody would read (rustls does not even send one). tokio-rustls's flush succeeds here.
      netOut.clear();
      return true;
    }
  }

  private boolean sendNet(Context cx) throws IOException {
    if (netOut.position() == 0) {
      return true;
    }
    if (sendFailure != null) {
      throw sendFailure;
    }
    netOut.flip();
    try {
      while (netOut.hasRemaining()) {
        int before = netOut.position();
        if (inner.pollWrite(cx, netOut).isPending()) {
          return false;
        }
        int sent = netOut.position() - before;
        if (sent == 0) {
          throw new IOException("the inner stream wrote zero bytes");
        }
        if (dataBeforeClose > 0) {
          dataBeforeClose = Math.max(0, dataBeforeClose - sent);
        }
      }
      return true;
    } finally {
      netOut.compact();
    }
  }

  /** {@return bytes of ciphertext read, 0 if waiting (wake-up arranged), -1 at end of stream} */
  private int fillNet(Context cx) throws IOException {
    if (!netIn.hasRemaining()) {
      netIn = grow(netIn, engine.getSession().getPacketBufferSize());
    }
    int before = netIn.position();
    if (inner.pollRead(cx, netIn).isPending()) {
      return 0;
    }
    int n = netIn.position() - before;
    return n == 0 ? -1 : n;
  }
}
