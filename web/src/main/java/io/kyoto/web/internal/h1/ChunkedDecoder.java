package io.kyoto.web.internal.h1;

import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import java.nio.ByteBuffer;

/** Temporary chunked decoder; replaced by the strict one. */
public final class ChunkedDecoder {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private long remaining = -1; // -1: expect size line; -2: expect CRLF after data
  private boolean done;
  private boolean trailers;

  public ChunkedDecoder(H1Limits limits) {}

  public boolean isDone() {
    return done;
  }

  public ByteBuffer decode(ByteBuffer in) throws HttpException {
    while (true) {
      if (done) return null;
      if (remaining > 0) {
        if (!in.hasRemaining()) return EMPTY;
        int n = (int) Math.min(remaining, in.remaining());
        ByteBuffer slice = in.slice(in.position(), n);
        in.position(in.position() + n);
        remaining -= n;
        if (remaining == 0) remaining = -2;
        return slice;
      }
      int lineEnd = -1;
      for (int i = in.position(); i + 1 < in.limit(); i++) {
        if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
          lineEnd = i;
          break;
        }
      }
      if (lineEnd < 0) return EMPTY;
      int start = in.position();
      in.position(lineEnd + 2);
      if (remaining == -2) {
        if (lineEnd != start) throw new HttpException(Status.BAD_REQUEST, "missing CRLF");
        remaining = -1;
        continue;
      }
      if (trailers) {
        if (lineEnd == start) done = true;
        continue;
      }
      long size = 0;
      for (int i = start; i < lineEnd; i++) {
        int c = Character.digit(in.get(i), 16);
        if (c < 0) break;
        size = size * 16 + c;
      }
      if (size == 0) trailers = true;
      else remaining = size;
    }
  }
}
