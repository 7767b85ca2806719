package io.kyoto.web.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import io.kyoto.web.internal.h1.ChunkedDecoder;
import io.kyoto.web.internal.h1.H1Limits;
import java.io.EOFException;
import java.nio.ByteBuffer;

/**
 * Reads one message body from an {@link InBuffer}: a known length, chunked coding, or (responses
 * only) everything up to end of stream. Chunks handed out are views of the input buffer, valid
 * until the next call.
 */
public final class BodyDecoder {
  private final ChunkedDecoder chunked;
  private final boolean untilEof;
  private final long maxBytes;
  private long remaining;
  private long received;
  private boolean done;

  private BodyDecoder(ChunkedDecoder chunked, long length, boolean untilEof, long maxBytes) {
    this.chunked = chunked;
    this.remaining = length;
    this.untilEof = untilEof;
    this.maxBytes = maxBytes;
  }

  /**
   * {@return a decoder of {@code length} bytes}
   *
   * @param length the declared length
   */
  public static BodyDecoder ofLength(long length) {
    return new BodyDecoder(null, length, false, Long.MAX_VALUE);
  }

  /**
   * {@return a decoder of chunked coding}
   *
   * @param limits chunk-line and trailer limits
   * @param maxBytes the most data bytes accepted (413 beyond)
   */
  public static BodyDecoder chunked(H1Limits limits, long maxBytes) {
    return new BodyDecoder(new ChunkedDecoder(limits), -1, false, maxBytes);
  }

  /** {@return a decoder of a close-delimited body} */
  public static BodyDecoder untilEof() {
    return new BodyDecoder(null, -1, true, Long.MAX_VALUE);
  }

  /** {@return whether the whole body has been read} */
  public boolean isDone() {
    return done;
  }

  /** {@return whether the connection can carry another message after this body} */
  public boolean reusable() {
    return !untilEof;
  }

  /**
   * Reads the next piece of the body.
   *
   * @param cx the task's context
   * @param in the connection's input
   * @return a chunk, pending, or {@link Stream#end()}
   * @throws Exception {@link EOFException} if the connection ends early, {@link HttpException} for
   *     bad chunked framing or a body over the limit
   */
  public Poll<ByteBuffer> next(Context cx, InBuffer in) throws Exception {
    if (done) return Stream.end();
    ByteBuffer buf = in.buffer();
    while (true) {
      if (chunked != null) {
        if (buf.hasRemaining()) {
          ByteBuffer data = chunked.decode(buf);
          if (data == null) {
            done = true;
            return Stream.end();
          }
          if (data.hasRemaining()) {
            received += data.remaining();
            if (received > maxBytes) {
              throw new HttpException(
                  Status.CONTENT_TOO_LARGE, "body exceeds the limit of " + maxBytes + " bytes");
            }
            return Poll.ready(data);
          }
        }
      } else if (untilEof) {
        if (buf.hasRemaining()) return Poll.ready(take(buf, buf.remaining()));
      } else {
        if (remaining == 0) {
          done = true;
          return Stream.end();
        }
        if (buf.hasRemaining()) {
          int n = (int) Math.min(remaining, buf.remaining());
          remaining -= n;
          return Poll.ready(take(buf, n));
        }
      }
      int n = in.fill(cx);
      if (n < 0) return Poll.pending();
      if (n == 0) {
        if (untilEof) {
          done = true;
          return Stream.end();
        }
        throw new EOFException("connection closed before the body ended");
      }
      buf = in.buffer();
    }
  }

  private static ByteBuffer take(ByteBuffer buf, int n) {
    ByteBuffer slice = buf.slice(buf.position(), n);
    buf.position(buf.position() + n);
    return slice;
  }

  /**
   * Skips the rest of the body if it is already buffered.
   *
   * @param in the connection's input
   * @return whether the body is now finished
   */
  public boolean skipBuffered(InBuffer in) {
    ByteBuffer buf = in.buffer();
    try {
      if (chunked != null) {
        while (buf.hasRemaining() && !done) {
          ByteBuffer data = chunked.decode(buf);
          if (data == null) done = true;
          else if (!data.hasRemaining()) break;
        }
      } else if (!untilEof && remaining <= buf.remaining()) {
        buf.position(buf.position() + (int) remaining);
        remaining = 0;
        done = true;
      }
    } catch (HttpException e) {
      return false;
    }
    return done;
  }
}
