package io.kyoto.runtime.net;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Hand-written poll loops for the net tests (independent of the io utilities under test). */
final class NetTestSupport {
  private NetTestSupport() {}

  static Future<Void> writeAll(AsyncWrite w, ByteBuffer src) {
    return cx -> {
      while (src.hasRemaining()) {
        int before = src.position();
        if (w.pollWrite(cx, src).isPending()) {
          return Poll.pending();
        }
        if (src.position() == before) {
          throw new IOException("failed to write whole buffer");
        }
      }
      return Poll.ready(null);
    };
  }

  static Future<byte[]> readExactly(AsyncRead r, int n) {
    ByteBuffer dst = ByteBuffer.allocate(n);
    return cx -> {
      while (dst.hasRemaining()) {
        int before = dst.position();
        if (r.pollRead(cx, dst).isPending()) {
          return Poll.pending();
        }
        if (dst.position() == before) {
          throw new EOFException("early eof after " + before + " of " + n + " bytes");
        }
      }
      return Poll.ready(dst.array());
    };
  }

  static Future<byte[]> readToEnd(AsyncRead r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer dst = ByteBuffer.allocate(16 * 1024);
    return cx -> {
      while (true) {
        dst.clear();
        if (r.pollRead(cx, dst).isPending()) {
          return Poll.pending();
        }
        if (dst.position() == 0) {
          return Poll.ready(out.toByteArray());
        }
        out.write(dst.array(), 0, dst.position());
      }
    };
  }

  /** Echoes until end of stream, then shuts down the write side; returns the byte count. */
  static Future<Long> echo(AsyncRead r, AsyncWrite w) {
    ByteBuffer buf = ByteBuffer.allocateDirect(8192);
    buf.flip();
    long[] total = {0};
    return cx -> {
      while (true) {
        if (buf.hasRemaining()) {
          int before = buf.position();
          if (w.pollWrite(cx, buf).isPending()) {
            return Poll.pending();
          }
          total[0] += buf.position() - before;
          continue;
        }
        buf.clear();
        Poll<Void> p = r.pollRead(cx, buf);
        buf.flip();
        if (p.isPending()) {
          return Poll.pending();
        }
        if (!buf.hasRemaining()) {
          w.pollShutdown(cx);
          return Poll.ready(total[0]);
        }
      }
    };
  }
}
