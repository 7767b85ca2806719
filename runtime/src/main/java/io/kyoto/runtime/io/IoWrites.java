package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.io.WithdrawingOp;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The writing futures behind {@link Io}. */
final class IoWrites {
  private IoWrites() {}

  /** {@code Io.write}: one write; the count accepted. */
  static Future<Integer> write(AsyncWrite writer, ByteBuffer src) {
    return new WithdrawingOp.Write<>(writer) {
      @Override
      protected Poll<Integer> pollOperation(Context cx) throws IOException {
        if (!src.hasRemaining()) {
          return Poll.ready(0);
        }
        int before = src.position();
        if (writer.pollWrite(cx, src).isPending()) {
          return Poll.pending();
        }
        return Poll.ready(src.position() - before);
      }
    };
  }

  /** {@code Io.writeAll}: writes until {@code src} is empty. */
  static Future<Void> writeAll(AsyncWrite writer, ByteBuffer src) {
    return new WithdrawingOp.Write<>(writer) {
      @Override
      protected Poll<Void> pollOperation(Context cx) throws IOException {
        while (src.hasRemaining()) {
          int before = src.position();
          if (writer.pollWrite(cx, src).isPending()) {
            return Poll.pending();
          }
          if (src.position() == before) {
            throw new IOException("failed to write whole buffer");
          }
        }
        return Poll.ready(null);
      }
    };
  }

  /** {@code Io.writeAllVectored}: writes until every buffer is empty. */
  static final class WriteAllVectored extends WithdrawingOp.Write<Void> {
    private final ByteBuffer[] srcs;
    private int first;

    WriteAllVectored(AsyncWrite writer, ByteBuffer[] srcs) {
      super(writer);
      this.srcs = srcs;
    }

    @Override
    protected Poll<Void> pollOperation(Context cx) throws IOException {
      while (true) {
        while (first < srcs.length && !srcs[first].hasRemaining()) {
          first++;
        }
        if (first == srcs.length) {
          return Poll.ready(null);
        }
        long before = remaining();
        if (writer.pollWriteVectored(cx, srcs, first, srcs.length - first).isPending()) {
          return Poll.pending();
        }
        if (remaining() == before) {
          throw new IOException("failed to write whole buffer");
        }
      }
    }

    private long remaining() {
      long n = 0;
      for (int i = first; i < srcs.length; i++) {
        n += srcs[i].remaining();
      }
      return n;
    }
  }
}
