package io.kyoto.runtime.internal.io;

import io.kyoto.reactor.IoResult;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared engine of the runtime's stream sockets: the readiness loops of {@code AsyncRead} and
 * {@code AsyncWrite} over a {@link RawStream} and its {@link Registration}.
 *
 * <p>Reading and writing are independent (one reader waiter, one writer waiter), so a reader task
 * and a writer task may use one core concurrently; each direction serves one task at a time.
 */
public final class StreamCore {
  private final RawStream raw;
  private final Registration registration;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Registers {@code raw} with {@code driver}; closes it if registration fails.
   *
   * @param driver the runtime's I/O driver
   * @param raw the stream, created on the driver's backend
   * @throws IOException if registration fails
   */
  public StreamCore(IoDriver driver, RawStream raw) throws IOException {
    this.raw = raw;
    this.registration = Registration.register(driver, raw.source());
  }

  /** {@return the raw stream} */
  public RawStream raw() {
    return raw;
  }

  /**
   * Polls a non-blocking connect to completion.
   *
   * @param cx the task's context
   * @return ready once connected
   * @throws IOException why the connect failed
   */
  public Poll<Void> pollConnect(Context cx) throws IOException {
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.WRITE_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      if (raw.finishConnect()) {
        return Poll.ready(null);
      }
      registration.clearReadiness(ready, ScheduledIo.WRITABLE);
    }
  }

  /**
   * The {@code AsyncRead} contract.
   *
   * @param cx the task's context
   * @param dst the buffer; its position advances
   * @return ready after reading something or at EOF
   * @throws IOException if reading fails
   */
  public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
    int want = dst.remaining();
    if (want == 0) {
      return Poll.ready(null);
    }
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.READ_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      if (!wouldBlock(ready, raw.read(dst), want, ScheduledIo.READABLE)) {
        return Poll.ready(null);
      }
    }
  }

  /**
   * The {@code AsyncWrite} contract.
   *
   * @param cx the task's context
   * @param src the bytes; its position advances
   * @return ready after writing something
   * @throws IOException if writing fails
   */
  public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
    int want = src.remaining();
    if (want == 0) {
      return Poll.ready(null);
    }
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.WRITE_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      if (!wouldBlock(ready, raw.write(src), want, ScheduledIo.WRITABLE)) {
        return Poll.ready(null);
      }
    }
  }

  /**
   * The gathering {@code AsyncWrite} contract.
   *
   * @param cx the task's context
   * @param srcs the buffers
   * @param offset the first buffer
   * @param length how many
   * @return ready after writing something
   * @throws IOException if writing fails
   */
  public Poll<Void> pollWriteVectored(Context cx, ByteBuffer[] srcs, int offset, int length)
      throws IOException {
    ByteBuffer[] bufs =
        offset == 0 && length == srcs.length
            ? srcs
            : Arrays.copyOfRange(srcs, offset, offset + length);
    long want = 0;
    for (ByteBuffer b : bufs) {
      want += b.remaining();
    }
    if (want == 0) {
      return Poll.ready(null);
    }
    while (true) {
      long ready = registration.pollReady(cx, ScheduledIo.WRITE_INTEREST);
      if (ready < 0) {
        return Poll.pending();
      }
      if (!wouldBlock(ready, raw.write(bufs), want, ScheduledIo.WRITABLE)) {
        return Poll.ready(null);
      }
    }
  }

  /**
   * Withdraws a cancelled read's waker (see {@link Registration#withdraw}).
   *
   * @param waker the waker of the read's last pending poll
   */
  public void withdrawRead(Waker waker) {
    registration.withdraw(ScheduledIo.READ_INTEREST, waker);
  }

  /**
   * Withdraws a cancelled write's (or connect's) waker (see {@link Registration#withdraw}).
   *
   * @param waker the waker of the write's last pending poll
   */
  public void withdrawWrite(Waker waker) {
    registration.withdraw(ScheduledIo.WRITE_INTEREST, waker);
  }

  /**
   * Settles readiness after one transfer: on "would block" clears it (the caller waits for the next
   * event); after a short transfer on an edge-triggered backend clears it too, because the socket
   * is drained and the next byte brings an event, saving a syscall that would block.
   *
   * @return true if the transfer would block, false if it made progress or hit end of stream
   */
  private boolean wouldBlock(long ready, long n, long want, int bit) {
    if (n == IoResult.WOULD_BLOCK) {
      registration.clearReadiness(ready, bit);
      return true;
    }
    if (n > 0 && n < want && registration.shortTransferClears()) {
      registration.clearReadiness(ready, bit);
    }
    return false;
  }

  /**
   * Shuts down the write side (a FIN).
   *
   * @return ready
   * @throws IOException if the socket is closed or the shutdown fails
   */
  public Poll<Void> pollShutdown() throws IOException {
    // Idempotent on every backend: a second shutdown (Io.using after copyBidirectional already
    // shut the write side) must not fail because the peer has meanwhile closed (ENOTCONN on epoll).
    if (outputShut) return Poll.ready(null);
    raw.shutdownOutput();
    outputShut = true;
    return Poll.ready(null);
  }

  private volatile boolean outputShut;

  /** {@return whether {@link #close()} was called} */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Deregisters and closes the socket; waiting tasks fail with a closed error. Idempotent.
   *
   * @throws IOException if the operating system reports an error closing the socket
   */
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      registration.deregister();
      raw.close();
    }
  }
}
