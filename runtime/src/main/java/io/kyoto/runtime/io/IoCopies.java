package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.io.WithdrawingOp;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The copying futures behind {@link Io}. A copy may wait on its reader and its writer at once, so
 * its cancel withdraws the last pending poll's waker from both (see {@link WithdrawingOp}).
 */
final class IoCopies {
  private IoCopies() {}

  private static void withdraw(AsyncRead reader, AsyncWrite writer, Waker waker) {
    if (waker != null) {
      reader.withdrawRead(waker);
      writer.withdrawWrite(waker);
    }
  }

  /** {@code Io.copy}. */
  static Future<Long> copy(AsyncRead reader, AsyncWrite writer, int bufferSize) {
    CopyBuffer state = new CopyBuffer(bufferSize);
    return new Future<>() {
      private Waker waiting;

      @Override
      public Poll<Long> poll(Context cx) throws IOException {
        Poll<Long> p = state.poll(cx, reader, writer);
        waiting = p.isPending() ? cx.waker() : null;
        return p;
      }

      @Override
      public void cancel() {
        Waker w = waiting;
        waiting = null;
        withdraw(reader, writer, w);
        state.release();
      }
    };
  }

  /** {@code Io.copyBuf}: writes straight from the reader's buffer. */
  static final class CopyBuf implements Future<Long> {
    private final AsyncBufRead reader;
    private final AsyncWrite writer;
    private long amount;
    private boolean needFlush;
    private Waker waiting;

    CopyBuf(AsyncBufRead reader, AsyncWrite writer) {
      this.reader = reader;
      this.writer = writer;
    }

    @Override
    public Poll<Long> poll(Context cx) throws IOException {
      Poll<Long> p = pollCopy(cx);
      waiting = p.isPending() ? cx.waker() : null;
      return p;
    }

    @Override
    public void cancel() {
      Waker w = waiting;
      waiting = null;
      withdraw(reader, writer, w);
    }

    private Poll<Long> pollCopy(Context cx) throws IOException {
      while (true) {
        if (!cx.tryConsumeBudget()) {
          cx.waker().wake();
          return Poll.pending();
        }
        Poll<ByteBuffer> p = reader.pollFillBuf(cx);
        if (p.isPending()) {
          if (needFlush && writer.pollFlush(cx).isReady()) {
            needFlush = false;
          }
          return Poll.pending();
        }
        ByteBuffer view = p.value();
        if (!view.hasRemaining()) {
          if (writer.pollFlush(cx).isPending()) {
            return Poll.pending();
          }
          return Poll.ready(amount);
        }
        int start = view.position();
        if (writer.pollWrite(cx, view).isPending()) {
          return Poll.pending();
        }
        int n = view.position() - start;
        if (n == 0) {
          throw new IOException("write zero byte into writer");
        }
        reader.consume(n);
        amount += n;
        needFlush = true;
      }
    }
  }

  /** One direction of {@code Io.copyBidirectional}: copy, then shut the writer down. */
  static final class Direction {
    private final AsyncRead reader;
    private final AsyncWrite writer;
    private final CopyBuffer buffer;
    private long amount = -1;
    private boolean shutDown;

    Direction(AsyncRead reader, AsyncWrite writer, int bufferSize) {
      this.reader = reader;
      this.writer = writer;
      this.buffer = new CopyBuffer(bufferSize);
    }

    boolean poll(Context cx) throws IOException {
      if (amount < 0) {
        Poll<Long> p = buffer.poll(cx, reader, writer);
        if (p.isPending()) {
          return false;
        }
        amount = p.value();
      }
      if (!shutDown) {
        if (writer.pollShutdown(cx).isPending()) {
          return false;
        }
        shutDown = true;
      }
      return true;
    }

    long amount() {
      return amount;
    }

    void release(Waker waiting) {
      withdraw(reader, writer, waiting);
      buffer.release();
    }
  }

  /** {@code Io.copyBidirectional}: both directions on the polling task. */
  static final class CopyBidirectional implements Future<BidirectionalCopy> {
    private final Direction aToB;
    private final Direction bToA;
    private Waker waiting;

    <A extends AsyncRead & AsyncWrite, B extends AsyncRead & AsyncWrite> CopyBidirectional(
        A a, B b, int bufferSize) {
      this.aToB = new Direction(a, b, bufferSize);
      this.bToA = new Direction(b, a, bufferSize);
    }

    @Override
    public void cancel() {
      Waker w = waiting;
      waiting = null;
      aToB.release(w);
      bToA.release(w);
    }

    @Override
    public Poll<BidirectionalCopy> poll(Context cx) throws IOException {
      boolean abDone;
      boolean baDone;
      try {
        abDone = aToB.poll(cx);
        baDone = bToA.poll(cx);
      } catch (IOException | RuntimeException e) {
        cancel();
        throw e;
      }
      if (abDone && baDone) {
        waiting = null;
        return Poll.ready(new BidirectionalCopy(aToB.amount(), bToA.amount()));
      }
      waiting = cx.waker();
      return Poll.pending();
    }
  }
}
