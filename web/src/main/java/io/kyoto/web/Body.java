package io.kyoto.web;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message body: a {@link Stream} of byte chunks, read as it arrives and written as it is
 * produced, with backpressure both ways. A body is never buffered whole unless you ask for it with
 * {@link #bytes(int)} or {@link #string()}.
 *
 * <p>A chunk handed out by {@link #pollNext} is valid until the next poll: copy what you keep. A
 * body can be read once.
 *
 * <p><b>Cancel safety:</b> cancelling a body (or a future reading it) discards the rest; for a
 * request body the server then closes the connection after the response unless the rest was small
 * enough to skip.
 */
public interface Body extends Stream<ByteBuffer> {
  /** The limit of {@link #bytes()} and {@link #string()}: 2 MiB. */
  int DEFAULT_LIMIT = 2 * 1024 * 1024;

  /** {@return the body's length in bytes if known in advance, else -1} */
  default long contentLength() {
    return -1;
  }

  /** {@return the empty body} */
  static Body empty() {
    return Full.EMPTY;
  }

  /**
   * {@return a body of {@code bytes}} The array is not copied: do not change it afterwards.
   *
   * @param bytes the content
   */
  static Body of(byte[] bytes) {
    return bytes.length == 0 ? Full.EMPTY : new Full(ByteBuffer.wrap(bytes));
  }

  /**
   * {@return a body of {@code text} in UTF-8}
   *
   * @param text the content
   */
  static Body of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@return a body of {@code buffer}'s remaining bytes} The buffer is not copied.
   *
   * @param buffer the content
   */
  static Body of(ByteBuffer buffer) {
    return buffer.hasRemaining() ? new Full(buffer.slice()) : Full.EMPTY;
  }

  /**
   * {@return a body streamed from {@code chunks}, of unknown length} HTTP/1.1 sends it with chunked
   * coding.
   *
   * @param chunks the chunks, in order
   */
  static Body from(Stream<ByteBuffer> chunks) {
    return from(chunks, -1);
  }

  /**
   * {@return a body streamed from {@code chunks} whose total length is {@code length}} The server
   * sends {@code Content-Length} and fails the connection if the stream's length differs.
   *
   * @param chunks the chunks, in order
   * @param length the exact total length, or -1 if unknown
   */
  static Body from(Stream<ByteBuffer> chunks, long length) {
    Objects.requireNonNull(chunks, "chunks");
    return new Body() {
      @Override
      public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
        return chunks.pollNext(cx);
      }

      @Override
      public void cancel() {
        chunks.cancel();
      }

      @Override
      public long contentLength() {
        return length;
      }
    };
  }

  /** {@return a future of the whole body, at most {@link #DEFAULT_LIMIT} bytes} */
  default Future<byte[]> bytes() {
    return bytes(DEFAULT_LIMIT);
  }

  /**
   * {@return a future of the whole body}
   *
   * <p>Fails with an {@link HttpException} of status 413 as soon as the body exceeds {@code
   * maxBytes} (or declares a larger length), without reading the rest.
   *
   * @param maxBytes the most bytes to accept
   */
  default Future<byte[]> bytes(int maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    Body body = this;
    return new Future<>() {
      private byte[] acc = new byte[0];
      private int len;

      @Override
      public Poll<byte[]> poll(Context cx) throws Exception {
        if (body.contentLength() > maxBytes) {
          body.cancel();
          throw tooLarge(maxBytes);
        }
        while (true) {
          Poll<ByteBuffer> p = body.pollNext(cx);
          if (p.isPending()) return Poll.pending();
          if (Stream.isEnd(p)) {
            return Poll.ready(len == acc.length ? acc : Arrays.copyOf(acc, len));
          }
          ByteBuffer chunk = p.value();
          int n = chunk.remaining();
          if (n > maxBytes - len) {
            body.cancel();
            throw tooLarge(maxBytes);
          }
          if (len + n > acc.length) {
            acc = Arrays.copyOf(acc, Math.min(maxBytes, Math.max(len + n, acc.length * 2 + 64)));
          }
          chunk.get(acc, len, n);
          len += n;
        }
      }

      @Override
      public void cancel() {
        body.cancel();
      }
    };
  }

  /** {@return a future of the whole body decoded as UTF-8, at most {@link #DEFAULT_LIMIT} bytes} */
  default Future<String> string() {
    return bytes().map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /**
   * {@return a future that reads and discards the rest of the body}
   *
   * <p><b>Cancel safety:</b> cancel safe.
   */
  default Future<Void> drain() {
    Body body = this;
    return new Future<>() {
      @Override
      public Poll<Void> poll(Context cx) throws Exception {
        while (true) {
          Poll<ByteBuffer> p = body.pollNext(cx);
          if (p.isPending()) return Poll.pending();
          if (Stream.isEnd(p)) return Poll.ready(null);
          ByteBuffer chunk = p.value();
          chunk.position(chunk.limit());
        }
      }

      @Override
      public void cancel() {
        body.cancel();
      }
    };
  }

  private static HttpException tooLarge(int maxBytes) {
    return new HttpException(
        Status.CONTENT_TOO_LARGE, "body larger than the limit of " + maxBytes + " bytes");
  }

  /**
   * A body held whole in memory. The server writes it with the response head in one system call.
   */
  final class Full implements Body {
    static final Full EMPTY = new Full(ByteBuffer.allocate(0));

    private final ByteBuffer content;
    private boolean taken;

    Full(ByteBuffer content) {
      this.content = content;
    }

    /** {@return a read-only view of the content} Reading it does not consume the body. */
    public ByteBuffer content() {
      return content.asReadOnlyBuffer();
    }

    @Override
    public long contentLength() {
      return content.remaining();
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
      if (taken || !content.hasRemaining()) return Stream.end();
      taken = true;
      // Read-only: a constant body's bytes are shared by every response that carries it.
      return Poll.ready(content.asReadOnlyBuffer());
    }

    @Override
    public Future<byte[]> bytes(int maxBytes) {
      if (content.remaining() > maxBytes) return Futures.failed(tooLarge(maxBytes));
      byte[] copy = new byte[content.remaining()];
      content.duplicate().get(copy);
      return Futures.ready(copy);
    }
  }
}
